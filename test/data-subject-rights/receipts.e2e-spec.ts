import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ConsentLedger } from '@app/privacy';
import { DataSubjectRightsModule, ReceiptSubjects } from '../../src/modules/data-subject-rights/index.js';
import { eventually, mailTo } from '../registration/helpers.js';
import { startTestApp, staffToken, type TestApp } from '../helpers/test-app.js';

const URL = '/api/v1/shop/privacy-requests';

/**
 * Stands in for the device-analysis module: registers a resolver backed by a real table of its own
 * (receipt reference → subject id, the address given with the analysis or none).
 */
@Injectable()
class TableBackedReceipts implements OnModuleInit {
  constructor(
    private readonly receipts: ReceiptSubjects,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.dataSource.query(
      `create table if not exists test_receipt (reference text primary key, subject_id text not null, email text)`,
    );
    this.receipts.register(async (reference) => {
      const rows: { subject_id: string; email: string | null }[] = await this.dataSource.query(
        `select subject_id, email from test_receipt where upper(reference) = upper($1)`,
        [reference],
      );
      return rows[0] ? { subjectId: rows[0].subject_id, email: rows[0].email } : null;
    });
  }
}

@Module({ imports: [DataSubjectRightsModule], providers: [TableBackedReceipts] })
class TestReceiptsModule {}

describe('privacy requests by the receipt reference of a device analysis (patients)', () => {
  let t: TestApp;
  let officer: { authorization: string };

  beforeAll(async () => {
    t = await startTestApp({
      env: { JOBS_ENABLED: 'true', PRIVACY_REQUEST_RATE_LIMIT_MAX: '50' },
      modules: [TestReceiptsModule],
    });
    officer = { authorization: `Bearer ${await staffToken(t, 'privacy-officer')}` };
  });
  afterAll(async () => {
    await t?.close();
  });

  let n = 0;
  const ask = (payload: Record<string, unknown>) =>
    t.inject({
      method: 'POST',
      url: URL,
      payload,
      remoteAddress: `10.7.${Math.floor(n++ / 200)}.${n % 200}`,
    });

  /** A patient as the device module would hold them: a subject id, a reference, an address or none. */
  async function patient(withEmail: boolean) {
    const subjectId = `device-subject:${randomUUID()}`;
    const reference = `DV-${randomUUID().slice(0, 8).toUpperCase()}`;
    const email = withEmail ? `patient-${randomUUID()}@example.org` : null;
    await t.db.query(`insert into test_receipt (reference, subject_id, email) values ($1, $2, $3)`, [
      reference,
      subjectId,
      email,
    ]);
    await t.app.get(ConsentLedger).grant({
      subjectId,
      purpose: 'carrier-notifications',
      channel: 'device',
      wording: { version: 'v1', text: 'Tell me about the parcel.' },
    });
    return { subjectId, reference, email };
  }

  async function codeFor(email: string): Promise<string> {
    const mail = await eventually(async () =>
      (await mailTo(t, email)).filter((m) => m.template === 'data-subject-rights.verify-code').at(-1),
    );
    const match = /\b(\d{6})\b/.exec(mail.subject_line);
    if (!match) throw new Error('no code in the message');
    return match[1];
  }

  it('verifies a patient by a code to the address the shop holds, then answers and withdraws the device consent', async () => {
    const p = await patient(true);
    const res = await ask({ type: 'access', receiptReference: p.reference.toLowerCase(), lang: 'en' });
    expect(res.statusCode).toBe(202);
    const { requestId } = res.json<{ requestId: string }>();
    const code = await codeFor(p.email as string);

    const wrong = await t.inject({
      method: 'POST',
      url: `${URL}/${requestId}/verification`,
      payload: { code: code === '000000' ? '111111' : '000000' },
    });
    expect(wrong.statusCode).toBe(400);
    const ok = await t.inject({ method: 'POST', url: `${URL}/${requestId}/verification`, payload: { code } });
    expect(ok.statusCode).toBe(200);
    const answer = ok.json().result.answer;
    expect(answer.consents).toContainEqual(
      expect.objectContaining({ purpose: 'carrier-notifications', action: 'grant', channel: 'device' }),
    );
    const stored = await t.db.query(`select channel, subject_ids from privacy_request where id = $1`, [
      requestId,
    ]);
    expect(stored.rows[0]).toEqual({ channel: 'receipt', subject_ids: [p.subjectId] });

    const withdrawal = await ask({
      type: 'consent-withdrawal',
      purpose: 'carrier-notifications',
      receiptReference: p.reference,
    });
    expect(withdrawal.statusCode).toBe(202);
    const second = await eventually(async () => {
      const mails = (await mailTo(t, p.email as string)).filter(
        (m) => m.template === 'data-subject-rights.verify-code',
      );
      return mails.length > 1 ? /\b(\d{6})\b/.exec(mails[1].subject_line)?.[1] : undefined;
    });
    const done = await t.inject({
      method: 'POST',
      url: `${URL}/${withdrawal.json().requestId}/verification`,
      payload: { code: second },
    });
    expect(done.statusCode).toBe(200);
    expect(done.json().result).toEqual({
      type: 'consent-withdrawal',
      purpose: 'carrier-notifications',
      withdrawn: true,
    });
    const state = await t.app.get(ConsentLedger).state(p.subjectId, 'carrier-notifications');
    expect(state.granted).toBe(false);
  });

  it('answers a reference with an address, one without and an unknown one alike; without an address staff check the identity', async () => {
    const withEmail = await patient(true);
    const withoutEmail = await patient(false);
    const unknown = `DV-${randomUUID().slice(0, 8).toUpperCase()}`;
    const answers = [
      await ask({ type: 'access', receiptReference: withEmail.reference }),
      await ask({ type: 'access', receiptReference: withoutEmail.reference }),
      await ask({ type: 'access', receiptReference: unknown }),
    ];
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: typeof body.requestId });
    for (const a of answers) {
      expect(a.statusCode).toBe(202);
      expect(strip(a.json())).toEqual(strip(answers[0].json()));
      expect(Object.keys(a.headers).sort()).toEqual(Object.keys(answers[0].headers).sort());
    }
    const [, noAddress, nobody] = answers.map((a) => a.json<{ requestId: string }>().requestId);

    // Nothing anyone received can verify them: the same 400 as a wrong code.
    for (const id of [noAddress, nobody]) {
      const attempt = await t.inject({
        method: 'POST',
        url: `${URL}/${id}/verification`,
        payload: { code: '123456' },
      });
      expect(attempt.statusCode).toBe(400);
      expect(attempt.json().errors).toEqual([{ field: 'code', reason: 'is wrong, expired or already used' }]);
    }

    // The request without an address waits in the officer's queue for an identity check.
    const queue = await t.inject({
      method: 'GET',
      url: '/api/v1/admin/privacy/requests?status=awaiting-identity-check',
      headers: officer,
    });
    expect(queue.statusCode).toBe(200);
    const ids = queue.json<{ id: string }[]>().map((r) => r.id);
    expect(ids).toContain(noAddress);
    expect(ids).not.toContain(nobody);

    const checked = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/privacy/requests/${noAddress}/identity-check`,
      headers: officer,
      payload: { identityCheck: 'Came to the practice with the original receipt and ID card' },
    });
    expect(checked.statusCode).toBe(200);
    expect(checked.json().request.status).toBe('completed');
    expect(checked.json().result.answer.consents).toContainEqual(
      expect.objectContaining({ purpose: 'carrier-notifications' }),
    );
    const again = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/privacy/requests/${noAddress}/identity-check`,
      headers: officer,
      payload: { identityCheck: 'Came to the practice with the original receipt and ID card' },
    });
    expect(again.statusCode).toBe(409);
    const events = await t.db.query<{ step: string }>(
      `select step from privacy_request_event where request_id = $1 order by id`,
      [noAddress],
    );
    expect(events.rows.map((e) => e.step)).toEqual(
      expect.arrayContaining(['received', 'identity-check-needed', 'verified', 'completed']),
    );
  });

  it('takes about as long for a known reference as for an unknown one', async () => {
    const known = await Promise.all(Array.from({ length: 9 }, () => patient(true)));
    const bare = await Promise.all(Array.from({ length: 9 }, () => patient(false)));
    const times: Record<'known' | 'bare' | 'unknown', number[]> = { known: [], bare: [], unknown: [] };
    const timed = async (reference: string): Promise<number> => {
      const start = process.hrtime.bigint();
      const res = await ask({ type: 'access', receiptReference: reference });
      expect(res.statusCode).toBe(202);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    for (let i = 0; i < 9; i++) {
      times.known.push(await timed(known[i].reference));
      times.bare.push(await timed(bare[i].reference));
      times.unknown.push(await timed(`DV-${randomUUID().slice(0, 8).toUpperCase()}`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const medians = Object.values(times).map(median);
    // The same writes in every case; a generous bound for a shared, busy machine.
    expect(Math.max(...medians) - Math.min(...medians)).toBeLessThan(Math.max(15, Math.min(...medians)));
  });

  it('refuses bad input with a problem naming the field', async () => {
    const malformed = await ask({ type: 'access', receiptReference: 'x' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(malformed.json().errors).toContainEqual(expect.objectContaining({ field: 'receiptReference' }));
    const both = await ask({ type: 'access', receiptReference: 'DV-ABCDEFGH', email: 'a@example.org' });
    expect(both.statusCode).toBe(400);
    expect(both.json().errors).toContainEqual(expect.objectContaining({ field: 'receiptReference' }));
    const staffUnknown = await t.inject({
      method: 'POST',
      url: '/api/v1/admin/privacy/requests',
      headers: officer,
      payload: {
        type: 'access',
        receiptReference: 'DV-NOSUCHREF',
        receivedVia: 'letter',
        receivedAt: new Date().toISOString(),
        identityCheck: 'Signed letter with a copy of the receipt',
      },
    });
    expect(staffUnknown.statusCode).toBe(400);
    expect(staffUnknown.json().errors).toEqual([
      { field: 'receiptReference', reason: 'no device analysis carries this reference' },
    ]);
  });
});
