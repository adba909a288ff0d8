import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * A self-signed X.509 certificate made with node:crypto alone, for the PayPal simulator: PayPal signs
 * its webhooks with a key whose certificate it serves at `PAYPAL-CERT-URL`, and the simulator must do
 * the same so the shop's verifier runs exactly the code it runs against PayPal. Node can generate the
 * key pair and parse certificates, but not write one, hence this small DER encoder (RFC 5280).
 */

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, content: Buffer): Buffer =>
  Buffer.concat([Buffer.from([tag]), length(content.length), content]);
const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 + n, content);
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const nullValue = Buffer.from([0x05, 0x00]);

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [parts[0] * 40 + parts[1]];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [];
    let v = part;
    do {
      chunk.unshift(v & 0x7f);
      v = Math.floor(v / 128);
    } while (v > 0);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i] |= 0x80;
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** A positive INTEGER: a leading zero byte when the high bit is set. */
function positiveInteger(bytes: Buffer): Buffer {
  return tlv(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

/** UTCTime (YYMMDDHHMMSSZ) for years before 2050, GeneralizedTime after, as RFC 5280 §4.1.2.5 says. */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : tlv(0x18, Buffer.from(`${iso}Z`));
}

const SHA256_WITH_RSA = sequence(oid('1.2.840.113549.1.1.11'), nullValue);

function name(commonName: string, organisation: string): Buffer {
  return sequence(
    set(sequence(oid('2.5.4.10'), utf8(organisation))),
    set(sequence(oid('2.5.4.3'), utf8(commonName))),
  );
}

export interface SelfSignedCertificate {
  /** The certificate, PEM-encoded (what `PAYPAL-CERT-URL` serves). */
  pem: string;
  privateKey: KeyObject;
}

/** A 2048-bit RSA key and a self-signed v3 certificate for `commonName`, valid from a minute ago for `days`. */
export function createSelfSignedCertificate(
  commonName: string,
  options: { organisation?: string; days?: number; now?: Date } = {},
): SelfSignedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = options.now ?? new Date();
  const subject = name(commonName, options.organisation ?? 'Payment simulator');
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const tbs = sequence(
    explicit(0, positiveInteger(Buffer.from([2]))), // v3
    positiveInteger(serial),
    SHA256_WITH_RSA,
    subject,
    sequence(
      time(new Date(now.getTime() - 60_000)),
      time(new Date(now.getTime() + (options.days ?? 365) * 86_400_000)),
    ),
    subject,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const base64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  return { pem: `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`, privateKey };
}
