import paypal, { type PaypalHttpError, type PaypalRequest } from '@paypal/checkout-server-sdk';
import { decimalToMinor, minorToDecimal } from '../money.js';
import {
  WebhookSignatureInvalid,
  type CreatePaymentInput,
  type PaymentProvider,
  type ProviderPayment,
  type ProviderRefund,
  type RawWebhook,
  type RefundInput,
  type WebhookEvent,
} from '../payment-provider.port.js';
import { PaypalLocalVerifier, signatureHeaders } from './paypal-webhook-signature.js';

export interface PaypalSettings {
  clientId: string;
  clientSecret: string;
  /** REST API base, e.g. https://api-m.paypal.com (live) or the simulator's URL. */
  baseUrl: string;
  /** Buyer-facing site, e.g. https://www.paypal.com. */
  webUrl: string;
  /** The id of the shop's webhook subscription at PayPal: part of every signed message. */
  webhookId: string;
  /** `local`: check the signature here against the certificate; `api`: ask PayPal's verify endpoint. */
  verification: 'local' | 'api';
  /** Hosts PAYPAL-CERT-URL may name (local verification). */
  certHosts: readonly string[];
  /** PEM roots the webhook certificate must chain to; PayPal's (DigiCert) when absent. */
  trustedRoots?: readonly string[];
  /** Where PayPal sends the buyer after approving / cancelling (the storefront's pages), if any. */
  returnUrl?: string;
  cancelUrl?: string;
}

interface PaypalMoney {
  currency_code: string;
  value: string;
}

interface PaypalCapture {
  id: string;
  status: string;
  amount: PaypalMoney;
  supplementary_data?: { related_ids?: { order_id?: string } };
}

interface PaypalOrder {
  id: string;
  status: 'CREATED' | 'SAVED' | 'APPROVED' | 'VOIDED' | 'COMPLETED' | 'PAYER_ACTION_REQUIRED';
  links?: { href: string; rel: string; method?: string }[];
  purchase_units?: { amount?: PaypalMoney; payments?: { captures?: PaypalCapture[] } }[];
}

interface PaypalEvent {
  id: string;
  event_type: string;
  resource?: Record<string, unknown>;
}

/** PayPal's error body names the issue (`ORDER_NOT_APPROVED`, …); the SDK's error carries the body as its message. */
function issueOf(error: unknown): string | undefined {
  const message = (error as PaypalHttpError | undefined)?.message;
  if (typeof message !== 'string') return undefined;
  try {
    const body = JSON.parse(message) as { details?: { issue?: string }[] };
    return body.details?.[0]?.issue;
  } catch {
    return undefined;
  }
}

/** A PayPal order, as the shop reads it. Only ids, states and amounts are kept: the payer object is dropped here. */
function toPayment(order: PaypalOrder, fallbackCurrency = 'EUR'): ProviderPayment {
  const unit = order.purchase_units?.[0];
  const capture = unit?.payments?.captures?.[0];
  const currency = capture?.amount.currency_code ?? unit?.amount?.currency_code ?? fallbackCurrency;
  const approve = order.links?.find((l) => l.rel === 'approve' || l.rel === 'payer-action')?.href;
  if (capture) {
    const status =
      capture.status === 'COMPLETED' ? 'succeeded' : capture.status === 'DECLINED' ? 'failed' : 'approved';
    return {
      reference: order.id,
      status,
      currency,
      captureReference: capture.id,
      ...(status === 'succeeded' ? { receivedCents: decimalToMinor(capture.amount.value, currency) } : {}),
      action: {},
    };
  }
  switch (order.status) {
    case 'APPROVED':
      return { reference: order.id, status: 'approved', currency, action: {} };
    case 'VOIDED':
      return { reference: order.id, status: 'cancelled', currency, action: {} };
    default:
      return {
        reference: order.id,
        status: 'requires-action',
        currency,
        action: approve ? { approvalUrl: approve } : {},
      };
  }
}

/**
 * PayPal through `@paypal/checkout-server-sdk` (Orders v2). PayPal has deprecated that SDK for
 * `@paypal/paypal-server-sdk`, whose base URL cannot be configured (so no simulator or fake could stand
 * in for PayPal); this adapter stays thin so that swapping the client touches only this file (see the
 * module README). PayPal receives the amount, the currency, the order id (`custom_id`) and number
 * (`invoice_id`); `NO_SHIPPING` makes PayPal neither ask the buyer for a shipping address nor return one.
 */
export class PaypalProvider implements PaymentProvider {
  readonly id = 'paypal' as const;
  private readonly client: InstanceType<typeof paypal.core.PayPalHttpClient>;
  private readonly localVerifier: PaypalLocalVerifier;

  constructor(private readonly settings: PaypalSettings) {
    this.client = new paypal.core.PayPalHttpClient(
      new paypal.core.PayPalEnvironment(
        settings.clientId,
        settings.clientSecret,
        settings.baseUrl,
        settings.webUrl,
      ),
    );
    this.localVerifier = new PaypalLocalVerifier({
      webhookId: settings.webhookId,
      certHosts: settings.certHosts,
      ...(settings.trustedRoots ? { trustedRoots: settings.trustedRoots } : {}),
    });
  }

  async create(input: CreatePaymentInput): Promise<ProviderPayment> {
    const request = new paypal.orders.OrdersCreateRequest();
    // The SDK's create request has no helper for it, but PayPal honours the header on order creation too.
    request.headers['PayPal-Request-Id'] = input.idempotencyKey;
    request.prefer('return=minimal');
    request.requestBody({
      intent: 'CAPTURE',
      purchase_units: [
        {
          custom_id: input.orderId,
          invoice_id: input.orderNumber,
          amount: { currency_code: input.currency, value: minorToDecimal(input.amountCents, input.currency) },
        },
      ],
      application_context: {
        shipping_preference: 'NO_SHIPPING',
        user_action: 'PAY_NOW',
        ...(this.settings.returnUrl ? { return_url: this.settings.returnUrl } : {}),
        ...(this.settings.cancelUrl ? { cancel_url: this.settings.cancelUrl } : {}),
      },
    });
    const response = await this.client.execute<PaypalOrder>(request);
    return toPayment(response.result, input.currency);
  }

  async retrieve(reference: string): Promise<ProviderPayment> {
    const response = await this.client.execute<PaypalOrder>(new paypal.orders.OrdersGetRequest(reference));
    return toPayment(response.result);
  }

  async capture(reference: string, idempotencyKey: string): Promise<ProviderPayment> {
    const request = new paypal.orders.OrdersCaptureRequest(reference);
    request.payPalRequestId(idempotencyKey);
    request.prefer('return=representation');
    request.requestBody({});
    try {
      return toPayment((await this.client.execute<PaypalOrder>(request)).result);
    } catch (error) {
      // Not approved yet, or captured by an earlier call: the order's state says what to do next.
      const issue = issueOf(error);
      if (issue === 'ORDER_NOT_APPROVED' || issue === 'ORDER_ALREADY_CAPTURED')
        return this.retrieve(reference);
      throw error;
    }
  }

  async refund(input: RefundInput): Promise<ProviderRefund> {
    if (!input.captureReference) throw new Error('a PayPal refund needs the capture id');
    const request = new paypal.payments.CapturesRefundRequest(input.captureReference);
    request.payPalRequestId(input.idempotencyKey);
    request.requestBody({
      amount: { currency_code: input.currency, value: minorToDecimal(input.amountCents, input.currency) },
    });
    const { result } = await this.client.execute<{ id: string; status: string }>(request);
    return {
      reference: result.id,
      status:
        result.status === 'COMPLETED' ? 'succeeded' : result.status === 'PENDING' ? 'pending' : 'failed',
    };
  }

  async parseWebhook(webhook: RawWebhook): Promise<WebhookEvent> {
    const problem =
      this.settings.verification === 'api'
        ? await this.verifiedByPaypal(webhook)
        : await this.localVerifier.problem(webhook.headers, webhook.rawBody);
    if (problem) throw new WebhookSignatureInvalid('paypal', problem);
    let event: PaypalEvent;
    try {
      event = JSON.parse(webhook.rawBody.toString('utf8')) as PaypalEvent;
    } catch {
      throw new WebhookSignatureInvalid('paypal', 'the signed body is not JSON');
    }
    if (typeof event.id !== 'string' || typeof event.event_type !== 'string')
      throw new WebhookSignatureInvalid('paypal', 'the signed body is not a PayPal event');
    return normalise(event);
  }

  /** PayPal's own check (`POST /v1/notifications/verify-webhook-signature`); null when it says SUCCESS. */
  private async verifiedByPaypal(webhook: RawWebhook): Promise<string | null> {
    const headers = signatureHeaders(webhook.headers);
    if (typeof headers === 'string') return headers;
    let event: unknown;
    try {
      event = JSON.parse(webhook.rawBody.toString('utf8'));
    } catch {
      return 'the body is not JSON';
    }
    const request: PaypalRequest = {
      path: '/v1/notifications/verify-webhook-signature',
      verb: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: {
        auth_algo: headers.authAlgo,
        cert_url: headers.certUrl,
        transmission_id: headers.transmissionId,
        transmission_sig: headers.transmissionSig,
        transmission_time: headers.transmissionTime,
        webhook_id: this.settings.webhookId,
        webhook_event: event,
      },
    };
    const { result } = await this.client.execute<{ verification_status?: string }>(request);
    return result.verification_status === 'SUCCESS' ? null : 'PayPal did not verify the signature';
  }
}

function normalise(event: PaypalEvent): WebhookEvent {
  const base = { id: event.id, type: event.event_type };
  const resource = event.resource ?? {};
  switch (event.event_type) {
    case 'CHECKOUT.ORDER.APPROVED':
      return { ...base, kind: 'approved', reference: String(resource.id) };
    case 'PAYMENT.CAPTURE.COMPLETED':
    case 'PAYMENT.CAPTURE.DENIED':
    case 'PAYMENT.CAPTURE.DECLINED': {
      const capture = resource as unknown as PaypalCapture;
      const reference = capture.supplementary_data?.related_ids?.order_id;
      const currency = capture.amount?.currency_code;
      if (!reference || !currency) return { ...base, kind: 'ignored' };
      if (event.event_type !== 'PAYMENT.CAPTURE.COMPLETED')
        return { ...base, kind: 'failed', reference, captureReference: capture.id, currency };
      return {
        ...base,
        kind: 'succeeded',
        reference,
        captureReference: capture.id,
        currency,
        receivedCents: decimalToMinor(capture.amount.value, currency),
      };
    }
    case 'CHECKOUT.ORDER.VOIDED':
      return { ...base, kind: 'cancelled', reference: String(resource.id) };
    default:
      return { ...base, kind: 'ignored' };
  }
}
