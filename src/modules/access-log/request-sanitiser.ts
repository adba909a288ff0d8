import { isIP } from 'node:net';

/**
 * Query parameters whose values are kept: harmless navigation state (which page, sorted how, in which
 * language). Every other parameter keeps only its name: an email address, token, code, search text or
 * anything a client invents never reaches the log.
 */
export const KEPT_QUERY_PARAMETERS: ReadonlySet<string> = new Set([
  'page',
  'pagesize',
  'page_size',
  'limit',
  'sort',
  'order',
  'lang',
  'locale',
  'format',
  'status',
  'category',
]);

/** A kept value must look like navigation state: short, no @, no spaces. */
const HARMLESS_VALUE = /^[A-Za-z0-9_.,:|-]{0,32}$/;
/** A parameter name worth keeping; anything else (a bare email, a token as a name) is dropped entirely. */
const PARAMETER_NAME = /^[A-Za-z][A-Za-z0-9_[\]-]{0,31}$/;
const MAX_PATH = 1024;
const MAX_PARAMETERS = 20;
const EMAIL_MASK = '[email]';

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** The path with any segment that holds an email address masked (a path should hold none; some clients do it). */
function sanitisePath(path: string): string {
  const limited = path.length > MAX_PATH ? path.slice(0, MAX_PATH) : path;
  if (!limited.includes('@') && !limited.toLowerCase().includes('%40')) return limited;
  return limited
    .split('/')
    .map((segment) => (decode(segment).includes('@') ? EMAIL_MASK : segment))
    .join('/');
}

/**
 * The requested URL as the log keeps it: the path, and the query with each parameter's value removed
 * unless the parameter is on the allow-list (`?email=a@b.de&token=x&page=2` → `?email=&token=&page=2`).
 */
export function sanitiseUrl(rawUrl: string): string {
  const q = rawUrl.indexOf('?');
  const hash = rawUrl.indexOf('#');
  const pathEnd = [q, hash].filter((i) => i >= 0).reduce((a, b) => Math.min(a, b), rawUrl.length);
  const path = sanitisePath(rawUrl.slice(0, pathEnd) || '/');
  if (q < 0 || (hash >= 0 && hash < q)) return path;
  const query = rawUrl.slice(q + 1, hash > q ? hash : undefined);
  const kept: string[] = [];
  for (const pair of query.split('&')) {
    if (pair === '' || kept.length >= MAX_PARAMETERS) continue;
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    if (!PARAMETER_NAME.test(name)) continue;
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    const keep = KEPT_QUERY_PARAMETERS.has(name.toLowerCase()) && HARMLESS_VALUE.test(value);
    kept.push(`${name}=${keep ? encodeURIComponent(value) : ''}`);
  }
  return kept.length > 0 ? `${path}?${kept.join('&')}` : path;
}

/**
 * The referrer as the log keeps it: origin and path of an http(s) URL, nothing else (no user info, no
 * query, no fragment); null for anything else.
 */
export function sanitiseReferrer(referrer: string | undefined): string | null {
  if (!referrer) return null;
  let url: URL;
  try {
    url = new URL(referrer);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return `${url.origin}${sanitisePath(url.pathname)}`;
}

/** The client address as stored: IPv4-mapped IPv6 as plain IPv4; null when it is not an address. */
export function normaliseIp(ip: string | undefined): string | null {
  if (!ip) return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  const candidate = mapped ? mapped[1] : ip;
  return isIP(candidate) === 0 ? null : candidate.toLowerCase();
}
