import { X509Certificate, verify as verifySignature } from 'node:crypto';
import { isIP } from 'node:net';
import { crc32 } from 'node:zlib';

/**
 * PayPal's webhook signature, checked locally (neither PayPal SDK does it): PayPal signs
 * `transmissionId|transmissionTime|webhookId|crc32(rawBody)` with SHA256withRSA and names, in
 * `PAYPAL-CERT-URL`, the certificate whose key verifies it. The certificate is fetched only from hosts
 * the configuration allows (in production: PayPal's), over HTTPS (plain HTTP only for a loopback
 * simulator), without following redirects, and must be in its validity period with a subject on an
 * allowed host too.
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
  private readonly certificates = new Map<string, X509Certificate>();

  constructor(private readonly options: LocalVerifierOptions) {}

  async problem(headers: Headers, rawBody: Buffer): Promise<string | null> {
    const parsed = signatureHeaders(headers);
    if (typeof parsed === 'string') return parsed;
    if (parsed.authAlgo !== PAYPAL_AUTH_ALGO) return `unsupported auth algorithm ${parsed.authAlgo}`;
    const urlProblem = certUrlProblem(parsed.certUrl, this.options.certHosts);
    if (urlProblem) return urlProblem;
    let certificate: X509Certificate;
    try {
      certificate = await this.certificate(parsed.certUrl);
    } catch (error) {
      return `certificate unavailable: ${error instanceof Error ? error.message : String(error)}`;
    }
    const now = (this.options.now ?? (() => new Date()))().getTime();
    if (now < new Date(certificate.validFrom).getTime() || now > new Date(certificate.validTo).getTime())
      return 'certificate is outside its validity period';
    const commonName = /(?:^|\n)CN=([^\n]+)/.exec(certificate.subject)?.[1];
    if (!commonName || !hostAllowed(commonName, this.options.certHosts))
      return 'certificate subject is not on an allowed host';
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

  private async certificate(url: string): Promise<X509Certificate> {
    const cached = this.certificates.get(url);
    if (cached) return cached;
    const pem = await (this.options.fetchCertificate ?? fetchPem)(url);
    const certificate = new X509Certificate(pem);
    if (this.certificates.size >= CACHE_SIZE)
      this.certificates.delete(this.certificates.keys().next().value as string);
    this.certificates.set(url, certificate);
    return certificate;
  }
}
