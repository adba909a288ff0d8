import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { canonicalFields, hashRow } from '../../libs/privacy/src/audit/audit-chain.js';
import { AuditLog, type AuditEntry } from '../../libs/privacy/src/audit/audit-log.service.js';
import { ActorContext } from '../../libs/privacy/src/context/actor-context.js';
import { adminHeaders, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/** The built CLI behind `npm run audit:verify` (dist/ is built by `npm test`'s pretest). */
const AUDIT_VERIFY_CLI = path.resolve('dist/scripts/audit-verify.js');

const lookup = (subjectId: string): AuditEntry => ({
  subjectId,
  activityId: 'back-office.customer-lookup',
  action: 'read',
  fields: ['contact.email', 'address.street'],
  actor: { type: 'staff', id: 'staff-7', role: 'support' },
});

describe('the access audit log', () => {
  let db: TestDatabase;
  let app: TestApp;
  let auditLog: AuditLog;

  /** Runs SQL as an attacker with superuser rights would: with the append-only triggers switched off. */
  const asSuperuserBypassingTriggers = (sql: string): Promise<unknown> =>
    db.query(`set session_replication_role = replica; ${sql}`);

  /** Tampers with the log (by default as a superuser bypassing the triggers) for one check, then puts every row back. */
  async function whileTamperedWith(
    tampering: string | (() => Promise<unknown>),
    check: () => Promise<void>,
  ): Promise<void> {
    await db.query(`create table public.audit_log_backup as table privacy.access_audit_log`);
    try {
      await (typeof tampering === 'string' ? asSuperuserBypassingTriggers(tampering) : tampering());
      await check();
    } finally {
      await asSuperuserBypassingTriggers(`
        delete from privacy.access_audit_log;
        insert into privacy.access_audit_log select * from public.audit_log_backup;
        drop table public.audit_log_backup;`);
    }
  }

  const verifyOverHttp = () =>
    app.inject({ method: 'GET', url: '/api/v1/admin/audit/verify', headers: adminHeaders });

  const runCli = async (): Promise<{ code: number; stdout: string }> => {
    const env = { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'test', DATABASE_URL: db.url };
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [AUDIT_VERIFY_CLI], { env });
      return { code: 0, stdout };
    } catch (error) {
      const failed = error as { code: number; stdout: string };
      return { code: failed.code, stdout: failed.stdout };
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startTestApp({ db });
    auditLog = app.app.get(AuditLog);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('records who accessed whose data, for which activity, which fields and when; no values', async () => {
    const before = Date.now();
    const receipt = await auditLog.append({
      ...lookup('customer-1'),
      fields: ['contact.email', 'address.city'],
    });
    const { rows } = await db.query(`select * from privacy.access_audit_log where seq = $1`, [receipt.seq]);
    expect(rows).toEqual([
      {
        seq: receipt.seq,
        occurred_at: expect.any(Date),
        actor_type: 'staff',
        actor_id: 'staff-7',
        actor_role: 'support',
        subject_id: 'customer-1',
        activity_id: 'back-office.customer-lookup',
        action: 'read',
        fields: ['address.city', 'contact.email'],
        prev_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        hash: receipt.hash,
      },
    ]);
    expect((rows[0].occurred_at as Date).getTime()).toBeGreaterThanOrEqual(before);
  });

  it('takes the actor from the current request or job, and the system where there is none', async () => {
    const { actor: _, ...entry } = lookup('customer-2');
    const byPartner = await ActorContext.run({ type: 'partner', id: 'dhl', role: 'carrier' }, () =>
      auditLog.append(entry),
    );
    const bySystem = await auditLog.append(entry);
    const { rows } = await db.query(
      `select actor_type, actor_id, actor_role from privacy.access_audit_log where seq in ($1, $2) order by seq`,
      [byPartner.seq, bySystem.seq],
    );
    expect(rows).toEqual([
      { actor_type: 'partner', actor_id: 'dhl', actor_role: 'carrier' },
      { actor_type: 'system', actor_id: 'system', actor_role: null },
    ]);
  });

  it('refuses an entry that carries a personal value instead of an id or a field name', async () => {
    await expect(auditLog.append(lookup('erika@example.org'))).rejects.toThrow(/subjectId must be an id/);
    await expect(
      auditLog.append({ ...lookup('customer-3'), fields: ['Musterstraße 1, 47877 Willich'] }),
    ).rejects.toThrow(/fields must be field names/);
  });

  it('is append-only in the database itself: UPDATE, DELETE and TRUNCATE are refused', async () => {
    await auditLog.append(lookup('customer-4'));
    await expect(db.query(`update privacy.access_audit_log set subject_id = 'x'`)).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(db.query(`delete from privacy.access_audit_log`)).rejects.toThrow(
      /append-only: DELETE refused/,
    );
    await expect(db.query(`truncate privacy.access_audit_log`)).rejects.toThrow(
      /append-only: TRUNCATE refused/,
    );
  });

  it('verifies an intact chain, in the service, over HTTP and with npm run audit:verify', async () => {
    for (let i = 0; i < 5; i++) await auditLog.append(lookup(`customer-${10 + i}`));
    const result = await auditLog.verify();
    expect(result).toMatchObject({ valid: true, head: { seq: String(result.rows) } });
    expect(result.firstBroken).toBeUndefined();

    const res = await verifyOverHttp();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(result);

    const cli = await runCli();
    expect(cli).toEqual({
      code: 0,
      stdout: `audit log intact: ${result.rows} row(s), head seq ${result.head!.seq} hash ${result.head!.hash}\n`,
    });
  });

  it('lets only the admin verify the chain over HTTP', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/admin/audit/verify' });
    expect(res.statusCode).toBe(401);
    const wrong = await app.inject({
      method: 'GET',
      url: '/api/v1/admin/audit/verify',
      headers: { authorization: 'Bearer not-the-token' },
    });
    expect(wrong.statusCode).toBe(401);
  });

  it('reports a row changed by SQL by its seq, in the service, over HTTP and with npm run audit:verify', async () => {
    const target = await auditLog.append(lookup('customer-20'));
    await auditLog.append(lookup('customer-21'));
    await whileTamperedWith(
      `update privacy.access_audit_log set subject_id = 'customer-666' where seq = ${target.seq}`,
      async () => {
        const result = await auditLog.verify();
        expect(result).toMatchObject({
          valid: false,
          rows: Number(target.seq),
          firstBroken: { seq: target.seq },
        });
        expect(result.firstBroken!.problem).toMatch(/stored hash does not match the row’s content/);

        expect((await verifyOverHttp()).json()).toEqual(result);

        const cli = await runCli();
        expect(cli.code).toBe(1);
        expect(cli.stdout).toBe(
          `audit log BROKEN at seq ${target.seq}: ${result.firstBroken!.problem} (${result.rows} row(s) read)\n`,
        );
      },
    );
    await expect(auditLog.verify()).resolves.toMatchObject({ valid: true });
  });

  it('reports a row changed by the table owner with the trigger disabled, even when the fields were only reordered', async () => {
    const target = await auditLog.append(lookup('customer-22'));
    await whileTamperedWith(
      () =>
        db.query(`
          alter table privacy.access_audit_log disable trigger access_audit_log_append_only;
          update privacy.access_audit_log set fields = array['contact.email', 'address.street'] where seq = ${target.seq};
          alter table privacy.access_audit_log enable trigger access_audit_log_append_only;`),
      async () => {
        await expect(auditLog.verify()).resolves.toMatchObject({
          valid: false,
          firstBroken: { seq: target.seq },
        });
      },
    );
  });

  it('reports a row changed with its hash recomputed at the next row, whose prev_hash no longer matches', async () => {
    const target = await auditLog.append(lookup('customer-23'));
    const next = await auditLog.append(lookup('customer-24'));
    // The attacker rewrites the row and its hash (the hash function is no secret) but not every row after it.
    const { rows } = await db.query<{ hash: string }>(
      `select hash from privacy.access_audit_log where seq = $1`,
      [target.seq],
    );
    expect(rows[0].hash).toBe(target.hash);
    await whileTamperedWith(
      `update privacy.access_audit_log set hash = repeat('a', 64) where seq = ${target.seq}`,
      async () => {
        // The changed hash alone no longer matches the row's content: found at the row itself ...
        await expect(auditLog.verify()).resolves.toMatchObject({ firstBroken: { seq: target.seq } });
      },
    );
    const original = await db.query<{ occurred_at: Date; prev_hash: string }>(
      `select occurred_at, prev_hash from privacy.access_audit_log where seq = $1`,
      [target.seq],
    );
    const forged = {
      ...lookup('customer-666'),
      actor: lookup('x').actor!,
      seq: target.seq,
      occurredAt: original.rows[0].occurred_at,
      fields: canonicalFields(lookup('x').fields),
      prevHash: original.rows[0].prev_hash,
    };
    await whileTamperedWith(
      `update privacy.access_audit_log set subject_id = 'customer-666', hash = '${hashRow(forged)}'
        where seq = ${target.seq}`,
      async () => {
        // ... and a consistent forgery of the row is found at the next one.
        const result = await auditLog.verify();
        expect(result.firstBroken).toEqual({
          seq: next.seq,
          problem: `prev_hash does not match the hash of seq ${target.seq}: that row was changed and its hash recomputed`,
        });
      },
    );
  });

  it('reports a deleted row as the gap it leaves', async () => {
    const target = await auditLog.append(lookup('customer-25'));
    await auditLog.append(lookup('customer-26'));
    await whileTamperedWith(`delete from privacy.access_audit_log where seq = ${target.seq}`, async () => {
      const result = await auditLog.verify();
      expect(result).toMatchObject({ valid: false, firstBroken: { seq: target.seq } });
      expect(result.firstBroken!.problem).toBe(
        `seq ${BigInt(target.seq) - 1n} is followed by seq ${BigInt(target.seq) + 1n}: row(s) ${target.seq} are missing (deleted)`,
      );
      expect((await runCli()).code).toBe(1);
    });
  });

  it('reports a deleted first row', async () => {
    await whileTamperedWith(`delete from privacy.access_audit_log where seq = 1`, async () => {
      await expect(auditLog.verify()).resolves.toMatchObject({ valid: false, firstBroken: { seq: '1' } });
    });
  });

  it('chains onto the other instance’s rows when this instance’s last known row is no longer the last', async () => {
    const other = await startTestApp({ db });
    try {
      const first = await auditLog.append(lookup('customer-30'));
      const byOther = await other.app.get(AuditLog).append(lookup('customer-31'));
      const next = await auditLog.append(lookup('customer-32'));

      expect([BigInt(byOther.seq) - BigInt(first.seq), BigInt(next.seq) - BigInt(byOther.seq)]).toEqual([
        1n,
        1n,
      ]);
      const { rows } = await db.query<{ prev_hash: string }>(
        `select prev_hash from privacy.access_audit_log where seq = $1`,
        [next.seq],
      );
      expect(rows[0].prev_hash).toBe(byOther.hash);
      await expect(auditLog.verify()).resolves.toMatchObject({ valid: true });
    } finally {
      await other.close();
    }
  });

  it('keeps a valid, gap-free chain under 32 concurrent writers on two app instances', async () => {
    const second = await startTestApp({ db });
    try {
      const instances = [auditLog, second.app.get(AuditLog)];
      const { rows: before } = await db.query<{ n: string }>(
        `select count(*) as n from privacy.access_audit_log`,
      );
      const writers = Array.from({ length: 32 }, async (_, writer) => {
        const receipts = [];
        for (let i = 0; i < 25; i++) {
          receipts.push(await instances[writer % 2].append(lookup(`customer-w${writer}-${i}`)));
        }
        return receipts;
      });
      const receipts = (await Promise.all(writers)).flat();

      const seqs = new Set(receipts.map((r) => r.seq));
      expect(seqs.size).toBe(32 * 25);
      const result = await auditLog.verify();
      expect(result).toEqual({
        valid: true,
        rows: Number(before[0].n) + 32 * 25,
        head: { seq: String(Number(before[0].n) + 32 * 25), hash: expect.any(String) },
      });
    } finally {
      await second.close();
    }
  });
});
