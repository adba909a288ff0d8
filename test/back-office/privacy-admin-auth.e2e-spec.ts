import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adminHeaders, staffToken, startTestApp, type TestApp } from '../helpers/test-app.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/** The staff account id a token speaks for. */
const subjectOf = (token: string): string =>
  (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { sub: string }).sub;

describe("the privacy kernel's admin routes with staff accounts", () => {
  describe('with the bootstrap token switched off (the default)', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ env: { PRIVACY_BOOTSTRAP_TOKEN_ENABLED: 'false' } });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('refuses the bootstrap token with 401', async () => {
      const res = await t.inject({
        method: 'GET',
        url: '/api/v1/admin/privacy/record',
        headers: adminHeaders,
      });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it('lets a privacy officer read the Art. 30 record, the linter and the audit verification', async () => {
      const headers = bearer(await staffToken(t, 'privacy-officer'));
      const record = await t.inject({ method: 'GET', url: '/api/v1/admin/privacy/record', headers });
      expect(record.statusCode).toBe(200);
      const activities = record.json<{ activities: { id: string }[] }>().activities.map((a) => a.id);
      const ours = ['staff-accounts', 'customer-support', 'partner-accounts'];
      expect(activities).toEqual(expect.arrayContaining(ours));
      const lint = await t.inject({ method: 'GET', url: '/api/v1/admin/privacy/lint', headers });
      expect(lint.statusCode).toBe(200);
      const findings = lint.json<{ findings: { activity?: string }[] }>().findings;
      expect(findings.filter((f) => f.activity !== undefined && ours.includes(f.activity))).toEqual([]);
      expect((await t.inject({ method: 'GET', url: '/api/v1/admin/audit/verify', headers })).statusCode).toBe(
        200,
      );
    });

    it('lets an administrator place a legal hold, and records the administrator as its author', async () => {
      const token = await staffToken(t, 'admin');
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/admin/privacy/legal-holds',
        headers: bearer(token),
        payload: { scope: { activityId: 'staff-accounts' }, reason: 'Internal investigation 2025-17' },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ createdBy: { type: 'staff', id: subjectOf(token) } });
    });

    it.each(['fulfilment', 'support'] as const)('refuses a %s token with 403', async (role) => {
      const res = await t.inject({
        method: 'GET',
        url: '/api/v1/admin/privacy/record',
        headers: bearer(await staffToken(t, role)),
      });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ type: 'urn:storefront:problem:forbidden', status: 403 });
    });

    it('refuses a forged, an expired-looking and a missing token with 401', async () => {
      const genuine = await staffToken(t, 'privacy-officer');
      const [header, payload] = genuine.split('.');
      const forged = `${header}.${payload}.${'A'.repeat(43)}`;
      for (const headers of [bearer(forged), bearer('not-a-token'), {}]) {
        const res = await t.inject({ method: 'GET', url: '/api/v1/admin/privacy/record', headers });
        expect(res.statusCode).toBe(401);
      }
    });
  });

  describe('with the bootstrap token switched on (first start, emergencies)', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ env: { PRIVACY_BOOTSTRAP_TOKEN_ENABLED: 'true' } });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('accepts the bootstrap token and staff tokens alike, and still refuses fulfilment with 403', async () => {
      const url = '/api/v1/admin/privacy/record';
      expect((await t.inject({ method: 'GET', url, headers: adminHeaders })).statusCode).toBe(200);
      const officer = bearer(await staffToken(t, 'privacy-officer'));
      expect((await t.inject({ method: 'GET', url, headers: officer })).statusCode).toBe(200);
      const fulfilment = bearer(await staffToken(t, 'fulfilment'));
      expect((await t.inject({ method: 'GET', url, headers: fulfilment })).statusCode).toBe(403);
    });
  });
});
