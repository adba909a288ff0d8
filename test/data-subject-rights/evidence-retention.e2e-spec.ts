import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { AuditLog, ConsentLedger, RetentionSweep, type SweepReport } from '@app/privacy';
import { adminHeaders, startTestApp, type TestApp } from '../helpers/test-app.js';

const FOUR_YEARS = 4 * 365 * 86_400_000;

describe('the evidence tables get periods (consent ledger, disclosure log, audit log, restrictions, objections)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const policy = (report: SweepReport, id: string) => {
    const found = report.details.policies.find((p) => p.policyId === id);
    if (!found) throw new Error(`no policy ${id} in the sweep`);
    return found;
  };

  it('declares a period for each and prunes them in the retention sweep; the audit chain stays verifiable after a sealed checkpoint', async () => {
    const subject = `customer:${randomUUID()}`;
    const audit = t.app.get(AuditLog);
    const ledger = t.app.get(ConsentLedger);
    for (let i = 0; i < 6; i++) {
      await audit.append({
        subjectId: subject,
        activityId: 'data-subject-rights',
        action: 'read',
        fields: ['x'],
      });
    }
    const wording = { version: 'v1', text: 'Yes, please.' };
    await ledger.grant({ subjectId: subject, purpose: 'old-consent', channel: 'test', wording });
    await ledger.withdraw({ subjectId: subject, purpose: 'old-consent', channel: 'test' });
    await ledger.grant({ subjectId: subject, purpose: 'live-consent', channel: 'test', wording });
    await t.db.query(
      `insert into privacy.disclosure_log (recipient_id, activity_id, subject_id, fields, payload_hash, outcome, actor_type, actor_id)
       values ('dhl', 'carrier-handoff', $1, '{name}', repeat('a', 64), 'sent', 'system', 'test')`,
      [subject],
    );
    await t.db.query(
      `insert into privacy.restriction (subject_id, reason, requested_by, lifted_at) values ($1, 'accuracy', 'test', now()), ($1, 'accuracy', 'test', null)`,
      [subject],
    );
    await t.db.query(
      `insert into privacy.objection (subject_id, activity_id, channel, withdrawn_at) values ($1, 'credit-check', 'test', now()), ($1, 'marketing', 'test', null)`,
      [subject],
    );

    // The record states each period.
    const record = await t.inject({
      method: 'GET',
      url: '/api/v1/admin/privacy/record?format=json',
      headers: adminHeaders,
    });
    expect(record.statusCode).toBe(200);
    expect(JSON.stringify(record.json())).toContain('privacy-evidence');

    // Nothing is due today.
    const today = await t.app.get(RetentionSweep).runSweep(new Date());
    expect(policy(today, 'privacy-evidence.access-audit-log').erased).toBe(0);

    const { rows: before } = await t.db.query<{ max: string }>(
      `select max(seq)::text as max from privacy.access_audit_log`,
    );
    const report = await t.app.get(RetentionSweep).runSweep(new Date(Date.now() + FOUR_YEARS));
    for (const id of [
      'privacy-evidence.consent-ledger',
      'privacy-evidence.disclosure-log',
      'privacy-evidence.restrictions',
      'privacy-evidence.objections',
      'privacy-evidence.access-audit-log',
    ]) {
      expect(policy(report, id).errors).toEqual([]);
      expect(policy(report, id).erased).toBeGreaterThan(0);
    }

    const consents = await t.db.query<{ purpose: string }>(
      `select purpose from privacy.consent_event where subject_id = $1`,
      [subject],
    );
    expect(consents.rows.map((r) => r.purpose)).toEqual(['live-consent']);
    const disclosures = await t.db.query(`select 1 from privacy.disclosure_log where subject_id = $1`, [
      subject,
    ]);
    expect(disclosures.rowCount).toBe(0);
    const restrictions = await t.db.query<{ lifted_at: Date | null }>(
      `select lifted_at from privacy.restriction where subject_id = $1`,
      [subject],
    );
    expect(restrictions.rows).toEqual([{ lifted_at: null }]);
    const objections = await t.db.query<{ activity_id: string }>(
      `select activity_id from privacy.objection where subject_id = $1`,
      [subject],
    );
    expect(objections.rows).toEqual([{ activity_id: 'marketing' }]);

    // Only the newest audit row is left; a checkpoint was sealed through the one before it.
    const { rows: left } = await t.db.query<{ seq: string }>(
      `select seq::text from privacy.access_audit_log`,
    );
    expect(left).toEqual([{ seq: before[0].max }]);
    const { rows: checkpoints } = await t.db.query<{ through_seq: string }>(
      `select through_seq::text from privacy.audit_checkpoint`,
    );
    expect(checkpoints).toEqual([{ through_seq: String(BigInt(before[0].max) - 1n) }]);

    await audit.append({
      subjectId: subject,
      activityId: 'data-subject-rights',
      action: 'read',
      fields: ['y'],
    });
    const verdict = await t.inject({
      method: 'GET',
      url: '/api/v1/admin/audit/verify',
      headers: adminHeaders,
    });
    expect(verdict.statusCode).toBe(200);
    expect(verdict.json()).toMatchObject({
      valid: true,
      rows: 2,
      checkpoint: { seq: checkpoints[0].through_seq },
    });

    // A second sweep seals a second checkpoint on the first.
    await t.app.get(RetentionSweep).runSweep(new Date(Date.now() + FOUR_YEARS));
    const { rows: chained } = await t.db.query(`select 1 from privacy.audit_checkpoint`);
    expect(chained).toHaveLength(2);
    expect((await audit.verify()).valid).toBe(true);
  });

  it('refuses deletions outside the sweep, and rows after the last checkpoint even inside it', async () => {
    await expect(t.db.query(`delete from privacy.consent_event`)).rejects.toThrow(/append-only/);
    await expect(t.db.query(`delete from privacy.access_audit_log`)).rejects.toThrow(/append-only/);
    await expect(t.db.query(`delete from privacy.audit_checkpoint`)).rejects.toThrow(/append-only/);
    await expect(
      t.db.query(
        `begin; select set_config('privacy.pruning_evidence', 'on', true);
         delete from privacy.access_audit_log where seq = (select max(seq) from privacy.access_audit_log); commit`,
      ),
    ).rejects.toThrow(/append-only/);
  });

  it('does not seal a checkpoint over a broken chain: nothing is pruned and the sweep reports it', async () => {
    const audit = t.app.get(AuditLog);
    for (let i = 0; i < 3; i++) {
      await audit.append({
        subjectId: 'customer:tamper',
        activityId: 'data-subject-rights',
        action: 'read',
        fields: ['z'],
      });
    }
    const { rows: last } = await t.db.query<{ seq: string }>(
      `select seq::text from privacy.access_audit_log order by seq desc limit 1 offset 1`,
    );
    // Someone with the owner's rights changes a row behind the triggers' back.
    await t.db.query(`alter table privacy.access_audit_log disable trigger user`);
    await t.db.query(`update privacy.access_audit_log set action = 'nothing-to-see' where seq = $1`, [
      last[0].seq,
    ]);
    await t.db.query(`alter table privacy.access_audit_log enable trigger user`);
    const { rows: count } = await t.db.query<{ n: number }>(
      `select count(*)::int as n from privacy.access_audit_log`,
    );

    const report = await t.app.get(RetentionSweep).runSweep(new Date(Date.now() + FOUR_YEARS));
    const audited = report.details.policies.find((p) => p.policyId === 'privacy-evidence.access-audit-log');
    expect(audited?.errors.join(' ')).toMatch(/broken/);
    const { rows: after } = await t.db.query<{ n: number }>(
      `select count(*)::int as n from privacy.access_audit_log`,
    );
    expect(after[0].n).toBe(count[0].n);
    expect((await audit.verify()).valid).toBe(false);
  });
});
