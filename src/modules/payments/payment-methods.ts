import type { PaymentMethod, ProviderId } from './payment-provider.port.js';

/**
 * The registry of payment methods: which provider takes each method, and exactly what leaves the shop
 * for it, logically (the names the Discloser checks against the `payment` activity) and on the wire
 * (the request fields each provider call carries; the e2e tests compare what the fakes received with
 * these lists). A method that needs more must say so here first.
 */
export interface PaymentMethodEntry {
  method: PaymentMethod;
  provider: ProviderId;
  /** The registry recipient the method discloses to; none for the shop's own methods. */
  recipient?: 'stripe' | 'paypal';
  /** What the provider receives, in the shop's names (the `payment` activity's allow-list for the recipient). */
  disclosed: readonly string[];
  /** Per provider call, the body fields it may carry (leaf paths, array items by index; a path permits what is under it). */
  wire: Readonly<Record<string, readonly string[]>>;
  /** What the shop stores for the method beyond the payment record itself. */
  stored: readonly string[];
  /** SEPA direct debit and invoice: the shop delivers before it is paid, so a credit check must pass first. */
  needsCreditApproval: boolean;
  /** Why the method needs (only) that data. */
  why: string;
}

export const PAYMENT_METHOD_REGISTRY: Readonly<Record<PaymentMethod, PaymentMethodEntry>> = {
  card: {
    method: 'card',
    provider: 'stripe',
    recipient: 'stripe',
    disclosed: ['amountCents', 'currency', 'orderNumber', 'orderId', 'paymentReference'],
    wire: {
      'POST /v1/payment_intents': [
        'amount',
        'currency',
        'allowed_payment_method_types.0',
        'metadata.order_id',
        'metadata.order_number',
      ],
      'GET /v1/payment_intents/:id': [],
      'POST /v1/refunds': ['payment_intent', 'amount'],
    },
    stored: ['the PaymentIntent id and the charge id'],
    needsCreditApproval: false,
    why:
      'Stripe needs the amount and currency to charge, and the order number and id to match the payment to the ' +
      'order. The card holder enters the card in Stripe.js, so Stripe needs no name, email or address from the shop.',
  },
  paypal: {
    method: 'paypal',
    provider: 'paypal',
    recipient: 'paypal',
    disclosed: ['amountCents', 'currency', 'orderNumber', 'orderId', 'paymentReference', 'captureReference'],
    wire: {
      'POST /v1/oauth2/token': ['grant_type'],
      'POST /v2/checkout/orders': [
        'intent',
        'purchase_units.0.custom_id',
        'purchase_units.0.invoice_id',
        'purchase_units.0.amount.currency_code',
        'purchase_units.0.amount.value',
        'application_context.shipping_preference',
        'application_context.user_action',
        'application_context.return_url',
        'application_context.cancel_url',
      ],
      'GET /v2/checkout/orders/:id': [],
      'POST /v2/checkout/orders/:id/capture': [],
      'POST /v2/payments/captures/:id/refund': ['amount.currency_code', 'amount.value'],
      // Local webhook verification fetches PayPal's signing certificate: nothing is sent.
      'GET /v1/notifications/certs/:name': [],
      // Only with PAYPAL_WEBHOOK_VERIFICATION=api: the signature headers and the event PayPal itself sent.
      'POST /v1/notifications/verify-webhook-signature': [
        'auth_algo',
        'cert_url',
        'transmission_id',
        'transmission_sig',
        'transmission_time',
        'webhook_id',
        'webhook_event',
      ],
    },
    stored: ['the PayPal order id and the capture id'],
    needsCreditApproval: false,
    why:
      'PayPal needs the amount and currency, and the order id and number to match the payment. The buyer signs in ' +
      'at PayPal, which has their account; NO_SHIPPING keeps PayPal from asking for (and returning) an address.',
  },
  sepa_debit: {
    method: 'sepa_debit',
    provider: 'sepa',
    disclosed: [],
    wire: {},
    stored: [
      'IBAN (encrypted; masked for display)',
      'account holder',
      'mandate reference',
      'date of signature',
    ],
    needsCreditApproval: true,
    why:
      'The shop collects the debit itself through its bank: a SEPA mandate needs the IBAN, the account holder, a ' +
      'mandate reference and the date it was given. Nothing is sent to a payment provider.',
  },
  invoice: {
    method: 'invoice',
    provider: 'invoice',
    disclosed: [],
    wire: {},
    stored: ['the order number as the transfer reference'],
    needsCreditApproval: true,
    why: 'The customer transfers the amount with the order number as reference; nothing is sent anywhere.',
  },
};

export const providerOf = (method: PaymentMethod): ProviderId => PAYMENT_METHOD_REGISTRY[method].provider;
