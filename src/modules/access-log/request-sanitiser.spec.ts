import { describe, expect, it } from '@jest/globals';
import { normaliseIp, sanitiseReferrer, sanitiseUrl } from './request-sanitiser.js';

describe('what the access log keeps of a URL', () => {
  it('keeps the path and removes the values of query parameters', () => {
    expect(sanitiseUrl('/api/v1/shop/products?email=erika%40example.org&token=abc123&code=77')).toBe(
      '/api/v1/shop/products?email=&token=&code=',
    );
  });

  it('keeps the values of harmless navigation parameters', () => {
    expect(sanitiseUrl('/api/v1/shop/products?page=2&sort=-price&lang=de&q=hautkrebs')).toBe(
      '/api/v1/shop/products?page=2&sort=-price&lang=de&q=',
    );
  });

  it('strips an email address even from an allowed parameter', () => {
    expect(sanitiseUrl('/x?page=erika@example.org&lang=de+de')).toBe('/x?page=&lang=');
  });

  it('drops parameters whose name itself is data', () => {
    expect(sanitiseUrl('/confirm?erika@example.org&eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig=1&page=1')).toBe(
      '/confirm?page=1',
    );
  });

  it('masks path segments that hold an email address', () => {
    expect(sanitiseUrl('/users/erika@example.org/orders')).toBe('/users/[email]/orders');
    expect(sanitiseUrl('/users/erika%40example.org')).toBe('/users/[email]');
  });

  it('keeps plain paths as they are and ignores a fragment', () => {
    expect(sanitiseUrl('/')).toBe('/');
    expect(sanitiseUrl('/docs/static/index.html')).toBe('/docs/static/index.html');
    expect(sanitiseUrl('/a#token=x')).toBe('/a');
    expect(sanitiseUrl('/a?')).toBe('/a');
  });

  it('bounds what a hostile client can make it store', () => {
    const many = Array.from({ length: 100 }, (_, i) => `p${i}=${i}`).join('&');
    expect(sanitiseUrl(`/a?${many}`).split('&')).toHaveLength(20);
    expect(sanitiseUrl(`/${'a'.repeat(5000)}`)).toHaveLength(1024);
  });
});

describe('what the access log keeps of a referrer', () => {
  it('keeps origin and path only', () => {
    expect(sanitiseReferrer('https://user:pw@www.google.com/search?q=erika+mustermann#top')).toBe(
      'https://www.google.com/search',
    );
    expect(sanitiseReferrer('https://shop.example/reset/erika@example.org?token=1')).toBe(
      'https://shop.example/reset/[email]',
    );
  });

  it('keeps nothing of other schemes or of garbage', () => {
    expect(sanitiseReferrer('android-app://com.google.android.gm/')).toBeNull();
    expect(sanitiseReferrer('not a url')).toBeNull();
    expect(sanitiseReferrer(undefined)).toBeNull();
  });
});

describe('client addresses', () => {
  it('stores IPv4-mapped IPv6 addresses as IPv4 and refuses what is not an address', () => {
    expect(normaliseIp('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(normaliseIp('2001:DB8::1')).toBe('2001:db8::1');
    expect(normaliseIp('203.0.113.7')).toBe('203.0.113.7');
    expect(normaliseIp('unknown')).toBeNull();
    expect(normaliseIp(undefined)).toBeNull();
  });
});
