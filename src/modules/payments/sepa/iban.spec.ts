import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { IbanCipher, maskIban, newMandateReference, parseIban } from './iban.js';

describe('IBAN of a SEPA mandate', () => {
  it('accepts a valid IBAN as typed, with spaces and in lower case, and stores it in electronic format', () => {
    expect(parseIban('de89 3704 0044 0532 0130 00')).toEqual({ iban: 'DE89370400440532013000' });
  });

  it('refuses a wrong check digit and a country outside SEPA', () => {
    expect(parseIban('DE88370400440532013000')).toEqual({ problem: 'not-an-iban' });
    expect(parseIban('not an iban')).toEqual({ problem: 'not-an-iban' });
    // Brazil: a valid IBAN, but no SEPA direct debit.
    expect(parseIban('BR1800360305000010009795493C1')).toEqual({ problem: 'not-sepa' });
  });

  it('masks all but country, check digits and the last four characters', () => {
    expect(maskIban('DE89370400440532013000')).toBe('DE89 **** **** **** **30 00');
  });

  it('encrypts so that only the same key and the same mandate decrypt', () => {
    const cipher = new IbanCipher(randomBytes(32));
    const stored = cipher.encrypt('DE89370400440532013000', 'mandate-1');
    expect(stored).not.toContain('DE89');
    expect(cipher.decrypt(stored, 'mandate-1')).toBe('DE89370400440532013000');
    expect(() => cipher.decrypt(stored, 'mandate-2')).toThrow();
    expect(() => new IbanCipher(randomBytes(32)).decrypt(stored, 'mandate-1')).toThrow();
  });

  it('reads its key as 64 hex digits or base64, and names it by a hash prefix only', () => {
    const key = randomBytes(32);
    const fromHex = IbanCipher.fromConfig(key.toString('hex'));
    const fromBase64 = IbanCipher.fromConfig(key.toString('base64'));
    expect(fromHex.keyId).toBe(fromBase64.keyId);
    expect(fromHex.keyId).toMatch(/^[0-9a-f]{12}$/);
    expect(() => IbanCipher.fromConfig('too-short')).toThrow(/32 bytes/);
  });

  it('makes unique mandate references of at most 35 SEPA characters', () => {
    const a = newMandateReference('SO-2026-000123');
    const b = newMandateReference('SO-2026-000123');
    expect(a).toMatch(/^SO-2026-000123-[A-Z0-9]{8}$/);
    expect(a).not.toBe(b);
    expect(newMandateReference('x'.repeat(80)).length).toBeLessThanOrEqual(35);
  });
});
