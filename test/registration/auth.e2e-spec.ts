import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TokenService } from '../../src/common/auth/token.service.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { freshIp, login, newCustomer, register, signedInCustomer } from './helpers.js';

interface Tokens {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
}

const setCookies = (headers: Record<string, unknown>): string[] => {
  const value = headers['set-cookie'];
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
};

const refreshCookieValue = (headers: Record<string, unknown>): string | undefined => {
  const cookie = setCookies(headers).find((c) => c.startsWith('sf_refresh='));
  return cookie ? decodeURIComponent(cookie.split(';')[0].slice('sf_refresh='.length)) : undefined;
};

describe('customer sign-in', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        LOGIN_MAX_FAILURES: '3',
        LOGIN_LOCKOUT_SECONDS: '600',
        LOGIN_MAX_FAILURES_PER_CLIENT: '6',
        // Replays here are meant as theft; the grace for concurrent tabs is tested in test/hardening.
        REFRESH_REUSE_GRACE_SECONDS: '0',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const me = (accessToken: string) =>
    t.inject({ method: 'GET', url: '/api/v1/shop/me', headers: { authorization: `Bearer ${accessToken}` } });
  const refresh = (payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.inject({ method: 'POST', url: '/api/v1/shop/auth/refresh', payload, headers });

  it('signs in with the right password: a short-lived access token and a refresh token', async () => {
    const body = newCustomer();
    await register(t, body);
    const res = await login(t, body.email.toUpperCase(), body.password);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const tokens = res.json<Tokens>();
    expect(tokens).toEqual({
      accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      tokenType: 'Bearer',
      expiresIn: 900,
      refreshToken: expect.stringMatching(/^[\w-]{43}$/),
      refreshExpiresIn: 30 * 86_400,
    });
    expect((await me(tokens.accessToken)).json()).toMatchObject({ email: body.email });
    // Only a hash of the refresh token is stored.
    const stored = await t.db.query('select 1 from customer_session where token_hash = $1', [
      tokens.refreshToken,
    ]);
    expect(stored.rowCount).toBe(0);
  });

  it('answers a wrong password and an unknown address alike', async () => {
    const body = newCustomer();
    await register(t, body);
    const wrong = await login(t, body.email, 'Not-The-Password-1');
    const unknown = await login(t, `nobody-${Date.now()}@example.org`, 'Not-The-Password-1');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(wrong.json())).toEqual(strip(unknown.json()));
    expect(wrong.json()).toMatchObject({ type: 'urn:storefront:problem:invalid-credentials' });
  });

  it('ends in 429 with Retry-After after LOGIN_MAX_FAILURES wrong passwords, even for the right one', async () => {
    const body = newCustomer();
    await register(t, body);
    for (let i = 0; i < 3; i += 1)
      expect((await login(t, body.email, `Wrong-Password-${i}x`)).statusCode).toBe(401);
    const locked = await login(t, body.email, body.password);
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['content-type']).toMatch(/^application\/problem\+json/);
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    // From another client too: the lock is on the account.
    expect((await login(t, body.email, body.password, freshIp())).statusCode).toBe(429);
  });

  it('locks an unknown address the same way, so the lock reveals nothing either', async () => {
    const email = `ghost-${Date.now()}@example.org`;
    for (let i = 0; i < 3; i += 1) expect((await login(t, email, 'Wrong-Password-1x')).statusCode).toBe(401);
    expect((await login(t, email, 'Wrong-Password-1x')).statusCode).toBe(429);
  });

  it('a successful sign-in clears the account counter', async () => {
    const body = newCustomer();
    await register(t, body);
    for (let round = 0; round < 3; round += 1) {
      for (let i = 0; i < 2; i += 1)
        expect((await login(t, body.email, 'Wrong-Password-1x')).statusCode).toBe(401);
      expect((await login(t, body.email, body.password)).statusCode).toBe(200);
    }
  });

  it('throttles one client that fails across many accounts', async () => {
    const ip = freshIp();
    for (let i = 0; i < 6; i += 1)
      expect(
        (await login(t, `spray-${i}-${Date.now()}@example.org`, 'Wrong-Password-1x', ip)).statusCode,
      ).toBe(401);
    const res = await login(t, `spray-x-${Date.now()}@example.org`, 'Wrong-Password-1x', ip);
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('rotates the refresh token on every use', async () => {
    const c = await signedInCustomer(t);
    const first = await refresh({ refreshToken: c.refreshToken });
    expect(first.statusCode).toBe(200);
    const next = first.json<Tokens>();
    expect(next.refreshToken).not.toBe(c.refreshToken);
    expect((await me(next.accessToken)).statusCode).toBe(200);
    const second = await refresh({ refreshToken: next.refreshToken });
    expect(second.statusCode).toBe(200);
  });

  it('ends the whole session when a used refresh token is presented again (theft)', async () => {
    const c = await signedInCustomer(t);
    const otherDevice = (await login(t, c.email, c.password)).json<Tokens>();
    const rotated = (await refresh({ refreshToken: c.refreshToken })).json<Tokens>();
    // The thief (or the victim) replays the old token:
    const replay = await refresh({ refreshToken: c.refreshToken });
    expect(replay.statusCode).toBe(401);
    // Every token of the session is dead now, the legitimate successor included.
    expect((await refresh({ refreshToken: rotated.refreshToken })).statusCode).toBe(401);
    expect((await me(rotated.accessToken)).statusCode).toBe(401);
    expect((await me(c.accessToken)).statusCode).toBe(401);
    const { rows } = await t.db.query(
      `select count(*)::int as tokens from customer_session where customer_id = $1 and revoke_reason = 'reuse-detected'`,
      [c.id],
    );
    expect(rows).toEqual([{ tokens: 2 }]);
    // The person's session on another device is not affected.
    expect((await me(otherDevice.accessToken)).statusCode).toBe(200);
    expect((await refresh({ refreshToken: otherDevice.refreshToken })).statusCode).toBe(200);
  });

  it('refuses an unknown or missing refresh token with 401', async () => {
    expect((await refresh({ refreshToken: 'x'.repeat(43) })).statusCode).toBe(401);
    expect((await refresh({})).statusCode).toBe(401);
    expect((await t.inject({ method: 'POST', url: '/api/v1/shop/auth/refresh' })).statusCode).toBe(401);
  });

  it('sets the refresh token as a cookie, and refreshes and signs out with the cookie alone', async () => {
    const body = newCustomer();
    await register(t, body);
    const res = await login(t, body.email, body.password);
    const cookie = refreshCookieValue(res.headers);
    expect(cookie).toBe(res.json<Tokens>().refreshToken);

    const viaCookie = await t.inject({
      method: 'POST',
      url: '/api/v1/shop/auth/refresh',
      headers: { cookie: `sf_refresh=${cookie}` },
    });
    expect(viaCookie.statusCode).toBe(200);
    const rotatedCookie = refreshCookieValue(viaCookie.headers);
    expect(rotatedCookie).toBe(viaCookie.json<Tokens>().refreshToken);
    expect(rotatedCookie).not.toBe(cookie);
    const access = viaCookie.json<Tokens>().accessToken;

    const out = await t.inject({
      method: 'POST',
      url: '/api/v1/shop/auth/logout',
      headers: { cookie: `other=1; sf_refresh=${rotatedCookie}` },
    });
    expect(out.statusCode).toBe(204);
    const cleared = setCookies(out.headers).find((c) => c.startsWith('sf_refresh='));
    expect(cleared).toMatch(/^sf_refresh=; Max-Age=0; .*Path=\/api\/v1\/shop\/auth/);
    // Signed out: the session's refresh token and its access tokens stop at once.
    expect((await refresh({ refreshToken: rotatedCookie })).statusCode).toBe(401);
    expect((await me(access)).statusCode).toBe(401);
  });

  it('prefers the refresh token in the body over the cookie', async () => {
    const a = await signedInCustomer(t);
    const res = await refresh({ refreshToken: a.refreshToken }, { cookie: 'sf_refresh=stale-value' });
    expect(res.statusCode).toBe(200);
  });

  it('signs out with the token in the body, and answers 204 for an unknown token too', async () => {
    const c = await signedInCustomer(t);
    const out = await t.inject({
      method: 'POST',
      url: '/api/v1/shop/auth/logout',
      payload: { refreshToken: c.refreshToken },
    });
    expect(out.statusCode).toBe(204);
    expect((await me(c.accessToken)).statusCode).toBe(401);
    const again = await t.inject({
      method: 'POST',
      url: '/api/v1/shop/auth/logout',
      payload: { refreshToken: c.refreshToken },
    });
    expect(again.statusCode).toBe(204);
  });

  it('refuses customer routes without a token, with a tampered or staff token, or one of no running session', async () => {
    expect((await t.inject({ method: 'GET', url: '/api/v1/shop/me' })).statusCode).toBe(401);
    const c = await signedInCustomer(t);
    const [h, p, s] = c.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(
      JSON.stringify({ ...claims, sub: '00000000-0000-4000-8000-000000000000' }),
    ).toString('base64url');
    expect((await me(`${h}.${forged}.${s}`)).statusCode).toBe(401);
    const tokens = t.app.get(TokenService);
    expect((await me(tokens.sign({ sub: c.id, kind: 'staff', role: 'admin' }).token)).statusCode).toBe(401);
    // A correctly signed customer token that belongs to no session (no sid) opens nothing either.
    expect((await me(tokens.sign({ sub: c.id, kind: 'customer' }).token)).statusCode).toBe(401);
    expect(
      (
        await me(
          tokens.sign({ sub: c.id, kind: 'customer', sid: '00000000-0000-4000-8000-000000000000' }).token,
        )
      ).statusCode,
    ).toBe(401);
  });
});
