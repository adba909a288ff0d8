import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { electronicFormatIBAN, isSEPACountry, isValidIBAN } from 'ibantools';

/**
 * The IBAN of a SEPA direct debit mandate. The shop needs the whole number to collect the debit, so it
 * is stored encrypted (AES-256-GCM, the mandate's id as associated data so a ciphertext cannot be moved
 * to another mandate), with a masked copy (`DE89 **** **** **** **** 3000`) for every display. The key
 * comes from PAYMENT_IBAN_KEY; its id (a hash prefix) is stored with each row so a key rotation can
 * tell old rows from new.
 */

export type IbanProblem = 'not-an-iban' | 'not-sepa';

/** The IBAN in electronic format (no spaces, upper case), or why it is refused. */
export function parseIban(input: string): { iban: string } | { problem: IbanProblem } {
  const iban = electronicFormatIBAN(input);
  if (!iban || !isValidIBAN(iban)) return { problem: 'not-an-iban' };
  if (!isSEPACountry(iban.slice(0, 2))) return { problem: 'not-sepa' };
  return { iban };
}

/** Country, check digits and the last four characters; everything else starred, in groups of four. */
export function maskIban(iban: string): string {
  const visible = `${iban.slice(0, 4)}${'*'.repeat(Math.max(0, iban.length - 8))}${iban.slice(-4)}`;
  return visible.replace(/(.{4})(?=.)/g, '$1 ');
}

export class IbanCipher {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the IBAN key must be 32 bytes');
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 12);
  }

  /** A key from PAYMENT_IBAN_KEY (32 bytes, base64 or hex). */
  static fromConfig(value: string): IbanCipher {
    const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
    return new IbanCipher(key);
  }

  encrypt(iban: string, boundTo: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(iban, 'utf8'), cipher.final()]);
    return [
      'v1',
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      ciphertext.toString('base64url'),
    ].join('.');
  }

  /** Throws when the ciphertext was made with another key, for another mandate, or altered. */
  decrypt(stored: string, boundTo: string): string {
    const [version, iv, tag, ciphertext] = stored.split('.');
    if (version !== 'v1' || !iv || !tag || !ciphertext) throw new Error('not an encrypted IBAN');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(boundTo, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }
}

const REFERENCE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * A mandate reference (SEPA: at most 35 characters of A-Z, 0-9 and a few signs, unique per creditor):
 * the order number and a random suffix, so staff recognise it and no two mandates share one.
 */
export function newMandateReference(orderNumber: string): string {
  const suffix = Array.from(randomBytes(8), (b) => REFERENCE_ALPHABET[b % REFERENCE_ALPHABET.length]).join(
    '',
  );
  const base = orderNumber
    .toUpperCase()
    .replace(/[^A-Z0-9-]/g, '')
    .slice(0, 24);
  return `${base}-${suffix}`;
}
