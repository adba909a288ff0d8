import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { STAFF_ROLES } from '../../src/common/auth/auth.guards.js';
import { startTestApp, staffMember, type TestApp } from '../helpers/test-app.js';
import { signedInCustomer } from '../registration/helpers.js';

/** Staff routes of several modules and of the kernel, each guarded differently before this change. */
const STAFF_ROUTES: Array<[string, string]> = [
  ['GET', '/api/v1/admin/privacy/record'],
  ['GET', '/api/v1/admin/privacy/lint'],
  ['GET', '/api/v1/admin/audit/verify'],
  ['GET', '/api/v1/admin/privacy/legal-holds'],
  ['GET', '/api/v1/admin/privacy/requests'],
  ['GET', '/api/v1/admin/credit-checks/reviews'],
  ['GET', '/api/v1/admin/customers/00000000-0000-4000-8000-000000000000'],
  ['GET', '/api/v1/admin/staff'],
];

describe('staff deactivation takes effect at once on every staff route', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const call = (method: string, url: string, token: string) =>
    t.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${token}` } });

  it.each(STAFF_ROLES.map((r) => [r]))('a deactivated %s gets 401 everywhere, never 403', async (role) => {
    const member = await staffMember(t, role);
    const before = await Promise.all(STAFF_ROUTES.map(([m, u]) => call(m, u, member.token)));
    // Active, the role decides: at least one route answers (200) or refuses by role (403), none 401.
    expect(before.map((r) => r.statusCode)).not.toContain(401);
    await t.db.query(`update staff_account set active = false, deactivated_at = now() where id = $1`, [
      member.id,
    ]);
    for (const [method, url] of STAFF_ROUTES) {
      const res = await call(method, url, member.token);
      expect({ url, status: res.statusCode }).toEqual({ url, status: 401 });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('a demoted member loses the old role at once on the kernel routes', async () => {
    const member = await staffMember(t, 'privacy-officer');
    expect((await call('GET', '/api/v1/admin/privacy/record', member.token)).statusCode).toBe(200);
    await t.db.query(`update staff_account set role = 'support' where id = $1`, [member.id]);
    expect((await call('GET', '/api/v1/admin/privacy/record', member.token)).statusCode).toBe(401);
  });
});

describe('two tabs refreshing at the same moment stay signed in; real reuse still ends the session', () => {
  let t: TestApp;
  const GRACE_SECONDS = 1;

  beforeAll(async () => {
    t = await startTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: String(GRACE_SECONDS) } });
  });
  afterAll(async () => {
    await t?.close();
  });

  interface Tokens {
    accessToken: string;
    refreshToken: string;
  }
  const refresh = (refreshToken: string) =>
    t.inject({ method: 'POST', url: '/api/v1/shop/auth/refresh', payload: { refreshToken } });
  const me = (accessToken: string) =>
    t.inject({ method: 'GET', url: '/api/v1/shop/me', headers: { authorization: `Bearer ${accessToken}` } });

  it('both tabs get a working pair when they refresh with the same token at once', async () => {
    const c = await signedInCustomer(t);
    const [a, b] = await Promise.all([refresh(c.refreshToken), refresh(c.refreshToken)]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    const ta = a.json<Tokens>();
    const tb = b.json<Tokens>();
    expect(ta.refreshToken).not.toBe(tb.refreshToken);
    expect((await me(ta.accessToken)).statusCode).toBe(200);
    expect((await me(tb.accessToken)).statusCode).toBe(200);
    // Each tab goes on refreshing its own chain.
    expect((await refresh(ta.refreshToken)).statusCode).toBe(200);
    expect((await refresh(tb.refreshToken)).statusCode).toBe(200);
  });

  it('a replay after the grace window is theft: the whole session ends', async () => {
    const c = await signedInCustomer(t);
    const rotated = (await refresh(c.refreshToken)).json<Tokens>();
    await new Promise((resolve) => setTimeout(resolve, GRACE_SECONDS * 1000 + 300));
    expect((await refresh(c.refreshToken)).statusCode).toBe(401);
    expect((await refresh(rotated.refreshToken)).statusCode).toBe(401);
    expect((await me(rotated.accessToken)).statusCode).toBe(401);
    const { rows } = await t.db.query(
      `select count(*)::int as n from customer_session where customer_id = $1 and revoke_reason = 'reuse-detected'`,
      [c.id],
    );
    expect((rows[0] as { n: number }).n).toBeGreaterThan(0);
  });
});
