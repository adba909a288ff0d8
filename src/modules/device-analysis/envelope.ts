import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM envelopes: `v1 | nonce (12) | tag (16) | ciphertext`. The associated data binds a
 * ciphertext to its row and field (`device_analysis:<id>:image`), so bytes copied onto another row or
 * field do not decrypt. A fresh random 96-bit nonce per envelope; a data key seals few messages.
 */
const VERSION = 1;
const NONCE = 12;
const TAG = 16;

export function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  // One allocation for the envelope: the ciphertext is copied once behind the header (GCM adds no
  // padding: update() answers exactly the plaintext's length, final() nothing).
  const body = cipher.update(plaintext);
  const tail = cipher.final();
  const out = Buffer.allocUnsafe(1 + NONCE + TAG + body.length + tail.length);
  out[0] = VERSION;
  nonce.copy(out, 1);
  body.copy(out, 1 + NONCE + TAG);
  tail.copy(out, 1 + NONCE + TAG + body.length);
  cipher.getAuthTag().copy(out, 1 + NONCE);
  return out;
}

/** Throws when the key is wrong, the bytes were changed or the associated data differs. */
export function open(key: Buffer, envelope: Buffer, aad: string): Buffer {
  if (envelope.length < 1 + NONCE + TAG || envelope[0] !== VERSION) throw new Error('not a sealed envelope');
  const decipher = createDecipheriv('aes-256-gcm', key, envelope.subarray(1, 1 + NONCE));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(envelope.subarray(1 + NONCE, 1 + NONCE + TAG));
  return Buffer.concat([decipher.update(envelope.subarray(1 + NONCE + TAG)), decipher.final()]);
}

export const sealJson = (key: Buffer, value: unknown, aad: string): Buffer =>
  seal(key, Buffer.from(JSON.stringify(value), 'utf8'), aad);

export const openJson = <T>(key: Buffer, envelope: Buffer, aad: string): T =>
  JSON.parse(open(key, envelope, aad).toString('utf8')) as T;
