import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, Module, Res, type OnModuleInit } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ProblemException } from '../../src/common/problem/problem.js';
import { CookieCatalogue } from '../../src/modules/cookies/cookie-catalogue.js';
import { MAX_COOKIE_AGE_SECONDS } from '../../src/modules/cookies/cookie-policy.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { login, newCustomer, register } from '../registration/helpers.js';

const TWO_YEARS = 2 * 365 * 86_400;

/** Declares the probe's cookies the way a module does: in the catalogue, at most one year. */
@Injectable()
class ProbeCookies implements OnModuleInit {
  constructor(private readonly catalogue: CookieCatalogue) {}
  onModuleInit(): void {
    for (const name of ['probe_long', 'probe_expires', 'probe_short'])
      this.catalogue.declare({
        name,
        purpose: 'Test probe',
        activityId: 'cookies',
        maxAgeSeconds: MAX_COOKIE_AGE_SECONDS,
        httpOnly: true,
        secure: true,
        sameSite: 'Lax',
        path: '/probe',
      });
  }
}

/** A careless module: it asks for cookies longer than a year, and one nobody declared. */
@Controller('probe/cookies')
class CookieProbeController {
  @Get('two-years')
  twoYears(@Res({ passthrough: true }) reply: FastifyReply): { ok: true } {
    void reply.header('set-cookie', `probe_long=abc; Max-Age=${TWO_YEARS}; Path=/probe; HttpOnly; Secure`);
    const inTwoYears = new Date(Date.now() + TWO_YEARS * 1000).toUTCString();
    void reply.header('set-cookie', `probe_expires=def; Expires=${inTwoYears}; Path=/probe; Secure`);
    void reply.header('set-cookie', 'probe_short=ghi; Max-Age=60; Path=/probe');
    return { ok: true };
  }

  @Get('undeclared')
  undeclared(@Res({ passthrough: true }) reply: FastifyReply): { ok: true } {
    void reply.header('set-cookie', [
      'tracker=xyz; Max-Age=600; Path=/',
      'probe_short=ok; Max-Age=60; Path=/probe',
    ]);
    return { ok: true };
  }

  @Get('raw')
  raw(@Res({ passthrough: true }) reply: FastifyReply): { ok: true } {
    reply.raw.setHeader('set-cookie', `probe_long=raw; Max-Age=${TWO_YEARS}`);
    return { ok: true };
  }

  @Get('error')
  error(@Res({ passthrough: true }) reply: FastifyReply): never {
    void reply.header('set-cookie', `probe_long=err; Max-Age=${TWO_YEARS}; Path=/probe`);
    throw new ProblemException(409, 'probe-conflict', 'Conflict', 'The probe failed on purpose.');
  }
}

@Module({ controllers: [CookieProbeController], providers: [ProbeCookies] })
class CookieProbeModule {}

const setCookies = (headers: Record<string, unknown>): string[] => {
  const value = headers['set-cookie'];
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
};
const cookieNamed = (headers: Record<string, unknown>, name: string): string | undefined =>
  setCookies(headers).find((c) => c.startsWith(`${name}=`));
const maxAgeOf = (cookie: string | undefined): number => Number(/Max-Age=(-?\d+)/i.exec(cookie ?? '')?.[1]);

describe('cookies', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ modules: [CookieProbeModule] });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lets a cookie asked for two years leave with at most one year', async () => {
    const res = await t.inject({ method: 'GET', url: '/probe/cookies/two-years' });
    expect(res.statusCode).toBe(200);
    expect(cookieNamed(res.headers, 'probe_long')).toBe(
      `probe_long=abc; Max-Age=${MAX_COOKIE_AGE_SECONDS}; Path=/probe; HttpOnly; Secure`,
    );
    expect(MAX_COOKIE_AGE_SECONDS).toBe(365 * 86_400);
  });

  it('brings an Expires date beyond one year back to one year', async () => {
    const before = Date.now();
    const res = await t.inject({ method: 'GET', url: '/probe/cookies/two-years' });
    const expires = /Expires=([^;]+)/.exec(cookieNamed(res.headers, 'probe_expires') ?? '')?.[1];
    const at = Date.parse(expires ?? '');
    expect(at).toBeLessThanOrEqual(Date.now() + MAX_COOKIE_AGE_SECONDS * 1000);
    expect(at).toBeGreaterThanOrEqual(before + MAX_COOKIE_AGE_SECONDS * 1000 - 2000);
  });

  it('leaves a shorter lifetime as it is', async () => {
    const res = await t.inject({ method: 'GET', url: '/probe/cookies/two-years' });
    expect(cookieNamed(res.headers, 'probe_short')).toBe('probe_short=ghi; Max-Age=60; Path=/probe');
  });

  it('caps cookies set on the raw response and on error answers too', async () => {
    const raw = await t.inject({ method: 'GET', url: '/probe/cookies/raw' });
    expect(maxAgeOf(cookieNamed(raw.headers, 'probe_long'))).toBe(MAX_COOKIE_AGE_SECONDS);
    const failed = await t.inject({ method: 'GET', url: '/probe/cookies/error' });
    expect(failed.statusCode).toBe(409);
    expect(maxAgeOf(cookieNamed(failed.headers, 'probe_long'))).toBe(MAX_COOKIE_AGE_SECONDS);
  });

  it('never lets an undeclared cookie leave', async () => {
    const res = await t.inject({ method: 'GET', url: '/probe/cookies/undeclared' });
    expect(cookieNamed(res.headers, 'tracker')).toBeUndefined();
    expect(cookieNamed(res.headers, 'probe_short')).toBe('probe_short=ok; Max-Age=60; Path=/probe');
  });

  it('sets the refresh cookie HttpOnly, Secure, SameSite=Strict, only for the sign-in routes, for REFRESH_TOKEN_TTL_DAYS', async () => {
    const body = newCustomer();
    await register(t, body);
    const res = await login(t, body.email, body.password);
    const cookie = cookieNamed(res.headers, 'sf_refresh') ?? '';
    const attributes = cookie.split('; ').slice(1);
    expect(attributes.sort()).toEqual(
      [`Max-Age=${30 * 86_400}`, 'Path=/api/v1/shop/auth', 'HttpOnly', 'Secure', 'SameSite=Strict'].sort(),
    );
    expect(maxAgeOf(cookie)).toBeLessThanOrEqual(MAX_COOKIE_AGE_SECONDS);
  });

  it('lists every cookie with its purpose and lifetime for the cookie notice', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/v1/shop/cookies' });
    expect(res.statusCode).toBe(200);
    const answer = res.json<{
      maxAgeCapSeconds: number;
      consentRequired: boolean;
      cookies: { name: string }[];
    }>();
    expect(answer.maxAgeCapSeconds).toBe(MAX_COOKIE_AGE_SECONDS);
    expect(answer.consentRequired).toBe(false);
    expect(answer.cookies).toEqual(
      expect.arrayContaining([
        {
          name: 'sf_refresh',
          purpose: expect.stringContaining('signed in'),
          activity: 'cookies',
          maxAgeSeconds: 30 * 86_400,
          httpOnly: true,
          secure: true,
          sameSite: 'Strict',
          path: '/api/v1/shop/auth',
        },
      ]),
    );
  });

  it('refuses to declare a cookie that would live longer than a year', () => {
    const catalogue = t.app.get(CookieCatalogue);
    expect(() =>
      catalogue.declare({
        name: 'forever',
        purpose: 'x',
        activityId: 'cookies',
        maxAgeSeconds: TWO_YEARS,
        httpOnly: true,
        secure: true,
        sameSite: 'Strict',
        path: '/',
      }),
    ).toThrow(/at most one year/);
  });
});
