import { createHmac, randomBytes } from 'node:crypto';

/**
 * How the shop signs the webhooks it sends to partners (the partner's side: example/verify-partner-webhook.ts):
 *
 *   X-Webhook-Timestamp: <unix seconds when it was sent>
 *   X-Webhook-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *   X-Webhook-Id:        <the delivery id, also the body's "id">
 *
 * The timestamp is signed with the body, so a captured request cannot be replayed later with a fresh
 * timestamp; the receiver rejects timestamps outside its tolerance and ids it has seen within it.
 */
export const WEBHOOK_HEADERS = {
  id: 'x-webhook-id',
  timestamp: 'x-webhook-timestamp',
  signature: 'x-webhook-signature',
} as const;

/** The tolerance the example verifier applies by default, and what partners are told to use. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export const SIGNATURE_VERSION = 'v1';

export function webhookSignature(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
}

/** The headers of one signed delivery. */
export function signedHeaders(
  secret: string,
  deliveryId: string,
  rawBody: string,
  now = new Date(),
): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    [WEBHOOK_HEADERS.id]: deliveryId,
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [WEBHOOK_HEADERS.signature]: `${SIGNATURE_VERSION}=${webhookSignature(secret, timestamp, rawBody)}`,
  };
}

/** A new signing secret: 32 random bytes, shown to the administrator once. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;
