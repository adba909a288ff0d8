import { createHash, randomBytes } from 'node:crypto';

/** What a key may be used for. A route names the scopes it needs with @PartnerScopes(...). */
export const PARTNER_SCOPES = {
  'shipments:read': 'read the shipments handed to this partner (minimal fields)',
  'shipments:write': 'report tracking events and the delivery status of its shipments',
  'api-keys:read': "read the metadata of the partner's own API keys",
} as const;
export type PartnerScope = keyof typeof PARTNER_SCOPES;
export const PARTNER_SCOPE_NAMES = Object.keys(PARTNER_SCOPES) as PartnerScope[];

/** Shown in lists so a key can be recognised; 8 of 43 characters leave 210 secret bits. */
export const KEY_PREFIX_LENGTH = 8;

/** 32 random bytes, base64url: 43 characters, 256 bits of entropy. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = randomBytes(32).toString('base64url');
  return { key, prefix: key.slice(0, KEY_PREFIX_LENGTH), hash: hashApiKey(key) };
}

/**
 * SHA-256, unsalted, on purpose. A slow, salted hash (Argon2id) protects *passwords*, which people
 * choose from a small space an attacker can enumerate. A 256-bit random key cannot be enumerated,
 * so a fast hash of it is as hard to invert as a slow one, and it makes the lookup a single index
 * probe on the hash: no per-request Argon2 cost, and no comparison of secrets in application code
 * (the database compares hashes, which an attacker cannot steer byte by byte).
 */
export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** The shape of a key this service issues; anything else is refused before any lookup. */
export const looksLikeApiKey = (value: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(value);
