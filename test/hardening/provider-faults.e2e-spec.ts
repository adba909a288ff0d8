import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { CREDIT_AGENCY } from '../../src/modules/credit-check/credit-agency.port.js';
import type { ResilientCreditAgency } from '../../src/modules/credit-check/credit-agency.provider.js';
import { PaymentProviders } from '../../src/modules/payments/payment-providers.js';
import type { ResilientPaymentProvider } from '../../src/modules/payments/resilient-provider.js';
import { startFakeCreditAgency, type FakeCreditAgency } from '../fakes/credit-agency/index.js';
import {
  orderStatus,
  placeGuestOrder,
  startPayment,
  startPaymentsWorld,
  type PaymentsWorld,
  type PlacedOrder,
} from '../payments/payments-fixtures.js';

/**
 * Stripe, PayPal and the credit agency answering slowly or with 5xx (the fakes play the fault): every
 * call is bounded in time, answers a clear 502/503 problem, retries only with the same idempotency key,
 * the breaker opens and recovers, and nothing is created or charged twice.
 */
const TIMEOUT_MS = 400;
const RETRIES = 2;
const BREAKER_FAILURES = 3;
const HALF_OPEN_SECONDS = 1;

describe('provider faults: timeouts, bounded retries, circuit breaker', () => {
  let w: PaymentsWorld;
  let agency: FakeCreditAgency;

  beforeAll(async () => {
    agency = await startFakeCreditAgency();
    w = await startPaymentsWorld({
      ...agency.env,
      CREDIT_CHECK_MIN_AMOUNT_CENTS: '5000',
      PAYMENT_PROVIDER_TIMEOUT_MS: String(TIMEOUT_MS),
      PAYMENT_PROVIDER_RETRIES: String(RETRIES),
      PAYMENT_PROVIDER_BREAKER_FAILURES: String(BREAKER_FAILURES),
      PAYMENT_PROVIDER_BREAKER_HALF_OPEN_SECONDS: String(HALF_OPEN_SECONDS),
      CREDIT_AGENCY_TIMEOUT_MS: '600',
    });
  });
  afterAll(async () => {
    await w?.close();
    await agency?.stop();
  });

  const stripeCreates = (): number =>
    w.stripe.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents').length;
  const intentsOf = (order: PlacedOrder) =>
    w.stripe.simulator.paymentIntents().filter((i) => i.metadata.order_id === order.id);
  const breaker = (id: 'stripe' | 'paypal') =>
    (w.t.app.get(PaymentProviders).get(id) as ResilientPaymentProvider).resilience;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const figures: string[] = [];
  afterAll(() => {
    if (figures.length > 0) process.stdout.write(`provider faults: ${figures.join('; ')}\n`);
  });
  const timed = async <T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> => {
    const started = Date.now();
    const value = await work();
    return { value, ms: Date.now() - started };
  };

  it('Stripe answering slowly once: the attempt times out, the retry with the same key gets the one PaymentIntent', async () => {
    const order = await placeGuestOrder(w.t, 'card');
    const before = stripeCreates();
    w.stripe.simulator.server.injectFault({
      method: 'POST',
      path: /^\/v1\/payment_intents$/,
      delayMs: 1500,
      times: 1,
    });
    const { value: response, ms } = await timed(() => startPayment(w.t, order, { key: randomUUID() }));
    expect(response.statusCode).toBe(201);
    expect(ms).toBeLessThan(1500);
    figures.push(`Stripe slow once: 201 after ${ms} ms (timeout ${TIMEOUT_MS} ms, 1 retry)`);
    // The slow first request lands later: Stripe's idempotency replays the retry's answer, nothing new.
    await sleep(1600);
    const sent = w.stripe.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents');
    expect(sent.length - before).toBe(2);
    expect(new Set(sent.slice(before).map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(intentsOf(order)).toHaveLength(1);
    expect(breaker('stripe').state).toBe('closed');
  });

  it('Stripe answering 5xx: bounded retries, a 502 problem, the breaker opens (503 + Retry-After, Stripe not called) and recovers; one PaymentIntent, paid once', async () => {
    const order = await placeGuestOrder(w.t, 'card');
    const key = randomUUID();
    w.stripe.simulator.server.injectFault({ method: 'POST', path: /^\/v1\/payment_intents$/, status: 500 });
    const before = stripeCreates();
    const { value: failed, ms } = await timed(() => startPayment(w.t, order, { key }));
    expect(failed.statusCode).toBe(502);
    expect(failed.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(failed.json()).toMatchObject({
      type: 'urn:storefront:problem:payment-provider-unavailable',
      status: 502,
    });
    expect(stripeCreates() - before).toBe(1 + RETRIES);
    expect(ms).toBeLessThan(3000);
    expect(breaker('stripe').state).toBe('open');
    figures.push(`Stripe 5xx: 502 after ${1 + RETRIES} attempts in ${ms} ms`);

    const another = await placeGuestOrder(w.t, 'card');
    const calls = stripeCreates();
    const { value: fast, ms: fastMs } = await timed(() => startPayment(w.t, another, { key: randomUUID() }));
    expect(fast.statusCode).toBe(503);
    expect(fast.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(fast.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(fast.json()).toMatchObject({
      type: 'urn:storefront:problem:payment-provider-unavailable',
      status: 503,
    });
    expect(stripeCreates()).toBe(calls);
    expect(fastMs).toBeLessThan(1000);
    figures.push(`breaker open: 503 in ${fastMs} ms, Stripe not called`);

    // Stripe recovers; after the open period one trial call closes the breaker. The client retries with its key.
    w.stripe.simulator.server.clearFaults();
    await sleep(HALF_OPEN_SECONDS * 1000 + 100);
    const retried = await startPayment(w.t, order, { key });
    // 200: the payment this key started is answered again (created at Stripe now, with the same Stripe key).
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ status: 'pending' });
    expect(breaker('stripe').state).toBe('closed');
    const intents = intentsOf(order);
    expect(intents).toHaveLength(1);
    await w.stripe.simulator.confirm(intents[0].id);
    expect(await orderStatus(w.t, order)).toBe('paid');
    const again = await startPayment(w.t, order, { key });
    expect(again.statusCode).toBeLessThan(500);
    expect(intentsOf(order)).toHaveLength(1);
    const paid = await w.t.db.query(
      `select 1 from order_status_change where order_id = $1 and to_status = 'paid'`,
      [order.id],
    );
    expect(paid.rowCount).toBe(1);
  }, 30_000);

  it('Stripe hanging on every attempt: answered 502 within the bounded time, and the late answers create one PaymentIntent', async () => {
    await sleep(HALF_OPEN_SECONDS * 1000 + 100);
    const order = await placeGuestOrder(w.t, 'card');
    w.stripe.simulator.server.injectFault({ method: 'POST', path: /^\/v1\/payment_intents$/, delayMs: 2000 });
    const { value: failed, ms } = await timed(() => startPayment(w.t, order, { key: randomUUID() }));
    expect(failed.statusCode).toBe(502);
    expect(failed.json()).toMatchObject({ type: 'urn:storefront:problem:payment-provider-unavailable' });
    // (1 + RETRIES) attempts of TIMEOUT_MS and the backoff between them.
    expect(ms).toBeLessThan((1 + RETRIES) * TIMEOUT_MS + 1500);
    figures.push(`Stripe hanging: 502 in ${ms} ms`);
    w.stripe.simulator.server.clearFaults();
    await sleep(2200);
    expect(intentsOf(order)).toHaveLength(1);
  }, 30_000);

  it('PayPal answering 503 to the capture: retried with the same PayPal-Request-Id, captured once, paid once', async () => {
    await sleep(HALF_OPEN_SECONDS * 1000 + 100);
    const order = await placeGuestOrder(w.t, 'paypal');
    const started = await startPayment(w.t, order, { key: randomUUID() });
    expect(started.statusCode).toBe(201);
    const paypalOrder =
      new URL(started.json<{ approvalUrl: string }>().approvalUrl).searchParams.get('token') ?? '';
    await w.paypal.simulator.approve(paypalOrder, { notify: false });
    const capturePath = /^\/v2\/checkout\/orders\/[^/]+\/capture$/;
    w.paypal.simulator.server.injectFault({ method: 'POST', path: capturePath, status: 503, times: RETRIES });
    const captured = await w.t.inject({
      method: 'POST',
      url: `/api/v1/shop/orders/${order.id}/payments/capture`,
      headers: order.headers,
    });
    expect(captured.statusCode).toBe(200);
    expect(captured.json()).toMatchObject({ status: 'succeeded' });
    const captures = w.paypal.requests.filter((r) => r.method === 'POST' && capturePath.test(r.path));
    expect(captures).toHaveLength(1 + RETRIES);
    expect(new Set(captures.map((r) => r.headers['paypal-request-id'])).size).toBe(1);
    expect(await orderStatus(w.t, order)).toBe('paid');
    const paid = await w.t.db.query(
      `select 1 from order_status_change where order_id = $1 and to_status = 'paid'`,
      [order.id],
    );
    expect(paid.rowCount).toBe(1);
  }, 30_000);

  it('the credit agency answering 503: checks are not retried, the breaker opens (declined at once, card and PayPal offered) and recovers', async () => {
    const agencyBreaker = w.t.app.get<symbol, ResilientCreditAgency>(CREDIT_AGENCY).resilience;
    const checks = (): number => agency.bodies().length;
    const sepa = {
      sepaMandate: { iban: 'DE89 3704 0044 0532 0130 00', accountHolder: 'Erika Mustermann', accepted: true },
    };
    for (let i = 0; i < BREAKER_FAILURES; i++) {
      const order = await placeGuestOrder(w.t, 'sepa_debit', 1, { lastName: 'Fehlermann' });
      const before = checks();
      const declined = await startPayment(w.t, order, { key: randomUUID(), body: sepa });
      expect(declined.statusCode).toBe(422);
      expect(declined.json()).toMatchObject({ offerMethods: ['card', 'paypal'] });
      expect(checks() - before).toBe(1);
    }
    expect(agencyBreaker.state).toBe('open');
    const order = await placeGuestOrder(w.t, 'sepa_debit');
    const before = checks();
    const { value: declined, ms } = await timed(() =>
      startPayment(w.t, order, { key: randomUUID(), body: sepa }),
    );
    expect(declined.statusCode).toBe(422);
    expect(declined.json()).toMatchObject({
      type: 'urn:storefront:problem:payment-method-declined',
      offerMethods: ['card', 'paypal'],
    });
    expect(checks()).toBe(before);
    expect(ms).toBeLessThan(1000);
    figures.push(`agency breaker open: declined in ${ms} ms, agency not asked`);

    await sleep(HALF_OPEN_SECONDS * 1000 + 100);
    const later = await placeGuestOrder(w.t, 'sepa_debit');
    const accepted = await startPayment(w.t, later, { key: randomUUID(), body: sepa });
    expect(accepted.statusCode).toBe(201);
    expect(agencyBreaker.state).toBe('closed');
  }, 30_000);
});
