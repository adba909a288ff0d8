import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The header that carries the withdrawal token (never the URL: URLs end up in logs and histories). */
export const WITHDRAWAL_TOKEN_HEADER = 'x-withdrawal-token';

/** 32 random bytes, base64url: 43 characters. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface WithdrawalToken {
  /** Handed to the person once, in the receipt; never stored. */
  token: string;
  /** What the database keeps. */
  hash: Buffer;
}

const sha256 = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** A fresh capability to delete one inquiry. 256 bits: unguessable, so no rate limit is needed on its use. */
export function newWithdrawalToken(): WithdrawalToken {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: sha256(token) };
}

/** Whether `presented` is the token whose hash is `storedHash`, compared in constant time. */
export function withdrawalTokenMatches(presented: unknown, storedHash: Buffer): boolean {
  if (typeof presented !== 'string' || !TOKEN.test(presented) || storedHash.length !== 32) return false;
  return timingSafeEqual(sha256(presented), storedHash);
}
