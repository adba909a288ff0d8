/**
 * EXAMPLE for partners: verifying the shop's shipment webhooks on the receiving side. Self-contained
 * (Node's crypto only) so it can be copied into a partner's code base as it is.
 *
 *   const verifier = createWebhookVerifier({ secret: process.env.SHOP_WEBHOOK_SECRET! });
 *   // in the HTTP handler, with the raw body exactly as received (before any JSON parsing):
 *   try {
 *     const event = verifier.verify(request.headers, rawBody);
 *     // … handle event.type / event.data, then answer 2xx
 *   } catch (error) {
 *     if (error instanceof WebhookVerificationError) return reply.code(401).send();
 *     throw error;
 *   }
 *
 * What it checks: the signature (HMAC-SHA256 over "<timestamp>.<raw body>" with the secret the shop
 * showed when the webhook was registered), the timestamp (within `toleranceSeconds` of the receiver's
 * clock, 5 minutes by default), and that this very message (its delivery id, from the signed body, at
 * this signed timestamp) was not accepted before within that window: a request captured and sent again
 * is rejected either way. A retry by the shop (its 2xx got lost) is a new message, signed with a new
 * timestamp: it passes, and the application deduplicates it by `event.id`. Accepted messages are
 * remembered in memory, so this protects one process; several receiver instances need a shared store
 * (e.g. a unique index) via the `seen` option.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type VerificationFailure =
  'missing-header' | 'malformed' | 'stale-timestamp' | 'bad-signature' | 'replayed';

export class WebhookVerificationError extends Error {
  constructor(readonly reason: VerificationFailure) {
    super(`webhook rejected: ${reason}`);
    this.name = 'WebhookVerificationError';
  }
}

/** Remembers accepted messages until their timestamp leaves the tolerance window. */
export interface SeenDeliveries {
  /** True when `key` was accepted before; otherwise remembers it (until `expiresAt`, unix seconds) and answers false. */
  checkAndRemember(key: string, expiresAt: number): boolean;
}

export interface WebhookVerifierOptions {
  secret: string;
  toleranceSeconds?: number;
  /** Unix seconds now (for tests). */
  now?: () => number;
  seen?: SeenDeliveries;
}

export interface ShopWebhookEvent {
  id: string;
  type: string;
  occurredAt: string;
  data: unknown;
}

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

export function inMemorySeenDeliveries(now: () => number): SeenDeliveries {
  const seen = new Map<string, number>();
  return {
    checkAndRemember(id, expiresAt) {
      const current = now();
      for (const [key, expiry] of seen) if (expiry < current) seen.delete(key);
      if (seen.has(id)) return true;
      seen.set(id, expiresAt);
      return false;
    },
  };
}

export function createWebhookVerifier(options: WebhookVerifierOptions): {
  verify(headers: Headers, rawBody: string | Buffer): ShopWebhookEvent;
} {
  const tolerance = options.toleranceSeconds ?? 300;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const seen = options.seen ?? inMemorySeenDeliveries(now);
  const secret = Buffer.from(options.secret, 'utf8');

  return {
    verify(headers, rawBody) {
      const timestampText = header(headers, 'x-webhook-timestamp');
      const signatureHeader = header(headers, 'x-webhook-signature');
      if (!timestampText || !signatureHeader) throw new WebhookVerificationError('missing-header');
      if (!/^\d{1,12}$/.test(timestampText)) throw new WebhookVerificationError('malformed');
      const timestamp = Number(timestampText);
      if (Math.abs(now() - timestamp) > tolerance) throw new WebhookVerificationError('stale-timestamp');

      const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
      const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest();
      // Several signatures may be sent (comma-separated) while a secret is being rotated.
      const valid = signatureHeader
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.startsWith('v1='))
        .some((part) => {
          const given = Buffer.from(part.slice(3), 'hex');
          return given.length === expected.length && timingSafeEqual(given, expected);
        });
      if (!valid) throw new WebhookVerificationError('bad-signature');

      let event: ShopWebhookEvent;
      try {
        event = JSON.parse(body) as ShopWebhookEvent;
      } catch {
        throw new WebhookVerificationError('malformed');
      }
      if (typeof event.id !== 'string' || typeof event.type !== 'string')
        throw new WebhookVerificationError('malformed');
      // Id and timestamp are both signed (the id is read from the body, not from a header).
      if (seen.checkAndRemember(`${event.id}@${timestamp}`, timestamp + tolerance)) {
        throw new WebhookVerificationError('replayed');
      }
      return event;
    },
  };
}
