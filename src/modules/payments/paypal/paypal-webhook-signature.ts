import { X509Certificate, verify as verifySignature } from 'node:crypto';
import { isIP } from 'node:net';
import { crc32 } from 'node:zlib';
import { PAYPAL_TRUSTED_ROOTS } from './paypal-roots.js';

/**
 * PayPal's webhook signature, checked locally (neither PayPal SDK does it): PayPal signs
 * `transmissionId|transmissionTime|webhookId|crc32(rawBody)` with SHA256withRSA and names, in
 * `PAYPAL-CERT-URL`, the certificate whose key verifies it. The certificate is fetched only from hosts
 * the configuration allows (in production: PayPal's), over HTTPS (plain HTTP only for a loopback
 * simulator), without following redirects, and must be in its validity period with a subject on an
 * allowed host too. It must chain, through the intermediates served with it, to one of PayPal's roots
 * (the DigiCert roots vendored in paypal-roots.ts): every CA in the chain a CA with keyCertSign, each
 * in its validity period, and the signing certificate an end entity whose key usage allows
 * digitalSignature. A self-signed certificate on a look-alike URL is refused.
 */

export const PAYPAL_AUTH_ALGO = 'SHA256withRSA';

/** The string PayPal signs; crc32 is the unsigned decimal CRC-32 of the exact bytes of the body. */
export function transmissionMessage(
  transmissionId: string,
  transmissionTime: string,
  webhookId: string,
  rawBody: Buffer,
): string {
  return `${transmissionId}|${transmissionTime}|${webhookId}|${crc32(rawBody) >>> 0}`;
}

/** PayPal's production hosts; tests and the simulator add `127.0.0.1`. */
export const PAYPAL_CERT_HOSTS = ['*.paypal.com'];

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** `*.paypal.com` matches `api.paypal.com` (any depth) but not `paypal.com.evil.example`; others match exactly. */
export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return patterns.some((p) => {
    const pattern = p.trim().toLowerCase();
    if (pattern.startsWith('*.')) return h.endsWith(pattern.slice(1)) && h.length > pattern.length - 1;
    return h === pattern;
  });
}

/** Why a certificate URL is refused, or null when it may be fetched. */
export function certUrlProblem(certUrl: string, patterns: readonly string[]): string | null {
  let url: URL;
  try {
    url = new URL(certUrl);
  } catch {
    return 'PAYPAL-CERT-URL is not a URL';
  }
  if (url.username || url.password) return 'PAYPAL-CERT-URL carries credentials';
  if (!hostAllowed(url.hostname, patterns)) return `certificate host ${url.hostname} is not allowed`;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (
    url.protocol !== 'https:' &&
    !(url.protocol === 'http:' && (LOOPBACK.has(host) || (isIP(host) && host.startsWith('127.'))))
  )
    return 'PAYPAL-CERT-URL must use https';
  return null;
}

export interface PaypalSignatureHeaders {
  transmissionId: string;
  transmissionTime: string;
  transmissionSig: string;
  certUrl: string;
  authAlgo: string;
}

type Headers = Record<string, string | string[] | undefined>;

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

/** The five signature headers, or the name of the first one missing. */
export function signatureHeaders(headers: Headers): PaypalSignatureHeaders | string {
  const values = {
    transmissionId: header(headers, 'paypal-transmission-id'),
    transmissionTime: header(headers, 'paypal-transmission-time'),
    transmissionSig: header(headers, 'paypal-transmission-sig'),
    certUrl: header(headers, 'paypal-cert-url'),
    authAlgo: header(headers, 'paypal-auth-algo'),
  };
  for (const [key, value] of Object.entries(values)) if (!value) return `missing ${key}`;
  return values as PaypalSignatureHeaders;
}

export interface LocalVerifierOptions {
  webhookId: string;
  certHosts: readonly string[];
  /** Fetches the PEM at an allowed URL (injected in unit tests). */
  fetchCertificate?: (url: string) => Promise<string>;
  now?: () => Date;
  /** PEM roots the chain must end at; PayPal's (DigiCert) by default. */
  trustedRoots?: readonly string[];
}

const MAX_CHAIN = 5;
const KEY_USAGE_OID = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x0f]);
const DIGITAL_SIGNATURE = 0x80;
const KEY_CERT_SIGN = 0x04;

/**
 * The first byte of the KeyUsage extension's bits (RFC 5280 §4.2.1.3), or undefined without one.
 * Node exposes the extended key usage but not this one, so it is read from the DER: the extension's
 * OID, an optional critical flag, then an OCTET STRING wrapping the BIT STRING.
 */
export function keyUsageBits(certificate: X509Certificate): number | undefined {
  const der = certificate.raw;
  const at = der.indexOf(KEY_USAGE_OID);
  if (at < 0) return undefined;
  let i = at + KEY_USAGE_OID.length;
  if (der[i] === 0x01 && der[i + 1] === 0x01) i += 3; // critical BOOLEAN
  if (der[i] !== 0x04) return undefined;
  i += 2; // OCTET STRING tag and (short) length
  if (der[i] !== 0x03 || der[i + 1] < 2) return undefined;
  return der[i + 3]; // BIT STRING: tag, length, unused-bit count, then the bits
}

/** Every certificate of a PEM bundle, in order (the signing certificate first). */
export function parsePemBundle(text: string): X509Certificate[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error('no certificate in the PEM');
  if (blocks.length > MAX_CHAIN) throw new Error('certificate chain too long');
  return blocks.map((pem) => new X509Certificate(pem));
}

const inValidity = (certificate: X509Certificate, now: number): boolean =>
  now >= new Date(certificate.validFrom).getTime() && now <= new Date(certificate.validTo).getTime();

/** Why the served chain is not trusted, or null when the signing certificate chains to a trusted root. */
export function chainProblem(
  chain: readonly X509Certificate[],
  roots: readonly X509Certificate[],
  now: number,
): string | null {
  const [leaf, ...served] = chain;
  if (leaf.ca) return 'the signing certificate is a CA certificate';
  const usage = keyUsageBits(leaf);
  if (usage === undefined || (usage & DIGITAL_SIGNATURE) === 0)
    return 'the certificate key usage does not allow digital signatures';
  const issuedBy = (child: X509Certificate, parent: X509Certificate): boolean =>
    child.checkIssued(parent) && child.verify(parent.publicKey);
  const pool = [...served];
  let current = leaf;
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    const root = roots.find((r) => issuedBy(current, r));
    if (root) return inValidity(root, now) ? null : 'the root certificate is outside its validity period';
    const next = pool.find((c) => issuedBy(current, c));
    if (!next) return 'the certificate does not chain to a trusted root';
    const nextUsage = keyUsageBits(next);
    if (!next.ca || (nextUsage !== undefined && (nextUsage & KEY_CERT_SIGN) === 0))
      return 'an intermediate certificate is not a CA';
    if (!inValidity(next, now)) return 'an intermediate certificate is outside its validity period';
    pool.splice(pool.indexOf(next), 1);
    current = next;
  }
  return 'certificate chain too long';
}

const CACHE_SIZE = 16;
const MAX_CERT_BYTES = 64 * 1024;

async function fetchPem(url: string): Promise<string> {
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`certificate fetch answered ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_CERT_BYTES) throw new Error('certificate too large');
  return text;
}

/** The local check. Returns null when the signature verifies, otherwise why not (never throws for a bad input). */
export class PaypalLocalVerifier {
  private readonly certificates = new Map<string, X509Certificate[]>();
  private readonly roots: X509Certificate[];

  constructor(private readonly options: LocalVerifierOptions) {
    this.roots = (options.trustedRoots ?? PAYPAL_TRUSTED_ROOTS).flatMap((pem) => parsePemBundle(pem));
  }

  async problem(headers: Headers, rawBody: Buffer): Promise<string | null> {
    const parsed = signatureHeaders(headers);
    if (typeof parsed === 'string') return parsed;
    if (parsed.authAlgo !== PAYPAL_AUTH_ALGO) return `unsupported auth algorithm ${parsed.authAlgo}`;
    const urlProblem = certUrlProblem(parsed.certUrl, this.options.certHosts);
    if (urlProblem) return urlProblem;
    let chain: X509Certificate[];
    try {
      chain = await this.certificateChain(parsed.certUrl);
    } catch (error) {
      return `certificate unavailable: ${error instanceof Error ? error.message : String(error)}`;
    }
    const certificate = chain[0];
    const now = (this.options.now ?? (() => new Date()))().getTime();
    if (!inValidity(certificate, now)) return 'certificate is outside its validity period';
    const commonName = /(?:^|\n)CN=([^\n]+)/.exec(certificate.subject)?.[1];
    if (!commonName || !hostAllowed(commonName, this.options.certHosts))
      return 'certificate subject is not on an allowed host';
    const untrusted = chainProblem(chain, this.roots, now);
    if (untrusted) return untrusted;
    const message = transmissionMessage(
      parsed.transmissionId,
      parsed.transmissionTime,
      this.options.webhookId,
      rawBody,
    );
    const valid = verifySignature(
      'sha256',
      Buffer.from(message, 'utf8'),
      certificate.publicKey,
      Buffer.from(parsed.transmissionSig, 'base64'),
    );
    return valid ? null : 'signature does not match';
  }

  private async certificateChain(url: string): Promise<X509Certificate[]> {
    const cached = this.certificates.get(url);
    if (cached) return cached;
    const pem = await (this.options.fetchCertificate ?? fetchPem)(url);
    const chain = parsePemBundle(pem);
    if (this.certificates.size >= CACHE_SIZE)
      this.certificates.delete(this.certificates.keys().next().value as string);
    this.certificates.set(url, chain);
    return chain;
  }
}
