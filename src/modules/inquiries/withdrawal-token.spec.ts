import { describe, expect, it } from '@jest/globals';
import { newWithdrawalToken, withdrawalTokenMatches } from './withdrawal-token.js';

describe('inquiry withdrawal tokens', () => {
  it('hands out 256 random bits and keeps only their SHA-256 hash', () => {
    const a = newWithdrawalToken();
    const b = newWithdrawalToken();
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.token, 'base64url')).toHaveLength(32);
    expect(a.hash).toHaveLength(32);
    expect(a.hash.toString('hex')).not.toContain(Buffer.from(a.token).toString('hex'));
    expect(a.token).not.toBe(b.token);
  });

  it('accepts only the token that was handed out', () => {
    const { token, hash } = newWithdrawalToken();
    expect(withdrawalTokenMatches(token, hash)).toBe(true);
    expect(withdrawalTokenMatches(newWithdrawalToken().token, hash)).toBe(false);
    expect(withdrawalTokenMatches(`${token.slice(0, -1)}A`, hash)).toBe(token.endsWith('A'));
  });

  it('refuses anything that is not a token without hashing it', () => {
    const { hash } = newWithdrawalToken();
    for (const presented of [undefined, '', 'short', 'x'.repeat(44), ['a'], 42]) {
      expect(withdrawalTokenMatches(presented, hash)).toBe(false);
    }
  });
});
