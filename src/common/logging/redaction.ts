/**
 * Personal data never reaches the log. Two nets: values under keys that name personal data are
 * replaced whatever they hold, and any string that looks like an email address or an IP address is
 * masked wherever it appears (a message, an error, a URL).
 */
const PERSONAL_KEYS = new Set(
  [
    'email',
    'mail',
    'firstName',
    'lastName',
    'name',
    'fullName',
    'company',
    'phone',
    'mobile',
    'fax',
    'street',
    'houseNumber',
    'addressLine1',
    'addressLine2',
    'postalCode',
    'zip',
    'zipCode',
    'city',
    'address',
    'deliveryAddress',
    'billingAddress',
    'dateOfBirth',
    'birthDate',
    'iban',
    'bic',
    'ip',
    'ipAddress',
    'remoteAddress',
    'remotePort',
    'x-forwarded-for',
    'x-real-ip',
    'forwarded',
    'password',
    'newPassword',
    'token',
    'accessToken',
    'refreshToken',
    'authorization',
    'cookie',
    'set-cookie',
    'x-api-key',
    'apiKey',
    'secret',
    'referer',
    'referrer',
    'user-agent',
    'userAgent',
  ].map((k) => k.toLowerCase()),
);

export const REDACTED = '[REDACTED]';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const IPV4 = /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/g;
// Full and compressed IPv6 forms (at least two groups around a '::', or eight groups).
const IPV6 =
  /\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b|\b(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,5})?(?=\b|$)|::ffff:[0-9.]+|::1\b/g;

export function scrubString(value: string): string {
  if (value.length === 0) return value;
  return value.replace(EMAIL, '[EMAIL]').replace(IPV6, '[IP]').replace(IPV4, '[IP]');
}

/** Returns a copy with personal data masked. Request bodies are never logged in the first place. */
export function scrub(value: unknown, key?: string, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  if (key && PERSONAL_KEYS.has(key.toLowerCase())) return REDACTED;
  if (typeof value === 'string') return scrubString(value);
  if (typeof value !== 'object') return value;
  if (depth > 8) return '[Object]';
  if (value instanceof Error) {
    return {
      type: value.name,
      message: scrubString(value.message),
      ...(value.stack ? { stack: scrubString(value.stack) } : {}),
      ...('code' in value ? { code: (value as { code: unknown }).code } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, undefined, depth + 1));
  // Class instances (the raw request and response) are left to their pino serializers, which keep
  // only safe fields; walking them would be slow and would meet sockets and cycles.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrub(v, k, depth + 1);
  return out;
}

/** Keeps a URL's path and the names of its query parameters; the values may be personal. */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  const q = url.indexOf('?');
  const path = scrubString(q === -1 ? url : url.slice(0, q));
  if (q === -1) return path;
  const names = url
    .slice(q + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => `${scrubString(decodeSafe(pair.split('=')[0] ?? ''))}=${REDACTED}`);
  return `${path}?${names.join('&')}`;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
