import {
  createHash,
  randomBytes,
  randomUUID,
  sign,
  timingSafeEqual,
  verify,
  X509Certificate,
} from 'node:crypto';
import { decimalToMinor, minorToDecimal } from '../money.js';
import { PAYPAL_AUTH_ALGO, transmissionMessage } from '../paypal/paypal-webhook-signature.js';
import { createCertificateChain, type CertificateChain } from './self-signed-certificate.js';
import {
  SimServer,
  postWebhook,
  type SimRequest,
  type SimResponse,
} from '../../../common/simulators/sim-http.js';

/**
 * A local PayPal for what the shop uses: OAuth client credentials, Orders v2 (create, get, capture),
 * capture refunds, webhook signature verification, and signed webhooks. It speaks PayPal's wire format
 * (Basic then Bearer auth, JSON bodies, `PayPal-Request-Id` idempotency, `Prefer: return=…`, PayPal's
 * error shape, the `PAYPAL-TRANSMISSION-*` headers signed with SHA256withRSA over
 * `id|time|webhookId|crc32(body)` by the key of the certificate it serves at `PAYPAL-CERT-URL`), so the
 * real `@paypal/checkout-server-sdk` is pointed at it through `PayPalEnvironment(…, baseUrl, webUrl)`.
 *
 * The buyer's part happens on its web side: `GET /checkoutnow?token=<order id>` (the approval link)
 * approves the order, posts `CHECKOUT.ORDER.APPROVED`, and sends the buyer back to the order's
 * `return_url` when it has one. Like PayPal, it answers a capture with the payer's name and email and,
 * unless the order said `NO_SHIPPING`, a shipping address: the shop must drop what it does not need.
 */

export interface PaypalSimulatorOptions {
  clientId: string;
  clientSecret: string;
  /** The id PayPal gives the shop's webhook subscription; part of every signed message. */
  webhookId: string;
  webhookUrl?: string | (() => string | undefined);
  maxRecorded?: number;
  onDelivery?: (delivery: PaypalWebhookDelivery) => void;
}

export interface PaypalWebhookDelivery {
  eventId: string;
  type: string;
  url?: string;
  status: number;
  body: string;
}

interface Money {
  currency_code: string;
  value: string;
}

interface Capture {
  id: string;
  status: 'COMPLETED';
  amount: Money;
  final_capture: true;
  seller_protection: { status: 'ELIGIBLE'; dispute_categories: string[] };
  custom_id?: string;
  invoice_id?: string;
  create_time: string;
  update_time: string;
  supplementary_data: { related_ids: { order_id: string } };
  refunded: number;
}

interface PaypalOrder {
  id: string;
  intent: 'CAPTURE' | 'AUTHORIZE';
  status: 'CREATED' | 'APPROVED' | 'COMPLETED' | 'VOIDED';
  request: Record<string, unknown>;
  amount: Money;
  referenceId?: string;
  customId?: string;
  invoiceId?: string;
  shippingPreference: string;
  returnUrl?: string;
  cancelUrl?: string;
  create_time: string;
  capture?: Capture;
}

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const paypalId = (length = 17): string => Array.from(randomBytes(length), (b) => ALNUM[b % 36]).join('');
const ORDER_FIELDS = new Set(['intent', 'purchase_units', 'payment_source', 'application_context', 'payer']);
const UNIT_FIELDS = new Set([
  'reference_id',
  'amount',
  'payee',
  'payment_instruction',
  'description',
  'custom_id',
  'invoice_id',
  'soft_descriptor',
  'items',
  'shipping',
  'supplementary_data',
]);

/** The sandbox buyer the simulator "is": PayPal returns its payer like this on every capture. */
const SIM_PAYER = {
  name: { given_name: 'Sim', surname: 'Buyer' },
  email_address: 'sim-buyer@personal.example.com',
  address: { country_code: 'DE' },
};
const SIM_SHIPPING = {
  name: { full_name: 'Sim Buyer' },
  address: {
    address_line_1: 'Musterstraße 1',
    admin_area_2: 'Willich',
    postal_code: '47877',
    country_code: 'DE',
  },
};

function paypalError(status: number, name: string, message: string, issue?: string): SimResponse {
  return {
    status,
    json: {
      name,
      message,
      debug_id: randomBytes(7).toString('hex'),
      ...(issue ? { details: [{ issue, description: message }] } : {}),
    },
    headers: { 'paypal-debug-id': randomBytes(7).toString('hex') },
  };
}

const parseBody = (raw: Buffer, contentType: string | undefined): unknown =>
  contentType?.includes('application/x-www-form-urlencoded')
    ? Object.fromEntries(new URLSearchParams(raw.toString('utf8')))
    : (JSON.parse(raw.toString('utf8')) as unknown);

export class PaypalSimulator {
  readonly server: SimServer;
  private readonly orders = new Map<string, PaypalOrder>();
  private readonly captures = new Map<string, PaypalOrder>();
  private readonly tokens = new Set<string>();
  private readonly idempotent = new Map<string, { fingerprint: string; response: SimResponse }>();
  private readonly basic: Buffer;
  private certificate?: CertificateChain;
  webhookUrl: PaypalSimulatorOptions['webhookUrl'];

  constructor(private readonly options: PaypalSimulatorOptions) {
    this.basic = Buffer.from(
      `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`,
    );
    this.webhookUrl = options.webhookUrl;
    this.server = new SimServer(parseBody, options.maxRecorded)
      .route('POST', '/v1/oauth2/token', (r) => this.token(r))
      .route('POST', '/v2/checkout/orders', (r) =>
        this.authorised(r, () => this.idempotently(r, () => this.createOrder(r))),
      )
      .route('GET', '/v2/checkout/orders/:id', (r) => this.authorised(r, () => this.getOrder(r)))
      .route('POST', '/v2/checkout/orders/:id/capture', (r) =>
        this.authorised(r, () => this.idempotently(r, () => this.captureOrder(r))),
      )
      .route('POST', '/v2/payments/captures/:id/refund', (r) =>
        this.authorised(r, () => this.idempotently(r, () => this.refundCapture(r))),
      )
      .route('POST', '/v1/notifications/verify-webhook-signature', (r) =>
        this.authorised(r, () => this.verifySignature(r)),
      )
      .route('GET', '/v1/notifications/certs/:name', () => ({
        status: 200,
        text: this.signingCertificate().chainPem,
        headers: { 'content-type': 'application/x-pem-file' },
      }))
      // The buyer's side (www.paypal.com): the approval link approves.
      .route('GET', '/checkoutnow', (r) => this.buyerApproves(r))
      // Simulator hook: approve without a browser; `?notify=false` skips the CHECKOUT.ORDER.APPROVED webhook.
      .route('POST', '/_sim/orders/:id/approve', async (r) => {
        const result = await this.approve(r.params.id, { notify: r.query.get('notify') !== 'false' });
        return result
          ? { status: 200, json: result }
          : paypalError(404, 'RESOURCE_NOT_FOUND', 'The specified resource does not exist.');
      });
  }

  async start(port = 0, host = '127.0.0.1'): Promise<{ baseUrl: string; webUrl: string }> {
    const baseUrl = await this.server.listen(port, host);
    return { baseUrl, webUrl: baseUrl };
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  get requests() {
    return this.server.requests;
  }

  get baseUrl(): string {
    return this.server.baseUrl;
  }

  /** Where this simulator serves the certificate its webhooks are signed with. */
  get certUrl(): string {
    return `${this.baseUrl}/v1/notifications/certs/CERT-simulator.pem`;
  }

  order(id: string): Readonly<PaypalOrder> | undefined {
    return this.orders.get(id);
  }

  /** The buyer approves at PayPal; PayPal tells the shop (unless `notify` is false). */
  async approve(
    id: string,
    options: { notify?: boolean } = {},
  ): Promise<{ order: object; delivery?: PaypalWebhookDelivery } | undefined> {
    const order = this.orders.get(id);
    if (!order) return undefined;
    if (order.status === 'CREATED') order.status = 'APPROVED';
    const representation = this.representation(order);
    const delivery =
      options.notify === false
        ? undefined
        : await this.deliver(
            'CHECKOUT.ORDER.APPROVED',
            'checkout-order',
            representation,
            `An order ${id} has been approved by buyer`,
          );
    return { order: representation, delivery };
  }

  /** Builds a PayPal event around `resource`, signs it and posts it to the webhook URL. */
  async deliver(
    type: string,
    resourceType: string,
    resource: object,
    summary: string,
  ): Promise<PaypalWebhookDelivery> {
    const event = {
      id: `WH-${paypalId(17)}-${paypalId(17)}`,
      event_version: '1.0',
      create_time: new Date().toISOString(),
      resource_type: resourceType,
      resource_version: '2.0',
      event_type: type,
      summary,
      resource,
      links: [],
    };
    return this.post(event.id, type, JSON.stringify(event));
  }

  /** The signature headers for a body, as PayPal sends them. */
  signatureHeaders(body: string, webhookId = this.options.webhookId): Record<string, string> {
    const transmissionId = randomUUID();
    const transmissionTime = new Date().toISOString();
    const message = transmissionMessage(transmissionId, transmissionTime, webhookId, Buffer.from(body));
    return {
      'paypal-transmission-id': transmissionId,
      'paypal-transmission-time': transmissionTime,
      'paypal-transmission-sig': sign(
        'sha256',
        Buffer.from(message),
        this.signingCertificate().privateKey,
      ).toString('base64'),
      'paypal-cert-url': this.certUrl,
      'paypal-auth-algo': PAYPAL_AUTH_ALGO,
    };
  }

  /** Posts a body exactly as given with the headers given (signed by default): replays and tampering in tests. */
  async post(
    eventId: string,
    type: string,
    body: string,
    headers = this.signatureHeaders(body),
  ): Promise<PaypalWebhookDelivery> {
    const url = typeof this.webhookUrl === 'function' ? this.webhookUrl() : this.webhookUrl;
    let delivery: PaypalWebhookDelivery;
    if (!url) {
      delivery = { eventId, type, status: 0, body: 'no webhook URL configured' };
    } else {
      try {
        const response = await postWebhook(
          url,
          { 'content-type': 'application/json', 'user-agent': 'PayPal/AUHD-214.0-58844287', ...headers },
          body,
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

  /** Made on first use: an RSA key takes a moment, and most app boots never send a PayPal webhook. */
  private signingCertificate(): CertificateChain {
    this.certificate ??= createCertificateChain(new URL(this.baseUrl).hostname.replace(/^\[|\]$/g, ''), {
      organisation: 'PayPal simulator',
    });
    return this.certificate;
  }

  /**
   * The root CA of the simulator's signing chain: what the shop trusts instead of PayPal's DigiCert
   * roots when it talks to this simulator (PAYPAL_WEBHOOK_ROOTS_FILE, or directly in-process).
   */
  get rootCertificatePem(): string {
    return this.signingCertificate().rootPem;
  }

  private token(request: SimRequest): SimResponse {
    const given = Buffer.from(String(request.headers.authorization ?? ''));
    if (given.length !== this.basic.length || !timingSafeEqual(given, this.basic))
      return {
        status: 401,
        json: { error: 'invalid_client', error_description: 'Client Authentication failed' },
      };
    const grant = (request.body as Record<string, unknown> | undefined)?.grant_type;
    if (grant !== 'client_credentials')
      return {
        status: 400,
        json: { error: 'unsupported_grant_type', error_description: 'Grant Type is NULL' },
      };
    const token = `A21AA${randomBytes(32).toString('base64url')}`;
    this.tokens.add(token);
    return {
      status: 200,
      json: {
        scope:
          'https://uri.paypal.com/services/payments/payment https://uri.paypal.com/services/payments/refund',
        access_token: token,
        token_type: 'Bearer',
        app_id: `APP-${paypalId(17)}`,
        expires_in: 32400,
        nonce: `${new Date().toISOString()}${randomBytes(8).toString('hex')}`,
      },
    };
  }

  private authorised(
    request: SimRequest,
    next: () => SimResponse | Promise<SimResponse>,
  ): SimResponse | Promise<SimResponse> {
    const match = /^Bearer (\S+)$/.exec(String(request.headers.authorization ?? ''));
    if (!match || !this.tokens.has(match[1]))
      return {
        status: 401,
        json: { error: 'invalid_token', error_description: 'Token signature verification failed' },
      };
    return next();
  }

  /** `PayPal-Request-Id`: the same id and body answer the first response again. */
  private async idempotently(
    request: SimRequest,
    next: () => SimResponse | Promise<SimResponse>,
  ): Promise<SimResponse> {
    const key = request.headers['paypal-request-id'];
    if (typeof key !== 'string' || key === '') return next();
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.path}\n`)
      .update(request.rawBody)
      .digest('hex');
    const scoped = `${request.path}|${key}`;
    const earlier = this.idempotent.get(scoped);
    if (earlier) {
      if (earlier.fingerprint !== fingerprint)
        return paypalError(
          422,
          'UNPROCESSABLE_ENTITY',
          'The PayPal-Request-Id was used with another request.',
          'DUPLICATE_REQUEST_ID',
        );
      return earlier.response;
    }
    const response = await next();
    // PayPal keeps the answer of a request that succeeded; a refused one (not approved yet) may be sent again.
    if (response.status < 300) this.idempotent.set(scoped, { fingerprint, response });
    return response;
  }

  private createOrder(request: SimRequest): SimResponse {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(body).find((k) => !ORDER_FIELDS.has(k));
    if (unknown) return paypalError(400, 'INVALID_REQUEST', `Unknown field ${unknown}.`, 'UNKNOWN_FIELD');
    if (body.intent !== 'CAPTURE' && body.intent !== 'AUTHORIZE')
      return paypalError(400, 'INVALID_REQUEST', 'intent is required.', 'MISSING_REQUIRED_PARAMETER');
    const units = body.purchase_units as Record<string, unknown>[] | undefined;
    const unit = units?.[0];
    if (!unit || units.length !== 1)
      return paypalError(
        400,
        'INVALID_REQUEST',
        'One purchase unit is required.',
        'MISSING_REQUIRED_PARAMETER',
      );
    const unknownUnitField = Object.keys(unit).find((k) => !UNIT_FIELDS.has(k));
    if (unknownUnitField)
      return paypalError(
        400,
        'INVALID_REQUEST',
        `Unknown field purchase_units[0].${unknownUnitField}.`,
        'UNKNOWN_FIELD',
      );
    const amount = unit.amount as Money | undefined;
    if (!amount || !/^[A-Z]{3}$/.test(amount.currency_code) || !/^\d{1,10}(\.\d{1,3})?$/.test(amount.value))
      return paypalError(422, 'UNPROCESSABLE_ENTITY', 'The amount is invalid.', 'INVALID_PARAMETER_VALUE');
    const context = (body.application_context ?? {}) as Record<string, unknown>;
    const experience = ((body.payment_source as Record<string, Record<string, unknown>> | undefined)?.paypal
      ?.experience_context ?? {}) as Record<string, unknown>;
    const order: PaypalOrder = {
      id: paypalId(17),
      intent: body.intent,
      status: 'CREATED',
      request: body,
      amount: { currency_code: amount.currency_code, value: amount.value },
      referenceId: typeof unit.reference_id === 'string' ? unit.reference_id : undefined,
      customId: typeof unit.custom_id === 'string' ? unit.custom_id : undefined,
      invoiceId: typeof unit.invoice_id === 'string' ? unit.invoice_id : undefined,
      shippingPreference:
        [experience.shipping_preference, context.shipping_preference].find(
          (v): v is string => typeof v === 'string',
        ) ?? 'GET_FROM_FILE',
      returnUrl: (experience.return_url ?? context.return_url) as string | undefined,
      cancelUrl: (experience.cancel_url ?? context.cancel_url) as string | undefined,
      create_time: new Date().toISOString(),
    };
    this.orders.set(order.id, order);
    return { status: 201, json: this.answer(order, request) };
  }

  private getOrder(request: SimRequest): SimResponse {
    const order = this.orders.get(request.params.id);
    if (!order)
      return paypalError(
        404,
        'RESOURCE_NOT_FOUND',
        'The specified resource does not exist.',
        'INVALID_RESOURCE_ID',
      );
    return { status: 200, json: this.representation(order) };
  }

  private captureOrder(request: SimRequest): SimResponse {
    const order = this.orders.get(request.params.id);
    if (!order)
      return paypalError(
        404,
        'RESOURCE_NOT_FOUND',
        'The specified resource does not exist.',
        'INVALID_RESOURCE_ID',
      );
    if (order.status === 'COMPLETED')
      return paypalError(
        422,
        'UNPROCESSABLE_ENTITY',
        'The order has already been captured.',
        'ORDER_ALREADY_CAPTURED',
      );
    if (order.status !== 'APPROVED')
      return paypalError(
        422,
        'UNPROCESSABLE_ENTITY',
        'The buyer has not approved the order.',
        'ORDER_NOT_APPROVED',
      );
    const at = new Date().toISOString();
    order.capture = {
      id: paypalId(17),
      status: 'COMPLETED',
      amount: order.amount,
      final_capture: true,
      seller_protection: {
        status: 'ELIGIBLE',
        dispute_categories: ['ITEM_NOT_RECEIVED', 'UNAUTHORIZED_TRANSACTION'],
      },
      ...(order.customId ? { custom_id: order.customId } : {}),
      ...(order.invoiceId ? { invoice_id: order.invoiceId } : {}),
      create_time: at,
      update_time: at,
      supplementary_data: { related_ids: { order_id: order.id } },
      refunded: 0,
    };
    order.status = 'COMPLETED';
    this.captures.set(order.capture.id, order);
    const answer = { status: 201, json: this.representation(order) };
    // PayPal notifies the capture separately (and not before it answered the capture call).
    const { refunded: _refunded, ...capture } = order.capture;
    setImmediate(() => {
      void this.deliver(
        'PAYMENT.CAPTURE.COMPLETED',
        'capture',
        capture,
        `Payment completed for ${order.amount.value} ${order.amount.currency_code}`,
      );
    });
    return answer;
  }

  private refundCapture(request: SimRequest): SimResponse {
    const order = this.captures.get(request.params.id);
    const capture = order?.capture;
    if (!order || !capture)
      return paypalError(
        404,
        'RESOURCE_NOT_FOUND',
        'The specified resource does not exist.',
        'INVALID_RESOURCE_ID',
      );
    const body = (request.body ?? {}) as { amount?: Money };
    const currency = capture.amount.currency_code;
    if (body.amount && body.amount.currency_code !== currency)
      return paypalError(
        422,
        'UNPROCESSABLE_ENTITY',
        'The currency does not match the capture.',
        'REFUND_CURRENCY_MISMATCH',
      );
    const capturedCents = decimalToMinor(capture.amount.value, currency);
    let cents: number;
    try {
      cents = body.amount ? decimalToMinor(body.amount.value, currency) : capturedCents - capture.refunded;
    } catch {
      return paypalError(422, 'UNPROCESSABLE_ENTITY', 'The amount is invalid.', 'INVALID_PARAMETER_VALUE');
    }
    if (cents < 1 || cents > capturedCents - capture.refunded)
      return paypalError(
        422,
        'UNPROCESSABLE_ENTITY',
        'The refund amount exceeds the captured amount.',
        'REFUND_AMOUNT_EXCEEDED',
      );
    capture.refunded += cents;
    return {
      status: 201,
      json: {
        id: paypalId(17),
        status: 'COMPLETED',
        amount: { currency_code: currency, value: minorToDecimal(cents, currency) },
        links: [],
      },
    };
  }

  private verifySignature(request: SimRequest): SimResponse {
    const body = (request.body ?? {}) as Record<string, unknown>;
    let ok: boolean;
    try {
      const message = transmissionMessage(
        String(body.transmission_id),
        String(body.transmission_time),
        String(body.webhook_id),
        Buffer.from(JSON.stringify(body.webhook_event)),
      );
      const certificate = new X509Certificate(this.signingCertificate().chainPem);
      ok =
        body.auth_algo === PAYPAL_AUTH_ALGO &&
        body.webhook_id === this.options.webhookId &&
        verify(
          'sha256',
          Buffer.from(message),
          certificate.publicKey,
          Buffer.from(String(body.transmission_sig), 'base64'),
        );
    } catch {
      ok = false;
    }
    return { status: 200, json: { verification_status: ok ? 'SUCCESS' : 'FAILURE' } };
  }

  private async buyerApproves(request: SimRequest): Promise<SimResponse> {
    const id = request.query.get('token') ?? '';
    const order = this.orders.get(id);
    if (!order)
      return { status: 404, html: '<!doctype html><title>PayPal simulator</title><p>No such order.</p>' };
    await this.approve(id);
    if (order.returnUrl) {
      const back = new URL(order.returnUrl);
      back.searchParams.set('token', id);
      back.searchParams.set('PayerID', 'SIMBUYER');
      return { status: 302, headers: { location: back.toString() } };
    }
    return {
      status: 200,
      html:
        '<!doctype html><title>PayPal simulator</title>' +
        `<h1>PayPal simulator</h1><p>Order ${id} is approved (${order.amount.value} ${order.amount.currency_code}).</p>` +
        '<p>PayPal told the shop (CHECKOUT.ORDER.APPROVED), which captures the payment; the storefront may also ' +
        'capture it with POST /api/v1/shop/orders/&lt;order id&gt;/payments/capture. You may close this page.</p>',
    };
  }

  /** `Prefer: return=representation` answers the whole order; the default (minimal) id, status and links. */
  private answer(order: PaypalOrder, request: SimRequest): object {
    const prefer = String(request.headers.prefer ?? '');
    if (prefer.includes('return=representation')) return this.representation(order);
    return { id: order.id, status: order.status, links: this.links(order) };
  }

  private representation(order: PaypalOrder): object {
    const unit: Record<string, unknown> = {
      reference_id: order.referenceId ?? 'default',
      amount: order.amount,
      ...(order.customId ? { custom_id: order.customId } : {}),
      ...(order.invoiceId ? { invoice_id: order.invoiceId } : {}),
      payee: { merchant_id: 'SIMMERCHANT01', email_address: 'merchant@shop.example' },
    };
    if (order.status !== 'CREATED' && order.shippingPreference !== 'NO_SHIPPING')
      unit.shipping = SIM_SHIPPING;
    if (order.capture) {
      const { refunded: _refunded, ...capture } = order.capture;
      unit.payments = { captures: [capture] };
    }
    return {
      id: order.id,
      intent: order.intent,
      status: order.status,
      purchase_units: [unit],
      ...(order.status === 'CREATED' ? {} : { payer: { ...SIM_PAYER, payer_id: 'SIMBUYER' } }),
      create_time: order.create_time,
      links: this.links(order),
    };
  }

  private links(order: PaypalOrder): { href: string; rel: string; method: string }[] {
    const api = `${this.baseUrl}/v2/checkout/orders/${order.id}`;
    return [
      { href: api, rel: 'self', method: 'GET' },
      ...(order.status === 'CREATED'
        ? [{ href: `${this.baseUrl}/checkoutnow?token=${order.id}`, rel: 'approve', method: 'GET' }]
        : []),
      { href: api, rel: 'update', method: 'PATCH' },
      ...(order.status === 'APPROVED' ? [{ href: `${api}/capture`, rel: 'capture', method: 'POST' }] : []),
    ];
  }
}
