import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { SubjectControls } from '@app/privacy';
import { customerSubject } from '../../src/common/subjects.js';
import { PAYMENT_METHOD_REGISTRY } from '../../src/modules/payments/payment-methods.js';
import {
  fieldsBeyond,
  orderStatus,
  placeCustomerOrder,
  placeGuestOrder,
  staffHeaders,
  startPayment,
  startPaymentsWorld,
  type PaymentsWorld,
  type PlacedOrder,
} from './payments-fixtures.js';

interface StartedCard {
  id: string;
  status: string;
  clientSecret: string;
}

describe('card payments through Stripe (the real SDK against the Stripe fake)', () => {
  let w: PaymentsWorld;

  beforeAll(async () => {
    w = await startPaymentsWorld();
  });
  afterAll(async () => {
    await w?.close();
  });

  const intentOf = (payment: StartedCard): string => payment.clientSecret.split('_secret_')[0];
  const creates = (): number =>
    w.stripe.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents').length;
  const historyOf = async (order: PlacedOrder): Promise<string[]> =>
    (
      await w.t.db.query<{ to_status: string }>(
        'select to_status from order_status_change where order_id = $1 order by id',
        [order.id],
      )
    ).rows.map((r) => r.to_status);
  const startedCard = async (order: PlacedOrder): Promise<StartedCard> => {
    const response = await startPayment(w.t, order, { key: randomUUID() });
    expect(response.statusCode).toBe(201);
    return response.json<StartedCard>();
  };

  describe('the happy path', () => {
    it('creates a PaymentIntent and marks the order paid when the signed webhook arrives', async () => {
      const order = await placeGuestOrder(w.t, 'card');
      const payment = await startedCard(order);
      expect(payment).toMatchObject({
        status: 'pending',
        amountCents: order.totalCents,
        currency: 'EUR',
        method: 'card',
      });
      expect(payment.clientSecret).toMatch(/^pi_[A-Za-z0-9]+_secret_/);
      expect(await orderStatus(w.t, order)).toBe('awaiting_payment');

      const confirmed = await w.stripe.simulator.confirm(intentOf(payment));
      expect(confirmed?.delivery?.status).toBe(200);
      expect(JSON.parse(confirmed?.delivery?.body ?? '{}')).toMatchObject({
        received: true,
        outcome: 'applied',
      });
      expect(await orderStatus(w.t, order)).toBe('paid');
      const invoices = await w.t.db.query('select number from invoice where order_id = $1', [order.id]);
      expect(invoices.rows).toHaveLength(1);

      const listed = await w.t.inject({
        method: 'GET',
        url: `/api/v1/shop/orders/${order.id}/payments`,
        headers: order.headers,
      });
      expect(listed.json()).toEqual([expect.objectContaining({ id: payment.id, status: 'succeeded' })]);
      expect(listed.json<object[]>()[0]).not.toHaveProperty('clientSecret');
    });

    it('lets a signed-in customer pay their own order, and nobody else', async () => {
      const order = await placeCustomerOrder(w.t, 'card');
      const payment = await startedCard(order);
      await w.stripe.simulator.confirm(intentOf(payment));
      expect(await orderStatus(w.t, order)).toBe('paid');

      const other = await placeCustomerOrder(w.t, 'card');
      const foreign = await startPayment(w.t, { ...order, id: other.id });
      expect(foreign.statusCode).toBe(404);
      const anonymous = await w.t.inject({ method: 'POST', url: `/api/v1/shop/orders/${order.id}/payments` });
      expect(anonymous.statusCode).toBe(401);
      const guestWithWrongToken = await startPayment(w.t, {
        ...other,
        headers: { 'x-order-token': 'o1.forged' },
      });
      expect(guestWithWrongToken.statusCode).toBe(404);
    });

    it('sends Stripe nothing beyond the registry’s allow-list: amount, currency, order number and id', async () => {
      const order = await placeGuestOrder(w.t, 'card');
      await startPayment(w.t, order);
      const create = w.stripe.requests
        .filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents')
        .at(-1);
      expect(create?.body).toEqual({
        amount: String(order.totalCents),
        currency: 'eur',
        allowed_payment_method_types: ['card'],
        metadata: { order_id: order.id, order_number: order.number },
      });
      expect(create?.rawBody).not.toContain(encodeURIComponent(order.email));
      expect(create?.rawBody).not.toMatch(/Mustermann|Siemensring|Willich/);
      expect(fieldsBeyond(w.stripe.requests, PAYMENT_METHOD_REGISTRY.card.wire)).toEqual([]);
    });

    it('logs the disclosure to Stripe with the fields sent, never their values', async () => {
      const order = await placeGuestOrder(w.t, 'card');
      await startPayment(w.t, order);
      const { rows } = await w.t.db.query<{ fields: string[]; outcome: string }>(
        `select fields, outcome from privacy.disclosure_log where recipient_id = 'stripe' and activity_id = 'payment'
          order by id desc limit 1`,
      );
      expect(rows[0]).toEqual({
        fields: ['amountCents', 'currency', 'orderId', 'orderNumber'],
        outcome: 'sent',
      });
    });

    it('refuses to take an IBAN or a date of birth for a card order (no data the method does not need)', async () => {
      const order = await placeGuestOrder(w.t, 'card');
      const withIban = await startPayment(w.t, order, {
        body: {
          sepaMandate: { iban: 'DE89370400440532013000', accountHolder: 'Erika Mustermann', accepted: true },
        },
      });
      expect(withIban.statusCode).toBe(400);
      expect(withIban.json()).toMatchObject({ errors: [{ field: 'sepaMandate' }] });
      const withBirthday = await startPayment(w.t, order, { body: { dateOfBirth: '1980-01-01' } });
      expect(withBirthday.statusCode).toBe(400);
      const unknownField = await startPayment(w.t, order, { body: { cardNumber: '4242424242424242' } });
      expect(unknownField.statusCode).toBe(400);
      expect(unknownField.json()).toMatchObject({
        errors: [{ field: 'cardNumber', reason: 'is not an allowed property' }],
      });
    });

    it('takes no payment for a person who restricted processing (Art. 18)', async () => {
      const order = await placeCustomerOrder(w.t, 'card');
      await w.t.app
        .get(SubjectControls)
        .restrict(customerSubject(order.customerId), 'contested accuracy', 'test');
      const before = creates();
      const refused = await startPayment(w.t, order);
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ type: 'urn:storefront:problem:processing-refused' });
      expect(creates()).toBe(before);
    });
  });

  describe('idempotency: a retry creates nothing twice', () => {
    it('answers the same payment for the same Idempotency-Key, with one PaymentIntent at Stripe', async () => {
      const order = await placeGuestOrder(w.t, 'card');
      const key = randomUUID();
      const before = creates();
      const first = await startPayment(w.t, order, { key });
      const second = await startPayment(w.t, order, { key });
      expect(first.statusCode).toBe(201);
      expect(second.statusCode).toBe(200);
      expect(second.json<StartedCard>().id).toBe(first.json<StartedCard>().id);
      expect(second.json<StartedCard>().clientSecret).toBe(first.json<StartedCard>().clientSecret);
      expect(creates()).toBe(before + 1);
    });

    it('answers the open payment to a second start with another key, instead of charging twice', async () => {
      const order = await placeGuestOrder(w.t, 'card');
      const first = await startPayment(w.t, order, { key: randomUUID() });
      const second = await startPayment(w.t, order, { key: randomUUID() });
      expect(second.statusCode).toBe(200);
      expect(second.json<StartedCard>().id).toBe(first.json<StartedCard>().id);
    });

    it('creates one payment and one PaymentIntent when eight requests race for the same order', async () => {
      const order = await placeGuestOrder(w.t, 'card');
      const before = creates();
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => startPayment(w.t, order, { key: randomUUID() })),
      );
      expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(answers.map((a) => a.json<StartedCard>().clientSecret)).size).toBe(1);
      expect(creates()).toBe(before + 1);
      const { rows } = await w.t.db.query('select id from payment where order_id = $1', [order.id]);
      expect(rows).toHaveLength(1);
    });

    it('passes the key on to Stripe, so a retry after a lost answer reaches the same PaymentIntent', async () => {
      const order = await placeGuestOrder(w.t, 'card');
      const key = randomUUID();
      await startPayment(w.t, order, { key });
      const sent = w.stripe.requests
        .filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents')
        .at(-1);
      const providerKey = sent?.headers['idempotency-key'];
      expect(providerKey).toMatch(/^sf-create-[A-Za-z0-9_-]{43}$/);
      // The lost answer: the payment row is still `creating`, as if the shop crashed after Stripe created it.
      await w.t.db.query(
        `update payment set status = 'creating', provider_reference = null, updated_at = now() - interval '1 minute'
          where order_id = $1`,
        [order.id],
      );
      const retried = await startPayment(w.t, order, { key });
      expect(retried.statusCode).toBe(200);
      const again = w.stripe.requests
        .filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents')
        .at(-1);
      expect(again?.headers['idempotency-key']).toBe(providerKey);
      expect(again?.headers['idempotent-replayed']).toBeUndefined();
      expect(w.stripe.simulator.paymentIntent(intentOf(retried.json<StartedCard>()))).toBeDefined();
      const { rows } = await w.t.db.query<{ n: string }>(
        `select count(distinct provider_reference) as n from payment where order_id = $1`,
        [order.id],
      );
      expect(rows[0].n).toBe('1');
    });
  });

  describe('webhook security', () => {
    const post = (payload: string, signature?: string) =>
      w.t.inject({
        method: 'POST',
        url: '/api/v1/webhooks/stripe',
        headers: {
          'content-type': 'application/json',
          ...(signature === undefined ? {} : { 'stripe-signature': signature }),
        },
        payload,
      });

    const succeededEvent = (intentId: string, amount: number, currency = 'eur') =>
      JSON.stringify({
        id: `evt_test_${randomUUID().replace(/-/g, '')}`,
        object: 'event',
        type: 'payment_intent.succeeded',
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        data: {
          object: {
            id: intentId,
            object: 'payment_intent',
            amount,
            amount_received: amount,
            currency,
            status: 'succeeded',
            latest_charge: 'ch_test',
          },
        },
      });

    it('answers a bad signature with 400 and changes nothing', async () => {
      const order = await placeGuestOrder(w.t, 'card');
      const payment = await startedCard(order);
      const payload = succeededEvent(intentOf(payment), order.totalCents);
      const signedForOther = w.stripe.simulator.signatureHeader(
        payload.replace('"livemode":false', '"livemode":true'),
      );
      for (const response of [
        await post(payload, signedForOther),
        await post(payload, 't=1,v1=00'),
        await post(payload),
        await post(payload, `t=${Math.floor(Date.now() / 1000) - 3600},v1=${'0'.repeat(64)}`),
      ]) {
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ type: 'urn:storefront:problem:webhook-signature-invalid' });
      }
      // Signed correctly but an hour old: outside Stripe's tolerance.
      const stale = await post(
        payload,
        w.stripe.simulator.signatureHeader(payload, Math.floor(Date.now() / 1000) - 3600),
      );
      expect(stale.statusCode).toBe(400);

      expect(await orderStatus(w.t, order)).toBe('awaiting_payment');
      const events = await w.t.db.query('select 1 from payment_event where payment_id = $1', [payment.id]);
      expect(events.rows).toHaveLength(0);
    });

    it('applies a replayed event once: the order is paid once, with one invoice', async () => {
      const order = await placeGuestOrder(w.t, 'card');
      const payment = await startedCard(order);
      const payload = succeededEvent(intentOf(payment), order.totalCents);
      const signature = w.stripe.simulator.signatureHeader(payload);
      const first = await post(payload, signature);
      const replays = await Promise.all([
        post(payload, signature),
        post(payload, signature),
        post(payload, signature),
      ]);
      expect(first.json()).toMatchObject({ outcome: 'applied' });
      for (const replay of replays) {
        expect(replay.statusCode).toBe(200);
        expect(replay.json()).toMatchObject({ outcome: 'duplicate' });
      }
      expect(await historyOf(order)).toEqual(['placed', 'awaiting_payment', 'paid']);
      expect((await w.t.db.query('select 1 from invoice where order_id = $1', [order.id])).rows).toHaveLength(
        1,
      );
    });

    it('applies a second, different event for the same payment once (paid exactly once)', async () => {
      const order = await placeGuestOrder(w.t, 'card');
      const payment = await startedCard(order);
      await w.stripe.simulator.confirm(intentOf(payment));
      const another = await w.stripe.simulator.confirm(intentOf(payment));
      expect(JSON.parse(another?.delivery?.body ?? '{}')).toMatchObject({ outcome: 'already-applied' });
      expect(await historyOf(order)).toEqual(['placed', 'awaiting_payment', 'paid']);
    });
  });

  describe('amounts that do not match the order', () => {
    it('flags an amount mismatch for staff and leaves the order unpaid', async () => {
      const order = await placeGuestOrder(w.t, 'card');
      const payment = await startedCard(order);
      const confirmed = await w.stripe.simulator.confirm(intentOf(payment), {
        amountReceived: order.totalCents - 1,
      });
      expect(confirmed?.delivery?.status).toBe(200);
      expect(JSON.parse(confirmed?.delivery?.body ?? '{}')).toMatchObject({
        outcome: 'flagged:amount-mismatch',
      });
      expect(await orderStatus(w.t, order)).toBe('awaiting_payment');

      const support = await staffHeaders(w.t, 'support');
      const flags = await w.t.inject({
        method: 'GET',
        url: `/api/v1/admin/payments/flags?orderId=${order.id}`,
        headers: support,
      });
      expect(flags.statusCode).toBe(200);
      const [flag] = flags.json<{ id: string; reason: string; details: Record<string, unknown> }[]>();
      expect(flag).toMatchObject({
        orderId: order.id,
        paymentId: payment.id,
        provider: 'stripe',
        reason: 'amount-mismatch',
        resolution: null,
        details: {
          source: 'webhook',
          eventType: 'payment_intent.succeeded',
          expectedCents: order.totalCents,
          receivedCents: order.totalCents - 1,
          expectedCurrency: 'EUR',
          receivedCurrency: 'EUR',
        },
      });
      expect(JSON.stringify(flag)).not.toMatch(/@|Mustermann|Willich/);

      const resolved = await w.t.inject({
        method: 'POST',
        url: `/api/v1/admin/payments/flags/${flag.id}/resolution`,
        headers: support,
        payload: { resolution: 'refunded' },
      });
      expect(resolved.statusCode).toBe(200);
      expect(resolved.json()).toMatchObject({
        resolution: 'refunded',
        resolvedBy: expect.stringMatching(/^staff:/),
      });
      const twice = await w.t.inject({
        method: 'POST',
        url: `/api/v1/admin/payments/flags/${flag.id}/resolution`,
        headers: support,
        payload: { resolution: 'refunded' },
      });
      expect(twice.statusCode).toBe(409);
      const open = await w.t.inject({
        method: 'GET',
        url: `/api/v1/admin/payments/flags?orderId=${order.id}`,
        headers: support,
      });
      expect(open.json()).toEqual([]);
    });

    it('flags a currency mismatch', async () => {
      const order = await placeGuestOrder(w.t, 'card');
      const payment = await startedCard(order);
      const intent = {
        ...w.stripe.simulator.paymentIntent(intentOf(payment)),
        status: 'succeeded',
        currency: 'usd',
        amount_received: order.totalCents,
      };
      const delivery = await w.stripe.simulator.deliver('payment_intent.succeeded', intent);
      expect(JSON.parse(delivery.body)).toMatchObject({ outcome: 'flagged:currency-mismatch' });
      expect(await orderStatus(w.t, order)).toBe('awaiting_payment');
    });

    it('flags money for a PaymentIntent the shop does not know', async () => {
      const delivery = await w.stripe.simulator.deliver('payment_intent.succeeded', {
        id: 'pi_unknown_to_the_shop',
        object: 'payment_intent',
        amount: 100,
        amount_received: 100,
        currency: 'eur',
        status: 'succeeded',
      });
      expect(JSON.parse(delivery.body)).toMatchObject({ outcome: 'flagged:unknown-payment' });
    });

    it('shows the flags to support and admin only', async () => {
      for (const role of ['fulfilment', 'privacy-officer'] as const) {
        const response = await w.t.inject({
          method: 'GET',
          url: '/api/v1/admin/payments/flags',
          headers: await staffHeaders(w.t, role),
        });
        expect(response.statusCode).toBe(403);
      }
      const anonymous = await w.t.inject({ method: 'GET', url: '/api/v1/admin/payments/flags' });
      expect(anonymous.statusCode).toBe(401);
    });
  });

  describe('declines and refunds', () => {
    it('keeps the payment open after a declined card, so the customer can try another', async () => {
      const order = await placeGuestOrder(w.t, 'card');
      const payment = await startedCard(order);
      const failed = await w.stripe.simulator.fail(intentOf(payment));
      expect(JSON.parse(failed?.delivery?.body ?? '{}')).toMatchObject({ outcome: 'recorded' });
      const again = await startPayment(w.t, order);
      expect(again.statusCode).toBe(200);
      expect(again.json<StartedCard>().clientSecret).toBe(payment.clientSecret);
      await w.stripe.simulator.confirm(intentOf(payment));
      expect(await orderStatus(w.t, order)).toBe('paid');
    });

    it('refunds through Stripe once per Idempotency-Key, never more than was paid', async () => {
      const order = await placeGuestOrder(w.t, 'card');
      const payment = await startedCard(order);
      await w.stripe.simulator.confirm(intentOf(payment));
      const support = await staffHeaders(w.t, 'support');
      const refund = (amountCents: number | undefined, key: string) =>
        w.t.inject({
          method: 'POST',
          url: `/api/v1/admin/payments/${payment.id}/refunds`,
          headers: { ...support, 'idempotency-key': key },
          payload: amountCents === undefined ? {} : { amountCents },
        });
      const key = randomUUID();
      const first = await refund(1000, key);
      const again = await refund(1000, key);
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ status: 'succeeded', amountCents: 1000, currency: 'EUR' });
      expect(again.json<{ id: string }>().id).toBe(first.json<{ id: string }>().id);
      expect(w.stripe.requests.filter((r) => r.path === '/v1/refunds')).toHaveLength(1);
      const tooMuch = await refund(order.totalCents, randomUUID());
      expect(tooMuch.statusCode).toBe(422);
      expect(tooMuch.json()).toMatchObject({ refundableCents: order.totalCents - 1000 });
      const rest = await refund(undefined, randomUUID());
      expect(rest.json()).toMatchObject({ amountCents: order.totalCents - 1000 });
      expect(fieldsBeyond(w.stripe.requests, PAYMENT_METHOD_REGISTRY.card.wire)).toEqual([]);
      const noKey = await w.t.inject({
        method: 'POST',
        url: `/api/v1/admin/payments/${payment.id}/refunds`,
        headers: support,
        payload: {},
      });
      expect(noKey.statusCode).toBe(400);
    });
  });
});
