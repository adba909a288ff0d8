import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import Stripe from 'stripe';
import {
  SimServer,
  postWebhook,
  parseNestedForm,
  type SimRequest,
  type SimResponse,
} from '../../../common/simulators/sim-http.js';

/**
 * A local Stripe for what the shop uses: PaymentIntents (create, retrieve, cancel), refunds, and the
 * signed `payment_intent.*` webhooks. It speaks Stripe's wire format (form-encoded bodies with nested
 * keys, Bearer secret keys, `Idempotency-Key` replays, Stripe's JSON objects and error shape, the
 * `Stripe-Signature` header), so the real `stripe` SDK is pointed at it through its host/port/protocol
 * options and the shop's code runs unchanged. The e2e tests start it from test/fakes/stripe; `npm start`
 * without Stripe keys runs it inside the app (PaymentSimulators).
 *
 * The customer's part (entering a card in Stripe.js) is the simulator hook
 * `POST /_sim/payment_intents/:id/confirm` (or the auto-confirm delay), which marks the PaymentIntent
 * succeeded and posts the signed `payment_intent.succeeded` event to the shop's webhook URL.
 */

export interface StripeSimulatorOptions {
  secretKey: string;
  webhookSecret: string;
  /** Where events are posted; a function is asked at each delivery (the app's port may be known late). */
  webhookUrl?: string | (() => string | undefined);
  /** Confirm each new PaymentIntent by itself after this many ms (0: wait for the confirm hook). */
  autoConfirmMs?: number;
  maxRecorded?: number;
  /** Told about each webhook delivery (the in-process simulator logs them). */
  onDelivery?: (delivery: WebhookDelivery) => void;
}

export interface WebhookDelivery {
  eventId: string;
  type: string;
  url?: string;
  status: number;
  body: string;
}

interface PaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  capture_method: 'automatic';
  client_secret: string;
  confirmation_method: 'automatic';
  created: number;
  currency: string;
  customer: null;
  description: string | null;
  last_payment_error: null | { code: string; message: string; type: string };
  latest_charge: string | null;
  livemode: false;
  metadata: Record<string, string>;
  payment_method: string | null;
  payment_method_types: string[];
  receipt_email: string | null;
  shipping: null;
  status: 'requires_payment_method' | 'requires_confirmation' | 'processing' | 'succeeded' | 'canceled';
  canceled_at: number | null;
}

interface Refund {
  id: string;
  object: 'refund';
  amount: number;
  charge: string | null;
  created: number;
  currency: string;
  metadata: Record<string, string>;
  payment_intent: string;
  reason: string | null;
  status: 'succeeded';
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const stripeId = (prefix: string, length = 24): string =>
  prefix + Array.from(randomBytes(length), (b) => BASE62[b % 62]).join('');

const now = (): number => Math.floor(Date.now() / 1000);
const API_VERSION = '2026-10-28.endive';

const PAYMENT_INTENT_PARAMS = new Set([
  'amount',
  'currency',
  'metadata',
  'allowed_payment_method_types',
  'excluded_payment_method_types',
  'automatic_payment_methods',
  'capture_method',
  'confirm',
  'customer',
  'description',
  'payment_method',
  'receipt_email',
  'setup_future_usage',
  'shipping',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'expand',
]);
const REFUND_PARAMS = new Set(['payment_intent', 'charge', 'amount', 'reason', 'metadata', 'expand']);

function stripeError(status: number, message: string, extra: Record<string, string> = {}): SimResponse {
  return {
    status,
    json: { error: { type: 'invalid_request_error', message, ...extra } },
    headers: { 'request-id': stripeId('req_', 14) },
  };
}

export class StripeSimulator {
  readonly server: SimServer;
  private readonly intents = new Map<string, PaymentIntent>();
  private readonly refunds = new Map<string, Refund>();
  private readonly idempotent = new Map<string, { fingerprint: string; response: SimResponse }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly secretKey: Buffer;
  private readonly stripe = new Stripe('sk_simulator_signing_only');
  webhookUrl: StripeSimulatorOptions['webhookUrl'];

  constructor(private readonly options: StripeSimulatorOptions) {
    this.secretKey = Buffer.from(`Bearer ${options.secretKey}`);
    this.webhookUrl = options.webhookUrl;
    this.server = new SimServer((raw) => parseNestedForm(raw.toString('utf8')), options.maxRecorded)
      .route('POST', '/v1/payment_intents', (r) =>
        this.authorised(r, () => this.idempotently(r, () => this.createIntent(r))),
      )
      .route('GET', '/v1/payment_intents/:id', (r) =>
        this.authorised(r, () => this.retrieveIntent(r.params.id)),
      )
      .route('POST', '/v1/payment_intents/:id/cancel', (r) =>
        this.authorised(r, () => this.idempotently(r, () => this.cancelIntent(r.params.id))),
      )
      .route('POST', '/v1/refunds', (r) =>
        this.authorised(r, () => this.idempotently(r, () => this.createRefund(r))),
      )
      .route('GET', '/v1/refunds/:id', (r) => this.authorised(r, () => this.retrieveRefund(r.params.id)))
      // Simulator hooks: what the customer does in Stripe.js, and what Stripe does on its own.
      .route('POST', '/_sim/payment_intents/:id/confirm', async (r) => {
        const amount = r.query.get('amount_received');
        const result = await this.confirm(r.params.id, amount ? { amountReceived: Number(amount) } : {});
        return result
          ? { status: 200, json: result }
          : stripeError(404, `No such payment_intent: '${r.params.id}'`);
      })
      .route('POST', '/_sim/payment_intents/:id/fail', async (r) => {
        const result = await this.fail(r.params.id);
        return result
          ? { status: 200, json: result }
          : stripeError(404, `No such payment_intent: '${r.params.id}'`);
      });
  }

  /** Starts listening; answers what the `stripe` SDK's host/port/protocol options need. */
  async start(
    port = 0,
    host = '127.0.0.1',
  ): Promise<{ host: string; port: number; protocol: 'http'; baseUrl: string }> {
    const baseUrl = await this.server.listen(port, host);
    return { host, port: this.server.port, protocol: 'http', baseUrl };
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.server.close();
  }

  get requests() {
    return this.server.requests;
  }

  paymentIntent(id: string): Readonly<PaymentIntent> | undefined {
    return this.intents.get(id);
  }

  /** Every PaymentIntent created, oldest first (what a test counts to prove nothing was created twice). */
  paymentIntents(): readonly Readonly<PaymentIntent>[] {
    return [...this.intents.values()];
  }

  /** The customer paid: the PaymentIntent succeeds and the signed event is posted to the shop. */
  async confirm(
    id: string,
    options: { amountReceived?: number; deliver?: boolean } = {},
  ): Promise<{ paymentIntent: PaymentIntent; delivery?: WebhookDelivery } | undefined> {
    const intent = this.intents.get(id);
    if (!intent) return undefined;
    if (intent.status === 'canceled') return { paymentIntent: intent };
    if (intent.status !== 'succeeded') {
      intent.status = 'succeeded';
      intent.amount_received = options.amountReceived ?? intent.amount;
      intent.latest_charge = stripeId('ch_');
      intent.payment_method = stripeId('pm_');
      intent.last_payment_error = null;
    }
    const delivery =
      options.deliver === false ? undefined : await this.deliver('payment_intent.succeeded', intent);
    return { paymentIntent: intent, delivery };
  }

  /** The card was declined: the PaymentIntent asks for another payment method, and Stripe says so. */
  async fail(id: string): Promise<{ paymentIntent: PaymentIntent; delivery?: WebhookDelivery } | undefined> {
    const intent = this.intents.get(id);
    if (!intent) return undefined;
    intent.status = 'requires_payment_method';
    intent.last_payment_error = {
      code: 'card_declined',
      message: 'Your card was declined.',
      type: 'card_error',
    };
    return { paymentIntent: intent, delivery: await this.deliver('payment_intent.payment_failed', intent) };
  }

  /** The `Stripe-Signature` header for a payload: `t=<unix>,v1=HMAC-SHA256(secret, "<t>.<payload>")`. */
  signatureHeader(payload: string, timestamp = now()): string {
    return this.stripe.webhooks.generateTestHeaderString({
      payload,
      secret: this.options.webhookSecret,
      timestamp,
    });
  }

  /** Builds a Stripe event around `object`, signs it and posts it to the webhook URL. */
  async deliver(type: string, object: object): Promise<WebhookDelivery> {
    const event = {
      id: stripeId('evt_'),
      object: 'event',
      api_version: API_VERSION,
      created: now(),
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: stripeId('req_', 14), idempotency_key: null },
      type,
    };
    return this.post(event.id, type, JSON.stringify(event, null, 2));
  }

  /** Posts a payload exactly as given, signed (or with the header given): replays and tampering in tests. */
  async post(
    eventId: string,
    type: string,
    payload: string,
    signature = this.signatureHeader(payload),
  ): Promise<WebhookDelivery> {
    const url = typeof this.webhookUrl === 'function' ? this.webhookUrl() : this.webhookUrl;
    let delivery: WebhookDelivery;
    if (!url) {
      delivery = { eventId, type, status: 0, body: 'no webhook URL configured' };
    } else {
      try {
        const response = await postWebhook(
          url,
          {
            'content-type': 'application/json; charset=utf-8',
            'stripe-signature': signature,
            'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          },
          payload,
        );
        delivery = { eventId, type, url, status: response.status, body: response.body };
      } catch (error) {
        delivery = {
          eventId,
          type,
          url,
          status: 0,
          body: error instanceof Error ? error.message : String(error),
        };
      }
    }
    this.options.onDelivery?.(delivery);
    return delivery;
  }

  private authorised(
    request: SimRequest,
    next: () => SimResponse | Promise<SimResponse>,
  ): SimResponse | Promise<SimResponse> {
    const given = Buffer.from(String(request.headers.authorization ?? ''));
    if (given.length !== this.secretKey.length || !timingSafeEqual(given, this.secretKey))
      return stripeError(401, 'Invalid API Key provided.');
    return next();
  }

  /** Stripe's idempotency: the same key and the same request answer the first response again. */
  private async idempotently(
    request: SimRequest,
    next: () => SimResponse | Promise<SimResponse>,
  ): Promise<SimResponse> {
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') return next();
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.path}\n`)
      .update(request.rawBody)
      .digest('hex');
    const scoped = `${request.path}|${key}`;
    const earlier = this.idempotent.get(scoped);
    if (earlier) {
      if (earlier.fingerprint !== fingerprint)
        return stripeError(
          400,
          'Keys for idempotent requests can only be used with the same parameters they were first used with.',
          {
            type: 'idempotency_error',
          },
        );
      return {
        ...earlier.response,
        headers: { ...earlier.response.headers, 'idempotent-replayed': 'true', 'idempotency-key': key },
      };
    }
    const response = await next();
    if (response.status < 500) this.idempotent.set(scoped, { fingerprint, response });
    return { ...response, headers: { ...response.headers, 'idempotency-key': key } };
  }

  private createIntent(request: SimRequest): SimResponse {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(body).find((k) => !PAYMENT_INTENT_PARAMS.has(k));
    if (unknown)
      return stripeError(400, `Received unknown parameter: ${unknown}`, {
        code: 'parameter_unknown',
        param: unknown,
      });
    const amount = Number(body.amount);
    if (!Number.isInteger(amount) || amount < 1)
      return stripeError(400, 'Missing required param: amount.', {
        code: 'parameter_missing',
        param: 'amount',
      });
    if (typeof body.currency !== 'string' || !/^[a-z]{3}$/.test(body.currency))
      return stripeError(400, 'Invalid currency.', { code: 'parameter_invalid', param: 'currency' });
    const id = stripeId('pi_');
    const intent: PaymentIntent = {
      id,
      object: 'payment_intent',
      amount,
      amount_capturable: 0,
      amount_received: 0,
      capture_method: 'automatic',
      client_secret: `${id}_secret_${stripeId('', 25)}`,
      confirmation_method: 'automatic',
      created: now(),
      currency: body.currency,
      customer: null,
      description: typeof body.description === 'string' ? body.description : null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: (body.metadata as Record<string, string> | undefined) ?? {},
      payment_method: null,
      payment_method_types: (body.allowed_payment_method_types as string[] | undefined) ?? ['card'],
      receipt_email: null,
      shipping: null,
      status: 'requires_payment_method',
      canceled_at: null,
    };
    this.intents.set(id, intent);
    if (this.options.autoConfirmMs && this.options.autoConfirmMs > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.confirm(id);
      }, this.options.autoConfirmMs);
      timer.unref();
      this.timers.add(timer);
    }
    return { status: 200, json: intent, headers: { 'request-id': stripeId('req_', 14) } };
  }

  private retrieveIntent(id: string): SimResponse {
    const intent = this.intents.get(id);
    return intent
      ? { status: 200, json: intent }
      : stripeError(404, `No such payment_intent: '${id}'`, { code: 'resource_missing' });
  }

  private cancelIntent(id: string): SimResponse {
    const intent = this.intents.get(id);
    if (!intent) return stripeError(404, `No such payment_intent: '${id}'`, { code: 'resource_missing' });
    if (intent.status === 'succeeded')
      return stripeError(400, 'You cannot cancel this PaymentIntent because it has a status of succeeded.', {
        code: 'payment_intent_unexpected_state',
      });
    intent.status = 'canceled';
    intent.canceled_at = now();
    return { status: 200, json: intent };
  }

  private createRefund(request: SimRequest): SimResponse {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(body).find((k) => !REFUND_PARAMS.has(k));
    if (unknown)
      return stripeError(400, `Received unknown parameter: ${unknown}`, {
        code: 'parameter_unknown',
        param: unknown,
      });
    const intent =
      typeof body.payment_intent === 'string' ? this.intents.get(body.payment_intent) : undefined;
    if (!intent)
      return stripeError(404, `No such payment_intent: '${String(body.payment_intent)}'`, {
        code: 'resource_missing',
      });
    if (intent.status !== 'succeeded')
      return stripeError(400, 'This PaymentIntent does not have a successful charge to refund.', {
        code: 'charge_not_refundable',
      });
    const refunded = [...this.refunds.values()]
      .filter((r) => r.payment_intent === intent.id)
      .reduce((s, r) => s + r.amount, 0);
    const amount = body.amount === undefined ? intent.amount_received - refunded : Number(body.amount);
    if (!Number.isInteger(amount) || amount < 1 || amount > intent.amount_received - refunded)
      return stripeError(
        400,
        `Refund amount (${String(body.amount)}) is greater than unrefunded amount on charge.`,
        {
          code: 'amount_too_large',
          param: 'amount',
        },
      );
    const refund: Refund = {
      id: stripeId('re_'),
      object: 'refund',
      amount,
      charge: intent.latest_charge,
      created: now(),
      currency: intent.currency,
      metadata: (body.metadata as Record<string, string> | undefined) ?? {},
      payment_intent: intent.id,
      reason: typeof body.reason === 'string' ? body.reason : null,
      status: 'succeeded',
    };
    this.refunds.set(refund.id, refund);
    return { status: 200, json: refund };
  }

  private retrieveRefund(id: string): SimResponse {
    const refund = this.refunds.get(id);
    return refund
      ? { status: 200, json: refund }
      : stripeError(404, `No such refund: '${id}'`, { code: 'resource_missing' });
  }
}
