/**
 * The port every payment provider sits behind (docs/architecture.md: one folder per adapter). The service speaks
 * the shop's language (an order, an amount in minor units); an adapter maps that to its provider's
 * wire format, and maps the provider's answers and webhooks back.
 */

/** The order's payment method, as the orders module stores it. */
export const PAYMENT_METHODS = ['card', 'paypal', 'sepa_debit', 'invoice'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const PROVIDER_IDS = ['stripe', 'paypal', 'sepa', 'invoice'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

/**
 * What leaves the shop for a provider when a payment is created: the logical payload the kernel's
 * Discloser checks against the `payment` activity's allow-list for the recipient. No name, email or
 * address: card and PayPal payments need none of them.
 */
export interface PaymentDisclosure {
  amountCents: number;
  currency: string;
  orderNumber: string;
  orderId: string;
}

/** What the service hands an adapter to create a payment. */
export interface CreatePaymentInput extends PaymentDisclosure {
  /** Passed on to the provider (Stripe `Idempotency-Key`, PayPal `PayPal-Request-Id`): a retry creates nothing twice. */
  idempotencyKey: string;
}

/** What the storefront needs to let the customer pay. */
export interface StorefrontAction {
  /** Stripe: confirm the PaymentIntent with Stripe.js using this secret. */
  clientSecret?: string;
  /** PayPal: send the buyer here to approve the payment. */
  approvalUrl?: string;
}

/** A provider's view of a payment, normalised. */
export interface ProviderPayment {
  /** The provider's id of the payment (Stripe PaymentIntent id, PayPal order id). */
  reference: string;
  /**
   * - `requires-action`: the customer still has to pay (confirm the card, approve at PayPal);
   * - `approved`: the customer approved, the shop must capture (PayPal);
   * - `succeeded`: the money is taken;
   * - `failed` / `cancelled`: this attempt will not be paid.
   */
  status: 'requires-action' | 'approved' | 'succeeded' | 'failed' | 'cancelled';
  /** What the provider says it received, once succeeded. */
  receivedCents?: number;
  currency: string;
  /** The id of the capture (PayPal) or charge (Stripe) that moved the money. */
  captureReference?: string;
  action: StorefrontAction;
}

export interface RefundInput {
  /** The provider's id of the payment (and, for PayPal, the capture to refund). */
  reference: string;
  captureReference?: string;
  amountCents: number;
  currency: string;
  idempotencyKey: string;
}

export interface ProviderRefund {
  reference: string;
  status: 'succeeded' | 'pending' | 'failed';
}

/** A verified webhook event, normalised to what the service acts on. */
export interface WebhookEvent {
  /** The provider's event id: stored, so a replayed event is applied once. */
  id: string;
  /** The provider's event type, e.g. `payment_intent.succeeded`. */
  type: string;
  /**
   * - `succeeded`: money received for `reference`;
   * - `approved`: the buyer approved `reference`; the shop captures it (PayPal);
   * - `declined`: this try failed (a declined card) but the payment stays open for another;
   * - `failed` / `cancelled`: the payment ended without money;
   * - `ignored`: an event the shop does not act on (recorded all the same).
   */
  kind: 'succeeded' | 'approved' | 'declined' | 'failed' | 'cancelled' | 'ignored';
  /** The provider's payment id the event is about. */
  reference?: string;
  captureReference?: string;
  receivedCents?: number;
  currency?: string;
}

/** The headers and the exact bytes of a webhook request, as received. */
export interface RawWebhook {
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

/** Thrown by an adapter when a webhook's signature does not verify: answered 400, nothing is changed. */
export class WebhookSignatureInvalid extends Error {
  constructor(
    readonly provider: ProviderId,
    reason: string,
  ) {
    super(`${provider} webhook signature invalid: ${reason}`);
    this.name = 'WebhookSignatureInvalid';
  }
}

/**
 * A payment provider reached over the network (Stripe, PayPal). The shop's own methods (SEPA direct
 * debit, invoice) have no provider to call; PaymentsService handles them itself.
 */
export interface PaymentProvider {
  readonly id: Extract<ProviderId, 'stripe' | 'paypal'>;
  /** Creates the payment at the provider (idempotent on `input.idempotencyKey`). */
  create(input: CreatePaymentInput): Promise<ProviderPayment>;
  /** Reads the payment's current state (and what the storefront needs to continue it). */
  retrieve(reference: string): Promise<ProviderPayment>;
  /**
   * Takes the money the customer approved (PayPal capture). For a card, Stripe captures on confirmation,
   * so this only reads the state. Idempotent on `idempotencyKey`.
   */
  capture(reference: string, idempotencyKey: string): Promise<ProviderPayment>;
  refund(input: RefundInput): Promise<ProviderRefund>;
  /** Verifies the signature on the exact bytes received and parses the event; throws WebhookSignatureInvalid. */
  parseWebhook(webhook: RawWebhook): Promise<WebhookEvent>;
}
