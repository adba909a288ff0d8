import { ProviderResilience, type ResilienceSettings } from '../../common/resilience/provider-resilience.js';
import type {
  CreatePaymentInput,
  PaymentProvider,
  ProviderPayment,
  ProviderRefund,
  RawWebhook,
  RefundInput,
  WebhookEvent,
} from './payment-provider.port.js';

/**
 * An error that means the provider is unwell rather than refusing the request: no HTTP status (network,
 * reset, DNS), a 5xx, or 429. A 4xx is the provider's answer to this request and says nothing about its
 * health: it neither trips the breaker nor is retried.
 */
export function isProviderOutage(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  if (typeof status !== 'number') return true;
  return status >= 500 || status === 429;
}

/**
 * A payment provider behind timeouts, a circuit breaker and bounded retries. Every call the shop makes
 * is safe to repeat: reads, and writes that carry the shop's idempotency key (Stripe `Idempotency-Key`,
 * PayPal `PayPal-Request-Id`), so a retry after a timeout finds the object the first attempt created and
 * charges nothing twice. Webhook parsing is passed through: it verifies what the provider sent and must
 * not be refused because the provider's API is slow.
 */
export class ResilientPaymentProvider implements PaymentProvider {
  readonly id: PaymentProvider['id'];
  readonly resilience: ProviderResilience;

  constructor(
    private readonly inner: PaymentProvider,
    settings: ResilienceSettings,
  ) {
    this.id = inner.id;
    this.resilience = new ProviderResilience(inner.id, settings, isProviderOutage);
  }

  create(input: CreatePaymentInput): Promise<ProviderPayment> {
    return this.resilience.execute(() => this.inner.create(input), true);
  }

  retrieve(reference: string): Promise<ProviderPayment> {
    return this.resilience.execute(() => this.inner.retrieve(reference), true);
  }

  capture(reference: string, idempotencyKey: string): Promise<ProviderPayment> {
    return this.resilience.execute(() => this.inner.capture(reference, idempotencyKey), true);
  }

  refund(input: RefundInput): Promise<ProviderRefund> {
    return this.resilience.execute(() => this.inner.refund(input), true);
  }

  parseWebhook(webhook: RawWebhook): Promise<WebhookEvent> {
    return this.inner.parseWebhook(webhook);
  }
}
