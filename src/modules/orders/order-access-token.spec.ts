import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { signOrderAccessToken, verifyOrderAccessToken } from './order-access-token.js';

const key = randomBytes(32);
const orderId = '0b7a4c1e-58a4-4f36-9d0e-3c1f7f0a9b21';
const inNinetyDays = new Date(Date.now() + 90 * 86_400_000);

describe('guest order access tokens', () => {
  it('grants access to the order it was signed for', () => {
    expect(verifyOrderAccessToken(key, signOrderAccessToken(key, orderId, inNinetyDays))).toBe(orderId);
  });

  it('refuses a token signed with another key', () => {
    const token = signOrderAccessToken(randomBytes(32), orderId, inNinetyDays);
    expect(verifyOrderAccessToken(key, token)).toBeNull();
  });

  it('refuses a token whose order id was swapped for another', () => {
    const token = signOrderAccessToken(key, orderId, inNinetyDays);
    const other = token.replace(orderId, '1b7a4c1e-58a4-4f36-9d0e-3c1f7f0a9b21');
    expect(verifyOrderAccessToken(key, other)).toBeNull();
  });

  it('refuses a token whose expiry was extended', () => {
    const token = signOrderAccessToken(key, orderId, inNinetyDays);
    const [v, id, exp, sig] = token.split('.');
    expect(verifyOrderAccessToken(key, [v, id, String(Number(exp) + 86_400), sig].join('.'))).toBeNull();
  });

  it('refuses an expired token', () => {
    const token = signOrderAccessToken(key, orderId, new Date(Date.now() - 1000));
    expect(verifyOrderAccessToken(key, token)).toBeNull();
  });

  it('refuses garbage without throwing', () => {
    for (const token of ['', 'o1', 'o1.x.y.z', `o1.${orderId}.1.${'a'.repeat(43)}`, 'Bearer abc']) {
      expect(verifyOrderAccessToken(key, token)).toBeNull();
    }
  });
});
