import Stripe from 'stripe';
import type {
  CreatePaymentInput,
  PaymentProvider,
  ProviderPayment,
  ProviderRefund,
  RawWebhook,
  RefundInput,
  WebhookEvent,
} from '../payment-provider.port.js';
import { WebhookSignatureInvalid } from '../payment-provider.port.js';

export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  /** Only to reach a local Stripe (the simulator or test/fakes/stripe); unset in production. */
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** Per request; the SDK's own retries are off: ResilientPaymentProvider retries, with the same idempotency key. */
  timeoutMs?: number;
}

/** Stripe's PaymentIntent states, as the shop reads them. */
function statusOf(intent: Stripe.PaymentIntent): ProviderPayment['status'] {
  switch (intent.status) {
    case 'succeeded':
      return 'succeeded';
    case 'canceled':
      return 'cancelled';
    default:
      // requires_payment_method (also after a declined card: the customer may try another), _confirmation,
      // _action, processing, requires_capture (never: capture is automatic).
      return 'requires-action';
  }
}

function toPayment(intent: Stripe.PaymentIntent): ProviderPayment {
  const status = statusOf(intent);
  const charge = typeof intent.latest_charge === 'string' ? intent.latest_charge : intent.latest_charge?.id;
  return {
    reference: intent.id,
    status,
    currency: intent.currency.toUpperCase(),
    ...(status === 'succeeded' ? { receivedCents: intent.amount_received } : {}),
    ...(charge ? { captureReference: charge } : {}),
    action:
      status === 'requires-action' && intent.client_secret ? { clientSecret: intent.client_secret } : {},
  };
}

/**
 * Card payments through Stripe PaymentIntents, with the official SDK. The card holder types the card
 * into Stripe.js (Stripe's own form), so the shop sends Stripe only the amount, the currency and, in
 * metadata, the order number and id; no name, email or address (Stripe does not need them for a card
 * payment, and a `receipt_email` would make Stripe mail the customer on the shop's behalf).
 */
export class StripeProvider implements PaymentProvider {
  readonly id = 'stripe' as const;
  private readonly stripe: Stripe;

  constructor(private readonly settings: StripeSettings) {
    this.stripe = new Stripe(settings.secretKey, {
      ...(settings.host ? { host: settings.host } : {}),
      ...(settings.port ? { port: settings.port } : {}),
      ...(settings.protocol ? { protocol: settings.protocol } : {}),
      // Retries are bounded in one place (ResilientPaymentProvider), reusing the idempotency key.
      maxNetworkRetries: 0,
      timeout: settings.timeoutMs ?? 20_000,
      // Request timings of the previous call are not Stripe's business.
      telemetry: false,
    });
  }

  async create(input: CreatePaymentInput): Promise<ProviderPayment> {
    const intent = await this.stripe.paymentIntents.create(
      {
        amount: input.amountCents,
        currency: input.currency.toLowerCase(),
        allowed_payment_method_types: ['card'],
        metadata: { order_id: input.orderId, order_number: input.orderNumber },
      },
      { idempotencyKey: input.idempotencyKey },
    );
    return toPayment(intent);
  }

  async retrieve(reference: string): Promise<ProviderPayment> {
    return toPayment(await this.stripe.paymentIntents.retrieve(reference));
  }

  /** Card payments are captured by Stripe when the customer confirms them: nothing to do but read. */
  capture(reference: string): Promise<ProviderPayment> {
    return this.retrieve(reference);
  }

  async refund(input: RefundInput): Promise<ProviderRefund> {
    const refund = await this.stripe.refunds.create(
      { payment_intent: input.reference, amount: input.amountCents },
      { idempotencyKey: input.idempotencyKey },
    );
    return {
      reference: refund.id,
      status: refund.status === 'succeeded' ? 'succeeded' : refund.status === 'failed' ? 'failed' : 'pending',
    };
  }

  parseWebhook(webhook: RawWebhook): Promise<WebhookEvent> {
    const signature = webhook.headers['stripe-signature'];
    if (typeof signature !== 'string' || signature === '')
      return Promise.reject(new WebhookSignatureInvalid('stripe', 'no Stripe-Signature header'));
    let event: Stripe.Event;
    try {
      // Verifies the HMAC over the exact bytes received and the timestamp (5 minutes' tolerance).
      event = this.stripe.webhooks.constructEvent(webhook.rawBody, signature, this.settings.webhookSecret);
    } catch (error) {
      return Promise.reject(
        new WebhookSignatureInvalid('stripe', error instanceof Error ? error.message : 'verification failed'),
      );
    }
    return Promise.resolve(normalise(event));
  }
}

function normalise(event: Stripe.Event): WebhookEvent {
  const base = { id: event.id, type: event.type };
  if (!event.type.startsWith('payment_intent.')) return { ...base, kind: 'ignored' };
  const intent = event.data.object as Stripe.PaymentIntent;
  const about = { reference: intent.id, currency: intent.currency.toUpperCase() };
  switch (event.type) {
    case 'payment_intent.succeeded': {
      const charge =
        typeof intent.latest_charge === 'string' ? intent.latest_charge : intent.latest_charge?.id;
      return {
        ...base,
        ...about,
        kind: 'succeeded',
        receivedCents: intent.amount_received,
        ...(charge ? { captureReference: charge } : {}),
      };
    }
    case 'payment_intent.payment_failed':
      // The PaymentIntent stays open: the customer may try another card.
      return { ...base, ...about, kind: 'declined' };
    case 'payment_intent.canceled':
      return { ...base, ...about, kind: 'cancelled' };
    default:
      return { ...base, ...about, kind: 'ignored' };
  }
}
