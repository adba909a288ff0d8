import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ConsentLedger } from '@app/privacy';
import { eventually, mailTo } from '../registration/helpers.js';
import { startTestApp, staffToken, type TestApp } from '../helpers/test-app.js';
import {
  adminHeader,
  registerDevice,
  upload,
  validData,
  type RegisteredDevice,
} from '../device-analysis/device-setup.js';
import { faceJpeg } from '../device-analysis/face-image.js';

const URL = '/api/v1/shop/privacy-requests';

describe('privacy requests by the receipt reference of a device analysis (patients)', () => {
  let t: TestApp;
  let officer: { authorization: string };
  let device: RegisteredDevice;
  let photo: Buffer;

  beforeAll(async () => {
    t = await startTestApp({
      env: { JOBS_ENABLED: 'true', PRIVACY_REQUEST_RATE_LIMIT_MAX: '50' },
    });
    officer = { authorization: `Bearer ${await staffToken(t, 'privacy-officer')}` };
    device = await registerDevice(t, await adminHeader(t));
    photo = await faceJpeg(120, 160, false);
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

  /** A patient as a device at a practice registers them: an analysis with a reference, an address or none. */
  async function patient(withEmail: boolean) {
    const reference = `DV-${randomUUID().slice(0, 8).toUpperCase()}`;
    const email = withEmail ? `patient-${randomUUID()}@example.org` : null;
    const res = await upload(
      t,
      device,
      photo,
      validData({ subjectReference: reference, patientEmail: email }),
    );
    expect(res.statusCode).toBe(201);
    const { rows } = await t.db.query<{ id: string }>('select id from device_subject where reference = $1', [
      reference,
    ]);
    const subjectId = `device-subject:${rows[0].id}`;
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
      expect.objectContaining({ purpose: 'device-improvement', action: 'grant', channel: 'device' }),
    );
    const stored = await t.db.query(`select channel, subject_ids from privacy_request where id = $1`, [
      requestId,
    ]);
    expect(stored.rows[0]).toEqual({ channel: 'receipt', subject_ids: [p.subjectId] });

    const withdrawal = await ask({
      type: 'consent-withdrawal',
      purpose: 'device-improvement',
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
      purpose: 'device-improvement',
      withdrawn: true,
    });
    const ledger = t.app.get(ConsentLedger);
    expect((await ledger.state(p.subjectId, 'device-improvement')).granted).toBe(false);
    // Only the consent withdrawn: the analysis consent stands.
    expect((await ledger.state(p.subjectId, 'device-analysis')).granted).toBe(true);
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
      expect.objectContaining({ purpose: 'device-analysis' }),
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

  it('takes about as long for an address the shop knows as for an unknown one (email intake)', async () => {
    const known: string[] = [];
    for (let i = 0; i < 9; i++) {
      const email = `inquirer-${randomUUID()}@example.org`;
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/shop/inquiries',
        payload: { name: 'Erika Mustermann', email, message: 'Does the DV-GO work with the UV lens?' },
        remoteAddress: `10.6.${i}.1`,
      });
      expect(res.statusCode).toBe(202);
      known.push(email);
    }
    const times: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
    const timed = async (email: string): Promise<number> => {
      const start = process.hrtime.bigint();
      const res = await ask({ type: 'access', email });
      expect(res.statusCode).toBe(202);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    for (let i = 0; i < 9; i++) {
      times.known.push(await timed(known[i]));
      times.unknown.push(await timed(`nobody-${randomUUID()}@example.org`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const [a, b] = [median(times.known), median(times.unknown)];
    // No lookup by address happens before verification: the same work either way.
    expect(Math.abs(a - b)).toBeLessThan(Math.max(15, Math.min(a, b)));
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
