import { describe, expect, it } from '@jest/globals';
import { createWebhookVerifier, WebhookVerificationError } from './example/verify-partner-webhook.js';
import { newWebhookSecret, signedHeaders } from './webhook-signature.js';

const body = JSON.stringify({
  id: 'd6a3c1f0-1111-4222-8333-944455556666',
  type: 'shipment.created',
  occurredAt: '2026-03-05T10:00:00Z',
  data: {},
});
const sentAt = new Date('2026-03-05T10:00:00Z');
const at = (seconds: number) => () => Math.floor(sentAt.getTime() / 1000) + seconds;

const rejection = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
  return undefined;
};

describe('signed partner webhooks and the example verifier', () => {
  const secret = newWebhookSecret();
  const headers = signedHeaders(secret, 'd6a3c1f0-1111-4222-8333-944455556666', body, sentAt);

  it('verifies a webhook with the secret of the partner', () => {
    const verifier = createWebhookVerifier({ secret, now: at(2) });
    expect(verifier.verify(headers, body)).toMatchObject({ type: 'shipment.created' });
  });

  it('rejects the same delivery sent again within the tolerance (a replay)', () => {
    const verifier = createWebhookVerifier({ secret, now: at(2) });
    verifier.verify(headers, body);
    expect(rejection(() => verifier.verify(headers, body))).toBe('replayed');
  });

  it('accepts the shop’s own retry of a delivery (signed anew): the application deduplicates by id', () => {
    const verifier = createWebhookVerifier({ secret, now: at(40) });
    verifier.verify(headers, body);
    const retry = signedHeaders(
      secret,
      'd6a3c1f0-1111-4222-8333-944455556666',
      body,
      new Date(sentAt.getTime() + 30_000),
    );
    expect(verifier.verify(retry, body).id).toBe('d6a3c1f0-1111-4222-8333-944455556666');
  });

  it('rejects a captured webhook replayed after the tolerance, and one from the future', () => {
    expect(rejection(() => createWebhookVerifier({ secret, now: at(301) }).verify(headers, body))).toBe(
      'stale-timestamp',
    );
    expect(rejection(() => createWebhookVerifier({ secret, now: at(-301) }).verify(headers, body))).toBe(
      'stale-timestamp',
    );
  });

  it('rejects a changed body, a changed timestamp and another secret', () => {
    const verifier = createWebhookVerifier({ secret, now: at(2) });
    expect(rejection(() => verifier.verify(headers, body.replace('created', 'delivered')))).toBe(
      'bad-signature',
    );
    const later = { ...headers, 'x-webhook-timestamp': String(Number(headers['x-webhook-timestamp']) + 1) };
    expect(rejection(() => verifier.verify(later, body))).toBe('bad-signature');
    expect(
      rejection(() =>
        createWebhookVerifier({ secret: newWebhookSecret(), now: at(2) }).verify(headers, body),
      ),
    ).toBe('bad-signature');
  });

  it('rejects a request without the signature headers', () => {
    const verifier = createWebhookVerifier({ secret, now: at(2) });
    expect(rejection(() => verifier.verify({}, body))).toBe('missing-header');
  });
});
