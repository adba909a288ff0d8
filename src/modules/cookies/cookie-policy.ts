/**
 * The shop's cookie rules as pure functions: the one-year cap (the privacy policy promises that no
 * cookie lives longer), and how cookies are written and read without a cookie plugin.
 */

/** No cookie the backend sets may live longer than this (privacy policy: "at most 1 year"). */
export const MAX_COOKIE_AGE_SECONDS = 365 * 24 * 60 * 60;

/** RFC 6265 cookie-name (an HTTP token). */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export interface CookieOptions {
  maxAgeSeconds?: number;
  expires?: Date;
  path?: string;
  domain?: string;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None';
}

/** One Set-Cookie header value. The value is percent-encoded; the name must be a token. */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!COOKIE_NAME.test(name)) throw new Error(`"${name}" is not a valid cookie name`);
  const parts = [`${name}=${encodeURIComponent(value)}`];
  if (options.maxAgeSeconds !== undefined) {
    if (!Number.isInteger(options.maxAgeSeconds))
      throw new Error('Max-Age must be a whole number of seconds');
    parts.push(`Max-Age=${options.maxAgeSeconds}`);
  }
  if (options.expires) parts.push(`Expires=${options.expires.toUTCString()}`);
  if (options.domain) parts.push(`Domain=${options.domain}`);
  if (options.path) parts.push(`Path=${options.path}`);
  if (options.httpOnly) parts.push('HttpOnly');
  if (options.secure) parts.push('Secure');
  if (options.sameSite) parts.push(`SameSite=${options.sameSite}`);
  return parts.join('; ');
}

/** The cookies of a `Cookie` request header; a malformed value is skipped, never thrown on. */
export function parseCookieHeader(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (!COOKIE_NAME.test(name) || cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      continue;
    }
  }
  return cookies;
}

/** The cookie name of a Set-Cookie header value ('' when it has none). */
export function setCookieName(header: string): string {
  const first = header.split(';', 1)[0];
  const eq = first.indexOf('=');
  return (eq < 0 ? '' : first.slice(0, eq)).trim();
}

export interface CappedCookie {
  name: string;
  header: string;
  /** Max-Age or Expires was shortened. */
  capped: boolean;
}

/**
 * Shortens a Set-Cookie header so the cookie lives at most `capSeconds` (never more than one year):
 * Max-Age above the cap becomes the cap, Expires beyond now + cap becomes now + cap, and an Expires
 * this parser cannot read is removed (a browser that could read it might keep the cookie longer;
 * without it the cookie ends with the browser session). Shorter lifetimes, deletions (Max-Age=0)
 * and session cookies pass unchanged.
 */
export function capSetCookie(header: string, now: Date, capSeconds = MAX_COOKIE_AGE_SECONDS): CappedCookie {
  const cap = Math.min(capSeconds, MAX_COOKIE_AGE_SECONDS);
  const latest = new Date(now.getTime() + cap * 1000);
  const [pair, ...attributes] = header.split(';');
  let capped = false;
  const out: string[] = [];
  for (const raw of attributes) {
    const attribute = raw.trim();
    const eq = attribute.indexOf('=');
    const key = (eq < 0 ? attribute : attribute.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : attribute.slice(eq + 1).trim();
    if (key === 'max-age') {
      // RFC 6265 §5.2.2: a Max-Age that is not a (signed) integer is ignored by browsers; any
      // integer above the cap, however written, is brought down to it.
      if (/^-?\d+$/.test(value) && BigInt(value) > BigInt(cap)) {
        capped = true;
        out.push(`Max-Age=${cap}`);
        continue;
      }
    } else if (key === 'expires') {
      const at = Date.parse(value);
      if (Number.isNaN(at)) {
        capped = true;
        continue;
      }
      if (at > latest.getTime()) {
        capped = true;
        out.push(`Expires=${latest.toUTCString()}`);
        continue;
      }
    }
    if (attribute !== '') out.push(attribute);
  }
  return { name: setCookieName(header), header: [pair.trim(), ...out].join('; '), capped };
}
