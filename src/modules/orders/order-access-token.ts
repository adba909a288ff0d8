import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The link a guest gets at placement to look at their order later: the order id and an expiry,
 * signed with HMAC-SHA256. Stateless, so any instance verifies it; it travels in the
 * `X-Order-Token` header, never in a URL (URLs end up in logs and browser histories).
 *
 *   o1.<order uuid>.<expiry, unix seconds>.<signature, base64url>
 */
const VERSION = 'o1';
const SHAPE =
  /^o1\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

const signature = (key: Buffer, payload: string): string =>
  createHmac('sha256', key).update(payload).digest('base64url');

export function signOrderAccessToken(key: Buffer, orderId: string, expiresAt: Date): string {
  const payload = `${VERSION}.${orderId.toLowerCase()}.${Math.floor(expiresAt.getTime() / 1000)}`;
  return `${payload}.${signature(key, payload)}`;
}

/** The order id the token grants access to, or null when it is malformed, forged or expired. */
export function verifyOrderAccessToken(key: Buffer, token: string, now = new Date()): string | null {
  const match = SHAPE.exec(token);
  if (!match) return null;
  const [, orderId, exp] = match;
  const expected = Buffer.from(signature(key, `${VERSION}.${orderId}.${exp}`));
  const given = Buffer.from(match[3]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  if (Number(exp) * 1000 <= now.getTime()) return null;
  return orderId;
}
