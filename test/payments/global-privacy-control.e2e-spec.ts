import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFakeCreditAgency, type FakeCreditAgency } from '../fakes/credit-agency/index.js';
import { placeGuestOrder, startPaymentsWorld, type PaymentsWorld } from './payments-fixtures.js';

const MANDATE = { iban: 'DE89 3704 0044 0532 0130 00', accountHolder: 'Erika Mustermann', accepted: true };

describe('Sec-GPC: 1 on a SEPA order (Art. 21(5)): no credit check, card and PayPal offered', () => {
  let w: PaymentsWorld;
  let agency: FakeCreditAgency;

  beforeAll(async () => {
    agency = await startFakeCreditAgency();
    w = await startPaymentsWorld({ ...agency.env, CREDIT_CHECK_MIN_AMOUNT_CENTS: '5000' });
  });
  afterAll(async () => {
    await w?.close();
    await agency?.stop();
  });

  const pay = (order: Awaited<ReturnType<typeof placeGuestOrder>>, headers: Record<string, string> = {}) =>
    w.t.inject({
      method: 'POST',
      url: `/api/v1/shop/orders/${order.id}/payments`,
      headers: { ...order.headers, ...headers },
      payload: { sepaMandate: MANDATE },
    });

  it('sends nothing to the credit agency and declines politely, offering card and PayPal', async () => {
    const order = await placeGuestOrder(w.t, 'sepa_debit');
    agency.clear();
    const res = await pay(order, { 'sec-gpc': '1' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      type: 'urn:storefront:problem:payment-method-declined',
      offerMethods: ['card', 'paypal'],
    });
    expect(agency.bodies()).toHaveLength(0);
    const { rows } = await w.t.db.query('select 1 from privacy.disclosure_log where recipient_id = $1', [
      'credit-agency',
    ]);
    expect(rows).toHaveLength(0);
  });

  it('checks as before without the signal (the same order may then be paid by SEPA)', async () => {
    const order = await placeGuestOrder(w.t, 'sepa_debit');
    agency.clear();
    const res = await pay(order);
    expect(res.statusCode).toBe(201);
    expect(agency.bodies()).toHaveLength(1);
  });
});
