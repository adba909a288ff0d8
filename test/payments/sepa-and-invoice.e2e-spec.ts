import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  orderStatus,
  placeGuestOrder,
  staffHeaders,
  startPayment,
  startPaymentsWorld,
  type PaymentsWorld,
  type PlacedOrder,
} from './payments-fixtures.js';

const IBAN = 'DE89370400440532013000';
const MANDATE = { iban: 'DE89 3704 0044 0532 0130 00', accountHolder: 'Erika Mustermann', accepted: true };

interface Started {
  id: string;
  status: string;
  mandate?: { reference: string; creditorId: string; ibanMasked: string; signedAt: string };
  transferReference?: string;
}

describe('SEPA direct debit and invoice: the shop’s own methods, after a passed credit check', () => {
  let w: PaymentsWorld;

  beforeAll(async () => {
    // The credit check runs against the credit-check module's in-process agency simulator (green unless
    // the last name starts with "Rot"); the orders of these tests (100.00 EUR) are above its threshold.
    w = await startPaymentsWorld({ CREDIT_CHECK_MIN_AMOUNT_CENTS: '5000' });
  });
  afterAll(async () => {
    await w?.close();
  });

  const settle = async (paymentId: string, amountCents: number, role: 'admin' | 'support' = 'admin') =>
    w.t.inject({
      method: 'POST',
      url: `/api/v1/admin/payments/${paymentId}/settlement`,
      headers: await staffHeaders(w.t, role),
      payload: { amountCents, currency: 'EUR' },
    });
  const providerCalls = (): number => w.stripe.requests.length + w.paypal.requests.length;

  describe('SEPA direct debit', () => {
    it('stores the mandate with the IBAN encrypted and answers it masked; staff record the debit and the order is paid', async () => {
      const order = await placeGuestOrder(w.t, 'sepa_debit');
      const calls = providerCalls();
      const started = await startPayment(w.t, order, { key: randomUUID(), body: { sepaMandate: MANDATE } });
      expect(started.statusCode).toBe(201);
      const payment = started.json<Started>();
      expect(payment).toMatchObject({
        method: 'sepa_debit',
        provider: 'sepa',
        status: 'pending',
        amountCents: order.totalCents,
        mandate: { creditorId: 'DE98ZZZ09999999999', ibanMasked: 'DE89 **** **** **** **30 00' },
      });
      expect(payment.mandate?.reference).toMatch(new RegExp(`^${order.number}-[A-Z0-9]{8}$`));
      expect(started.body).not.toContain(IBAN);
      expect(providerCalls()).toBe(calls);
      expect(await orderStatus(w.t, order)).toBe('awaiting_payment');

      const { rows } = await w.t.db.query<Record<string, unknown>>(
        'select * from sepa_mandate where payment_id = $1',
        [payment.id],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        account_holder: 'Erika Mustermann',
        iban_masked: 'DE89 **** **** **** **30 00',
      });
      expect(JSON.stringify(rows[0])).not.toContain(IBAN);
      expect(String(rows[0].iban_encrypted)).toMatch(/^v1\./);

      expect((await settle(payment.id, order.totalCents, 'support')).statusCode).toBe(403);
      const wrong = await settle(payment.id, order.totalCents - 100);
      expect(wrong.statusCode).toBe(422);
      expect(await orderStatus(w.t, order)).toBe('awaiting_payment');
      const settled = await settle(payment.id, order.totalCents);
      expect(settled.statusCode).toBe(200);
      expect(settled.json()).toMatchObject({ status: 'succeeded' });
      expect(await orderStatus(w.t, order)).toBe('paid');
      expect((await settle(payment.id, order.totalCents)).json()).toMatchObject({ status: 'succeeded' });
    });

    it('answers the same mandate to a retry with the same Idempotency-Key', async () => {
      const order = await placeGuestOrder(w.t, 'sepa_debit');
      const key = randomUUID();
      const first = await startPayment(w.t, order, { key, body: { sepaMandate: MANDATE } });
      const second = await startPayment(w.t, order, { key, body: { sepaMandate: MANDATE } });
      expect(second.statusCode).toBe(200);
      expect(second.json<Started>().mandate).toEqual(first.json<Started>().mandate);
      const { rows } = await w.t.db.query('select 1 from sepa_mandate where order_id = $1', [order.id]);
      expect(rows).toHaveLength(1);
    });

    it('refuses a missing, unaccepted, invalid or non-SEPA account, naming the field', async () => {
      const order = await placeGuestOrder(w.t, 'sepa_debit');
      const cases: [Record<string, unknown> | undefined, string][] = [
        [undefined, 'sepaMandate'],
        [{ sepaMandate: { ...MANDATE, accepted: false } }, 'sepaMandate.accepted'],
        [{ sepaMandate: { ...MANDATE, iban: 'DE88370400440532013000' } }, 'sepaMandate.iban'],
        [{ sepaMandate: { ...MANDATE, iban: 'BR1800360305000010009795493C1' } }, 'sepaMandate.iban'],
        [{ sepaMandate: { ...MANDATE, accountHolder: undefined } }, 'sepaMandate.accountHolder'],
      ];
      for (const [body, field] of cases) {
        const response = await startPayment(w.t, order, { body });
        expect(response.statusCode).toBe(400);
        expect(response.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toContain(field);
        expect(response.body).not.toContain('0532');
      }
      const { rows } = await w.t.db.query('select 1 from payment where order_id = $1', [order.id]);
      expect(rows).toHaveLength(0);
    });

    it('stores nothing and offers card or PayPal when the credit check declines', async () => {
      const order: PlacedOrder = await placeGuestOrder(w.t, 'sepa_debit', 1, { lastName: 'Rotmann' });
      const declined = await startPayment(w.t, order, {
        body: { sepaMandate: { ...MANDATE, accountHolder: 'Max Rotmann' } },
      });
      expect(declined.statusCode).toBe(422);
      expect(declined.json()).toMatchObject({
        type: 'urn:storefront:problem:payment-method-declined',
        offerMethods: ['card', 'paypal'],
        checkId: expect.any(String),
      });
      expect(declined.body).not.toMatch(/Rotmann|DE89/);
      expect((await w.t.db.query('select 1 from payment where order_id = $1', [order.id])).rows).toHaveLength(
        0,
      );
      expect(
        (await w.t.db.query('select 1 from sepa_mandate where order_id = $1', [order.id])).rows,
      ).toHaveLength(0);
      expect(await orderStatus(w.t, order)).toBe('placed');
    });
  });

  describe('invoice', () => {
    it('answers the transfer reference; staff record the transfer and the order is paid', async () => {
      const order = await placeGuestOrder(w.t, 'invoice');
      const calls = providerCalls();
      const started = await startPayment(w.t, order);
      expect(started.statusCode).toBe(201);
      const payment = started.json<Started>();
      expect(payment).toMatchObject({
        method: 'invoice',
        provider: 'invoice',
        status: 'pending',
        transferReference: order.number,
      });
      expect(providerCalls()).toBe(calls);
      expect((await settle(payment.id, order.totalCents)).statusCode).toBe(200);
      expect(await orderStatus(w.t, order)).toBe('paid');
    });

    it('offers card or PayPal when the credit check declines', async () => {
      const order = await placeGuestOrder(w.t, 'invoice', 1, { lastName: 'Rotmann' });
      const declined = await startPayment(w.t, order);
      expect(declined.statusCode).toBe(422);
      expect(declined.json()).toMatchObject({ offerMethods: ['card', 'paypal'] });
    });

    it('does not let staff settle a card payment by hand', async () => {
      const order = await placeGuestOrder(w.t, 'card');
      const payment = (await startPayment(w.t, order)).json<Started>();
      const response = await settle(payment.id, order.totalCents);
      expect(response.statusCode).toBe(409);
      expect(await orderStatus(w.t, order)).toBe('awaiting_payment');
    });
  });
});
