import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { PAYMENT_METHOD_REGISTRY } from '../../src/modules/payments/payment-methods.js';
import {
  eventually,
  fieldsBeyond,
  orderStatus,
  placeGuestOrder,
  startPayment,
  startPaymentsWorld,
  type PaymentsWorld,
  type PlacedOrder,
} from './payments-fixtures.js';

describe('PayPal payments (the real checkout SDK against the PayPal fake)', () => {
  let w: PaymentsWorld;

  beforeAll(async () => {
    w = await startPaymentsWorld({ LOG_LEVEL: 'error' });
  });
  afterAll(async () => {
    await w?.close();
  });

  const capture = (order: PlacedOrder) =>
    w.t.inject({
      method: 'POST',
      url: `/api/v1/shop/orders/${order.id}/payments/capture`,
      headers: order.headers,
    });

  const paypalOrderId = (approvalUrl: string): string => new URL(approvalUrl).searchParams.get('token') ?? '';

  it('creates a PayPal order, the buyer approves, the shop captures, and the order is paid', async () => {
    const order = await placeGuestOrder(w.t, 'paypal');
    const started = await startPayment(w.t, order, { key: randomUUID() });
    expect(started.statusCode).toBe(201);
    const payment = started.json<{ approvalUrl: string; status: string }>();
    expect(payment.status).toBe('pending');
    expect(payment.approvalUrl).toMatch(
      new RegExp(`^${w.paypal.simulator.baseUrl}/checkoutnow\\?token=[A-Z0-9]{17}$`),
    );

    const early = await capture(order);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({
      type: 'urn:storefront:problem:payment-not-approved',
      approvalUrl: payment.approvalUrl,
    });

    await w.paypal.simulator.approve(paypalOrderId(payment.approvalUrl), { notify: false });
    const captured = await capture(order);
    expect(captured.statusCode).toBe(200);
    expect(captured.json()).toMatchObject({
      status: 'succeeded',
      amountCents: order.totalCents,
      currency: 'EUR',
    });
    expect(await orderStatus(w.t, order)).toBe('paid');

    // PayPal's own PAYMENT.CAPTURE.COMPLETED follows; it finds the payment applied and changes nothing.
    const { rows } = await eventually(async () => {
      const result = await w.t.db.query<{ outcome: string }>(
        `select e.outcome from payment_event e join payment p on p.id = e.payment_id
          where p.order_id = $1 and e.type = 'PAYMENT.CAPTURE.COMPLETED'`,
        [order.id],
      );
      return result.rows.length > 0 && result;
    });
    // The capture answer and PayPal's webhook race: whichever comes second finds the payment applied.
    // Either way the order became paid exactly once.
    expect(rows).toHaveLength(1);
    expect(['applied', 'already-applied']).toContain(rows[0].outcome);
    const paidMoves = await w.t.db.query(
      `select 1 from order_status_change where order_id = $1 and to_status = 'paid'`,
      [order.id],
    );
    expect(paidMoves.rowCount).toBe(1);
    const again = await capture(order);
    expect(again.json()).toMatchObject({ status: 'succeeded' });
  });

  it('captures by itself when PayPal reports the approval (the buyer never came back to the shop)', async () => {
    const order = await placeGuestOrder(w.t, 'paypal');
    const payment = (await startPayment(w.t, order)).json<{ approvalUrl: string }>();
    const approved = await w.paypal.simulator.approve(paypalOrderId(payment.approvalUrl));
    expect(approved?.delivery).toMatchObject({ status: 200 });
    // PayPal's PAYMENT.CAPTURE.COMPLETED for that capture may overtake it: whichever comes first applies it.
    expect(JSON.parse(approved?.delivery?.body ?? '{}')).toMatchObject({
      outcome: expect.stringMatching(/^(already-)?applied$/),
    });
    expect(await orderStatus(w.t, order)).toBe('paid');
    const { rows } = await w.t.db.query(
      `select 1 from order_status_change where order_id = $1 and to_status = 'paid'`,
      [order.id],
    );
    expect(rows).toHaveLength(1);
  });

  it('opening the approval link approves at the PayPal fake (what the buyer does in the browser)', async () => {
    const order = await placeGuestOrder(w.t, 'paypal');
    const payment = (await startPayment(w.t, order)).json<{ approvalUrl: string }>();
    const page = await fetch(payment.approvalUrl);
    expect(page.status).toBe(200);
    expect(await orderStatus(w.t, order)).toBe('paid');
  });

  it('asks PayPal for no shipping address and keeps nothing PayPal returns about the payer', async () => {
    const order = await placeGuestOrder(w.t, 'paypal');
    const payment = (await startPayment(w.t, order)).json<{ approvalUrl: string }>();
    await w.paypal.simulator.approve(paypalOrderId(payment.approvalUrl), { notify: false });
    await capture(order);

    const create = w.paypal.requests
      .filter((r) => r.method === 'POST' && r.path === '/v2/checkout/orders')
      .at(-1);
    expect(create?.body).toEqual({
      intent: 'CAPTURE',
      purchase_units: [
        {
          custom_id: order.id,
          invoice_id: order.number,
          amount: { currency_code: 'EUR', value: (order.totalCents / 100).toFixed(2) },
        },
      ],
      application_context: { shipping_preference: 'NO_SHIPPING', user_action: 'PAY_NOW' },
    });
    expect(create?.rawBody).not.toContain(order.email);
    expect(fieldsBeyond(w.paypal.requests, PAYMENT_METHOD_REGISTRY.paypal.wire)).toEqual([]);

    // The fake answered the capture with the payer's name and email, like PayPal: none of it is stored.
    const stored = await w.t.db.query(
      `select (select count(*) from payment where row_to_json(payment)::text ~* 'sim-buyer|Sim Buyer|SIMBUYER') +
              (select count(*) from payment_event where row_to_json(payment_event)::text ~* 'sim-buyer|SIMBUYER') as n`,
    );
    expect(Number(stored.rows[0].n)).toBe(0);
  });

  describe('webhook security', () => {
    /** A PAYMENT.CAPTURE.COMPLETED for `paypalOrder` as PayPal would send it. */
    const captureCompleted = (paypalOrder: string, value: string, currency = 'EUR') =>
      JSON.stringify({
        id: `WH-${randomUUID()}`,
        event_version: '1.0',
        create_time: new Date().toISOString(),
        resource_type: 'capture',
        event_type: 'PAYMENT.CAPTURE.COMPLETED',
        summary: 'Payment completed',
        resource: {
          id: `CAP${Date.now()}`,
          status: 'COMPLETED',
          amount: { currency_code: currency, value },
          supplementary_data: { related_ids: { order_id: paypalOrder } },
        },
      });
    const post = (body: string, headers: Record<string, string>) =>
      w.t.inject({
        method: 'POST',
        url: '/api/v1/webhooks/paypal',
        headers: { 'content-type': 'application/json', ...headers },
        payload: body,
      });

    it('answers a bad signature with 400 and changes nothing', async () => {
      const order = await placeGuestOrder(w.t, 'paypal');
      const payment = (await startPayment(w.t, order)).json<{ id: string; approvalUrl: string }>();
      const body = captureCompleted(paypalOrderId(payment.approvalUrl), (order.totalCents / 100).toFixed(2));
      const sim = w.paypal.simulator;
      const certHost = new URL(sim.certUrl);
      const attempts: Record<string, string>[] = [
        // signed over another body
        sim.signatureHeaders(body.replace('COMPLETED"', 'COMPLETED" ')),
        // signed for another webhook subscription
        sim.signatureHeaders(body, 'ANOTHER-WEBHOOK'),
        // the certificate named on a host the shop does not trust
        {
          ...sim.signatureHeaders(body),
          'paypal-cert-url': sim.certUrl.replace(certHost.hostname, 'localhost'),
        },
        // another algorithm
        { ...sim.signatureHeaders(body), 'paypal-auth-algo': 'SHA1withRSA' },
        // no signature at all
        { 'paypal-transmission-id': randomUUID() },
      ];
      for (const headers of attempts) {
        const response = await post(body, headers);
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ type: 'urn:storefront:problem:webhook-signature-invalid' });
      }
      expect(await orderStatus(w.t, order)).toBe('awaiting_payment');
      expect(
        (await w.t.db.query('select 1 from payment_event where payment_id = $1', [payment.id])).rows,
      ).toHaveLength(0);
    });

    it('applies a replayed event once', async () => {
      const order = await placeGuestOrder(w.t, 'paypal');
      const payment = (await startPayment(w.t, order)).json<{ approvalUrl: string }>();
      const body = captureCompleted(paypalOrderId(payment.approvalUrl), (order.totalCents / 100).toFixed(2));
      const headers = w.paypal.simulator.signatureHeaders(body);
      expect((await post(body, headers)).json()).toMatchObject({ outcome: 'applied' });
      expect((await post(body, headers)).json()).toMatchObject({ outcome: 'duplicate' });
      expect((await post(body, w.paypal.simulator.signatureHeaders(body))).json()).toMatchObject({
        outcome: 'duplicate',
      });
      expect(await orderStatus(w.t, order)).toBe('paid');
      const { rows } = await w.t.db.query(
        `select 1 from order_status_change where order_id = $1 and to_status = 'paid'`,
        [order.id],
      );
      expect(rows).toHaveLength(1);
    });

    it('flags a capture whose amount does not match the order', async () => {
      const order = await placeGuestOrder(w.t, 'paypal');
      const payment = (await startPayment(w.t, order)).json<{ approvalUrl: string }>();
      const body = captureCompleted(paypalOrderId(payment.approvalUrl), '1.00');
      const response = await post(body, w.paypal.simulator.signatureHeaders(body));
      expect(response.json()).toMatchObject({ outcome: 'flagged:amount-mismatch' });
      expect(await orderStatus(w.t, order)).toBe('awaiting_payment');
      const { rows } = await w.t.db.query<{ reason: string }>(
        'select reason from payment_flag where order_id = $1',
        [order.id],
      );
      expect(rows).toEqual([{ reason: 'amount-mismatch' }]);
    });
  });
});

describe('PayPal webhooks verified by PayPal (PAYPAL_WEBHOOK_VERIFICATION=api)', () => {
  let w: PaymentsWorld;

  beforeAll(async () => {
    w = await startPaymentsWorld({ PAYPAL_WEBHOOK_VERIFICATION: 'api' });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('asks PayPal’s verify endpoint, applies what it verifies and refuses what it does not', async () => {
    const order = await placeGuestOrder(w.t, 'paypal');
    const payment = (await startPayment(w.t, order)).json<{ approvalUrl: string }>();
    const paypalOrder = new URL(payment.approvalUrl).searchParams.get('token') ?? '';
    const approved = await w.paypal.simulator.approve(paypalOrder);
    expect(JSON.parse(approved?.delivery?.body ?? '{}')).toMatchObject({
      outcome: expect.stringMatching(/^(already-)?applied$/),
    });
    expect(await orderStatus(w.t, order)).toBe('paid');
    expect(
      w.paypal.requests.filter((r) => r.path === '/v1/notifications/verify-webhook-signature').length,
    ).toBeGreaterThan(0);
    expect(w.paypal.requests.filter((r) => r.path.startsWith('/v1/notifications/certs/'))).toHaveLength(0);
    expect(fieldsBeyond(w.paypal.requests, PAYMENT_METHOD_REGISTRY.paypal.wire)).toEqual([]);

    const body = JSON.stringify({
      id: `WH-${randomUUID()}`,
      event_type: 'CHECKOUT.ORDER.APPROVED',
      resource: { id: paypalOrder },
    });
    const forged = await w.t.inject({
      method: 'POST',
      url: '/api/v1/webhooks/paypal',
      headers: {
        'content-type': 'application/json',
        ...w.paypal.simulator.signatureHeaders(body, 'ANOTHER-WEBHOOK'),
      },
      payload: body,
    });
    expect(forged.statusCode).toBe(400);
  });
});
