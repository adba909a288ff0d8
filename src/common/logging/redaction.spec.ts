import { describe, expect, it } from '@jest/globals';
import { REDACTED, redactUrl, scrub, scrubString } from './redaction.js';

describe('log redaction', () => {
  it('masks emails and IPv4/IPv6 addresses inside any text', () => {
    expect(scrubString('login failed for erika.m+shop@example.org from 203.0.113.7')).toBe(
      'login failed for [EMAIL] from [IP]',
    );
    expect(scrubString('peer 2001:db8::8a2e:370:7334 and ::1')).toBe('peer [IP] and [IP]');
  });

  it('leaves ids, times and versions alone', () => {
    const id = '0b6f7c1e-7b1a-4c2e-9f3a-1d2c3b4a5f6e';
    expect(scrubString(`request ${id} at 12:30:45 took 1.2.3 ms`)).toBe(
      `request ${id} at 12:30:45 took 1.2.3 ms`,
    );
  });

  it('replaces values under personal keys at any depth', () => {
    const out = scrub({
      customer: { id: 7, email: 'a@b.de', firstName: 'Erika', address: { city: 'Willich' } },
      headers: { authorization: 'Bearer x', 'x-forwarded-for': '1.2.3.4' },
    });
    expect(out).toEqual({
      customer: { id: 7, email: REDACTED, firstName: REDACTED, address: REDACTED },
      headers: { authorization: REDACTED, 'x-forwarded-for': REDACTED },
    });
  });

  it('keeps an error readable but scrubbed', () => {
    const out = scrub({ err: new Error('no customer erika@example.org') }) as {
      err: { message: string; type: string };
    };
    expect(out.err).toMatchObject({ type: 'Error', message: 'no customer [EMAIL]' });
  });

  it('keeps the path and parameter names of a URL, never the values', () => {
    expect(redactUrl('/api/v1/shop/orders/42?token=abc&email=a%40b.de')).toBe(
      `/api/v1/shop/orders/42?token=${REDACTED}&email=${REDACTED}`,
    );
    expect(redactUrl('/unsubscribe/erika@example.org')).toBe('/unsubscribe/[EMAIL]');
  });
});
