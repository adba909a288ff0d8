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

const toPem = (der: Buffer): string =>
  `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd()}\n-----END CERTIFICATE-----\n`;

const BOOLEAN_TRUE = Buffer.from([0x01, 0x01, 0xff]);
/** KeyUsage bits (RFC 5280 §4.2.1.3) as a DER BIT STRING: digitalSignature, or keyCertSign + cRLSign. */
const KEY_USAGE_SIGNING = Buffer.from([0x03, 0x02, 0x07, 0x80]);
const KEY_USAGE_CA = Buffer.from([0x03, 0x02, 0x01, 0x06]);
const KEY_USAGE_ENCIPHERMENT_ONLY = Buffer.from([0x03, 0x02, 0x05, 0x20]);

const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  sequence(oid(id), ...(critical ? [BOOLEAN_TRUE] : []), tlv(0x04, value));

export interface CertificateOptions {
  organisation?: string;
  days?: number;
  now?: Date;
  /** Signs with this certificate's key and names it as issuer; self-signed without. */
  issuer?: { commonName: string; organisation: string; privateKey: KeyObject };
  /** A CA certificate (basicConstraints CA, keyCertSign) or an end-entity one. */
  ca?: boolean;
  /** End-entity key usage: `signing` (digitalSignature, the default) or `encipherment` (no signatures). */
  keyUsage?: 'signing' | 'encipherment' | 'none';
}

/** A 2048-bit RSA key and a v3 certificate for `commonName`, valid from a minute ago for `days`. */
export function createCertificate(
  commonName: string,
  options: CertificateOptions = {},
): SelfSignedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = options.now ?? new Date();
  const organisation = options.organisation ?? 'Payment simulator';
  const subject = name(commonName, organisation);
  const issuerName = options.issuer ? name(options.issuer.commonName, options.issuer.organisation) : subject;
  const signingKey = options.issuer?.privateKey ?? privateKey;
  const serial = randomBytes(16);
  // Positive and never starting with a zero byte: DER wants the shortest INTEGER, and a leading 0x00
  // before a byte below 0x80 is "illegal padding" (one certificate in 256 failed to parse).
  serial[0] = (serial[0] & 0x7f) | 0x40;
  const usage = options.ca
    ? KEY_USAGE_CA
    : options.keyUsage === 'encipherment'
      ? KEY_USAGE_ENCIPHERMENT_ONLY
      : KEY_USAGE_SIGNING;
  const extensions = [
    extension('2.5.29.19', true, options.ca ? sequence(BOOLEAN_TRUE) : sequence()),
    ...(options.keyUsage === 'none' ? [] : [extension('2.5.29.15', true, usage)]),
  ];
  const tbs = sequence(
    explicit(0, positiveInteger(Buffer.from([2]))), // v3
    positiveInteger(serial),
    SHA256_WITH_RSA,
    issuerName,
    sequence(
      time(new Date(now.getTime() - 60_000)),
      time(new Date(now.getTime() + (options.days ?? 365) * 86_400_000)),
    ),
    subject,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, signingKey);
  const der = sequence(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return { pem: toPem(der), privateKey };
}

/** A self-signed end-entity certificate (no issuer): what a forger without a CA would serve. */
export function createSelfSignedCertificate(
  commonName: string,
  options: Omit<CertificateOptions, 'issuer' | 'ca'> = {},
): SelfSignedCertificate {
  return createCertificate(commonName, options);
}

export interface CertificateChain {
  /** The root CA the verifier must trust (PayPal's is DigiCert's). */
  rootPem: string;
  /** What `PAYPAL-CERT-URL` serves: the signing certificate, then the intermediate CA. */
  chainPem: string;
  /** The signing certificate's key. */
  privateKey: KeyObject;
}

/** Root CA → intermediate CA → signing certificate for `commonName`, the shape PayPal serves. */
export function createCertificateChain(
  commonName: string,
  options: { organisation?: string; keyUsage?: CertificateOptions['keyUsage'] } = {},
): CertificateChain {
  const organisation = options.organisation ?? 'Payment simulator';
  const rootName = { commonName: `${organisation} Root CA`, organisation };
  const root = createCertificate(rootName.commonName, { organisation, ca: true, days: 3650 });
  const intermediateName = { commonName: `${organisation} Signing CA`, organisation };
  const intermediate = createCertificate(intermediateName.commonName, {
    organisation,
    ca: true,
    days: 1825,
    issuer: { ...rootName, privateKey: root.privateKey },
  });
  const leaf = createCertificate(commonName, {
    organisation,
    keyUsage: options.keyUsage,
    issuer: { ...intermediateName, privateKey: intermediate.privateKey },
  });
  return { rootPem: root.pem, chainPem: leaf.pem + intermediate.pem, privateKey: leaf.privateKey };
}
