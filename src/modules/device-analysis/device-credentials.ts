import { createHash, randomBytes } from 'node:crypto';

/** Shown in lists so a credential can be recognised; 8 of 43 characters leave 210 secret bits. */
export const CREDENTIAL_PREFIX_LENGTH = 8;

/** 32 random bytes, base64url: 43 characters, 256 bits of entropy. */
export function generateDeviceCredential(): { credential: string; prefix: string; hash: string } {
  const credential = randomBytes(32).toString('base64url');
  return {
    credential,
    prefix: credential.slice(0, CREDENTIAL_PREFIX_LENGTH),
    hash: hashDeviceCredential(credential),
  };
}

/**
 * SHA-256, unsalted: a 256-bit random secret cannot be enumerated, so a fast hash is as hard to invert
 * as a slow one, and the lookup is one index probe on the hash (the database compares, not our code).
 */
export const hashDeviceCredential = (credential: string): string =>
  createHash('sha256').update(credential, 'utf8').digest('hex');

/** The shape of a credential this service issues; anything else is refused before any lookup. */
export const looksLikeDeviceCredential = (value: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(value);
