import { describe, expect, it } from '@jest/globals';
import {
  capSetCookie,
  MAX_COOKIE_AGE_SECONDS,
  parseCookieHeader,
  serializeCookie,
  setCookieName,
} from './cookie-policy.js';

const NOW = new Date('2025-03-01T12:00:00Z');
const YEAR = MAX_COOKIE_AGE_SECONDS;

describe('the one-year cookie cap', () => {
  it('is 365 days', () => {
    expect(YEAR).toBe(31_536_000);
  });

  it('brings a Max-Age above a year down to a year and keeps the other attributes', () => {
    const r = capSetCookie(`a=1; Path=/; Max-Age=${2 * YEAR}; HttpOnly; Secure; SameSite=Strict`, NOW);
    expect(r).toEqual({
      name: 'a',
      header: `a=1; Path=/; Max-Age=${YEAR}; HttpOnly; Secure; SameSite=Strict`,
      capped: true,
    });
  });

  it('caps a Max-Age of any size and spelling', () => {
    expect(capSetCookie('a=1; max-age=99999999999999999999999', NOW).header).toBe(`a=1; Max-Age=${YEAR}`);
  });

  it('brings an Expires beyond a year back to now plus a year', () => {
    const r = capSetCookie('a=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT', NOW);
    expect(r.header).toBe(`a=1; Expires=${new Date(NOW.getTime() + YEAR * 1000).toUTCString()}`);
    expect(r.capped).toBe(true);
  });

  it('drops an Expires it cannot read, leaving a session cookie', () => {
    expect(capSetCookie('a=1; Expires=someday; Path=/', NOW)).toEqual({
      name: 'a',
      header: 'a=1; Path=/',
      capped: true,
    });
  });

  it('caps to a shorter declared lifetime, never to more than a year', () => {
    expect(capSetCookie('a=1; Max-Age=7200', NOW, 3600).header).toBe('a=1; Max-Age=3600');
    expect(capSetCookie(`a=1; Max-Age=${2 * YEAR}`, NOW, 5 * YEAR).header).toBe(`a=1; Max-Age=${YEAR}`);
  });

  it('leaves shorter lifetimes, deletions and session cookies alone', () => {
    for (const header of [
      'a=1; Max-Age=60',
      'a=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
      'a=1; Path=/; HttpOnly',
      `a=1; Expires=${new Date(NOW.getTime() + 86_400_000).toUTCString()}`,
    ])
      expect(capSetCookie(header, NOW)).toEqual({ name: 'a', header, capped: false });
  });
});

describe('writing and reading cookies', () => {
  it('serialises a cookie with encoded value and its attributes', () => {
    expect(
      serializeCookie('sf', 'a b;c', {
        maxAgeSeconds: 60,
        path: '/x',
        httpOnly: true,
        secure: true,
        sameSite: 'Strict',
      }),
    ).toBe('sf=a%20b%3Bc; Max-Age=60; Path=/x; HttpOnly; Secure; SameSite=Strict');
  });

  it('refuses a name that is not a cookie token', () => {
    expect(() => serializeCookie('bad name', 'x')).toThrow(/not a valid cookie name/);
  });

  it('reads a Cookie header, decoding values and skipping malformed pairs', () => {
    const cookies = parseCookieHeader('a=1; sf=a%20b%3Bc; broken; =x; q="quoted"; bad=%E0%A4%A; a=2');
    expect([...cookies]).toEqual([
      ['a', '1'],
      ['sf', 'a b;c'],
      ['q', 'quoted'],
    ]);
    expect(parseCookieHeader(undefined).size).toBe(0);
  });

  it('names the cookie of a Set-Cookie header', () => {
    expect(setCookieName(' sf_refresh=abc; Path=/')).toBe('sf_refresh');
    expect(setCookieName('garbage')).toBe('');
  });
});
