import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ConsentLedger, Discloser, ProcessingGuard } from '@app/privacy';
import { TokenService } from '../../src/common/auth/token.service.js';
import { customerSubject } from '../../src/common/subjects.js';
import { staffToken, startTestApp, type TestApp } from '../helpers/test-app.js';
import { TestDeclarationsModule } from '../privacy/fixtures.js';

describe('privacy requests (Arts. 15-21)', () => {
  let t: TestApp;
  let tokens: TokenService;
  beforeAll(async () => {
    t = await startTestApp({ modules: [TestDeclarationsModule] });
    tokens = t.app.get(TokenService);
  });
  afterAll(async () => {
    await t?.close();
  });

  const customer = () => {
    const id = randomUUID();
    return {
      id,
      subject: customerSubject(id),
      headers: { authorization: `Bearer ${tokens.sign({ sub: id, kind: 'customer' }).token}` },
    };
  };
  const request = (headers: Record<string, string>, payload: Record<string, unknown>) =>
    t.inject({ method: 'POST', url: '/api/v1/shop/privacy-requests', headers, payload });

  it('answers an access request with every Art. 15 item, the actual recipients and the consents, and audits the export', async () => {
    const c = customer();
    await t.app.get(ConsentLedger).grant({
      subjectId: c.subject,
      purpose: 'test-newsletter',
      wording: { version: 'v1', text: 'Newsletter, please.' },
      channel: 'web',
    });
    await t.app.get(Discloser).disclose({
      activityId: 'test-shipping',
      recipientId: 'test-carrier',
      subjectId: c.subject,
      payload: { name: 'Erika Mustermann', city: 'Willich' },
      send: () => Promise.resolve('ok'),
    });
    const res = await request(c.headers, { type: 'access' });
    expect(res.statusCode).toBe(200);
    const { request: record, result } = res.json();
    expect(record).toMatchObject({ type: 'access', status: 'completed' });
    const answer = result.answer;
    expect(answer.purposes.map((p: { activity: string }) => p.activity).sort()).toEqual([
      'data-subject-rights',
      'test-newsletter',
      'test-shipping',
    ]);
    expect(
      answer.purposes.find((p: { activity: string }) => p.activity === 'test-newsletter').legalBasis,
    ).toMatch(/6\(1\)\(a\).*consent/);
    expect(answer.recipients.actual).toEqual([
      expect.objectContaining({
        recipient: 'test-carrier',
        activity: 'test-shipping',
        fields: ['city', 'name'],
      }),
    ]);
    expect(answer.recipients.declared).toContainEqual(
      expect.objectContaining({ recipient: 'test-carrier', name: 'Test Carrier GmbH' }),
    );
    expect(answer.storage.map((s: { activity: string }) => s.activity)).toContain('test-shipping');
    expect(answer.rights.join(' ')).toMatch(/Art\. 16.*Art\. 17.*Art\. 18.*Art\. 20.*Art\. 21/s);
    expect(answer.complaint).toMatch(/LDI NRW/);
    expect(answer.consents).toEqual([
      expect.objectContaining({ purpose: 'test-newsletter', action: 'grant', wordingVersion: 'v1' }),
    ]);
    expect(answer.controller.address).toMatch(/Willich/);
    const audit = await t.db.query(
      `select action, activity_id from privacy.access_audit_log where subject_id = $1`,
      [c.subject],
    );
    expect(audit.rows).toContainEqual({ action: 'export', activity_id: 'data-subject-rights' });
  });

  it('stops (f)-based processing after an objection and refuses an objection to consent-based processing', async () => {
    const c = customer();
    const guard = t.app.get(ProcessingGuard);
    await expect(guard.mayProcess('test-analytics', c.subject)).resolves.toBe(true);
    expect((await request(c.headers, { type: 'objection', activity: 'test-analytics' })).statusCode).toBe(
      200,
    );
    await expect(guard.mayProcess('test-analytics', c.subject)).resolves.toBe(false);
    const refused = await request(c.headers, { type: 'objection', activity: 'test-newsletter' });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors).toEqual([
      { field: 'activity', reason: 'is not based on legitimate interests' },
    ]);
  });

  it('restricts processing at once', async () => {
    const c = customer();
    expect(
      (await request(c.headers, { type: 'restriction', reason: 'I contest the accuracy' })).statusCode,
    ).toBe(200);
    await expect(t.app.get(ProcessingGuard).mayProcess('test-shipping', c.subject)).resolves.toBe(false);
  });

  it('erases after a confirmation and keeps the request records as proof, blocked for three years', async () => {
    const c = customer();
    await request(c.headers, { type: 'access' });
    const asked = await request(c.headers, { type: 'erasure' });
    expect(asked.statusCode).toBe(200);
    expect(asked.json().result).toEqual({ type: 'erasure', stage: 'awaiting-confirmation' });
    // The person confirmed again by phone; staff record how (the code path is in guests.e2e-spec.ts).
    const officer = {
      authorization: `Bearer ${await staffToken(t, 'privacy-officer')}`,
    };
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/privacy/requests/${asked.json().request.id}/confirmation`,
      headers: officer,
      payload: { identityCheck: 'Called back on the number of the account; confirmed' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().result.stage).toBe('completed');
    const { report } = res.json().result;
    expect(report.complete).toBe(true);
    expect(report.kept.every((k: { recordType: string }) => k.recordType === 'privacy_request')).toBe(true);
    const blocked = await t.db.query(
      `select record_type, statute from privacy.blocked_record where subject_id = $1`,
      [c.subject],
    );
    expect(blocked.rows.length).toBeGreaterThan(0);
    expect(blocked.rows[0].statute).toMatch(/§ 195 BGB/);
    const list = await t.inject({ method: 'GET', url: '/api/v1/shop/privacy-requests', headers: c.headers });
    expect(
      list
        .json()
        .map((r: { type: string }) => r.type)
        .sort(),
    ).toEqual(['access', 'erasure']);
  });

  it('rejects an unknown request type and unknown fields, and asks for an email address without an account', async () => {
    const c = customer();
    expect((await request(c.headers, { type: 'delete-everything' })).json().errors).toEqual([
      expect.objectContaining({ field: 'type' }),
    ]);
    expect((await request(c.headers, { type: 'access', extra: 1 })).statusCode).toBe(400);
    const anonymous = await request({}, { type: 'access' });
    expect(anonymous.statusCode).toBe(400);
    expect(anonymous.json().errors).toEqual([{ field: 'email', reason: 'is required without an account' }]);
    expect((await request({ authorization: 'Bearer nonsense' }, { type: 'access' })).statusCode).toBe(401);
  });

  it('lists requests by due date for the privacy officer only', async () => {
    const officer = {
      authorization: `Bearer ${await staffToken(t, 'privacy-officer')}`,
    };
    const fulfilment = {
      authorization: `Bearer ${await staffToken(t, 'fulfilment')}`,
    };
    const ok = await t.inject({ method: 'GET', url: '/api/v1/admin/privacy/requests', headers: officer });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual([]); // the queue shows open requests; completed ones by status
    const done = await t.inject({
      method: 'GET',
      url: '/api/v1/admin/privacy/requests?status=completed',
      headers: officer,
    });
    expect(done.json().length).toBeGreaterThan(0);
    expect(
      (await t.inject({ method: 'GET', url: '/api/v1/admin/privacy/requests', headers: fulfilment }))
        .statusCode,
    ).toBe(403);
  });
});
