import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  CREDIT_APPROVAL,
  type CreditApproval,
  type OrderForCreditApproval,
} from '../../src/modules/credit-check/credit-approval.port.js';
import { SIMULATOR_AGENCY_NAME } from '../../src/modules/credit-check/credit-agency.provider.js';
import { upsertDemoCatalogue } from '../../src/modules/orders/demo-catalogue.js';
import { OrderSecrets } from '../../src/modules/orders/order-secrets.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { startFakeCreditAgency, type FakeCreditAgency } from '../fakes/credit-agency/index.js';

interface PlacedGuestOrder {
  order: OrderForCreditApproval;
  /** The order's X-Order-Token, as the orders module issued it at placement. */
  token: string;
}

/** Places a real guest order (paid by invoice) and builds what payments hands to CREDIT_APPROVAL. */
async function placeGuestOrder(t: TestApp, lastName: string): Promise<PlacedGuestOrder> {
  const email = `guest-${randomUUID()}@example.org`;
  const address = {
    firstName: 'Max',
    lastName,
    street: 'Siemensring',
    houseNumber: '98',
    postalCode: '47877',
    city: 'Willich',
    country: 'DE',
  };
  const res = await t.inject({
    method: 'POST',
    url: '/api/v1/shop/orders',
    headers: { 'idempotency-key': randomUUID() },
    payload: {
      email,
      items: [{ sku: 'DV-LENS-UV', quantity: 1 }],
      deliveryAddress: address,
      paymentMethod: 'invoice',
    },
  });
  expect(res.statusCode).toBe(201);
  const placed = res.json<{
    id: string;
    accessToken: string;
    totalCents: number;
    currency: string;
    billingAddress: OrderForCreditApproval['billing'];
  }>();
  const { firstName, lastName: last, street, houseNumber, postalCode, city, country } = placed.billingAddress;
  return {
    token: placed.accessToken,
    order: {
      id: placed.id,
      subjectId: await t.app.get(OrderSecrets).guestSubject(email),
      totalCents: placed.totalCents,
      currency: placed.currency,
      paymentMethod: 'invoice',
      billing: { firstName, lastName: last, street, houseNumber, postalCode, city, country },
    },
  };
}

describe('guests with the order token of their order', () => {
  let agency: FakeCreditAgency;
  let t: TestApp;
  let approval: CreditApproval;

  beforeAll(async () => {
    agency = await startFakeCreditAgency();
    t = await startTestApp({ env: agency.env });
    await upsertDemoCatalogue(t.app.get(DataSource).manager, { resetStock: true });
    approval = t.app.get<CreditApproval>(CREDIT_APPROVAL);
  });
  afterAll(async () => {
    await t?.close();
    await agency?.stop();
  });

  it('lets a guest contest a declined check with the order token, and refuses a wrong token', async () => {
    const { order, token } = await placeGuestOrder(t, 'Rotmann');
    const declined = await approval.requireApproval(order);
    expect(declined.status).toBe('declined');
    const url = `/api/v1/shop/credit-checks/${declined.checkId}/review-requests`;

    const wrong = await t.inject({
      method: 'POST',
      url,
      headers: { 'x-order-token': randomBytes(24).toString('base64url') },
      payload: {},
    });
    expect(wrong.statusCode).toBe(401);

    const asked = await t.inject({ method: 'POST', url, headers: { 'x-order-token': token }, payload: {} });
    expect(asked.statusCode).toBe(201);
    expect(asked.json()).toMatchObject({ status: 'review-requested' });
  });

  it("does not let one guest order's token open another order's check", async () => {
    const mine = await placeGuestOrder(t, 'Rotkehl');
    const theirs = await placeGuestOrder(t, 'Rotfuchs');
    const declined = await approval.requireApproval(theirs.order);
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/shop/credit-checks/${declined.checkId}`,
      headers: { 'x-order-token': mine.token },
    });
    expect(res.statusCode).toBe(401);
    const own = await t.inject({
      method: 'GET',
      url: `/api/v1/shop/credit-checks/${declined.checkId}`,
      headers: { 'x-order-token': theirs.token },
    });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ id: declined.checkId, result: 'red', reviewAvailable: true });
  });

  it('answers 429 after repeated wrong tokens for one order', async () => {
    const { order } = await placeGuestOrder(t, 'Rotbart');
    const declined = await approval.requireApproval(order);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      const res = await t.inject({
        method: 'GET',
        url: `/api/v1/shop/credit-checks/${declined.checkId}`,
        headers: { 'x-order-token': `wrong-token-attempt-${i}-xxxxxxxx` },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('lets a guest object with the order token before any check: nothing reaches the agency', async () => {
    const { order, token } = await placeGuestOrder(t, 'Mustermann');
    const missingOrder = await t.inject({
      method: 'POST',
      url: '/api/v1/shop/credit-checks/objection',
      headers: { 'x-order-token': token },
      payload: {},
    });
    expect(missingOrder.statusCode).toBe(400);
    expect(missingOrder.json()).toMatchObject({ errors: [{ field: 'orderId' }] });

    const objected = await t.inject({
      method: 'POST',
      url: '/api/v1/shop/credit-checks/objection',
      headers: { 'x-order-token': token },
      payload: { orderId: order.id },
    });
    expect(objected.statusCode).toBe(200);
    agency.clear();
    await expect(approval.requireApproval(order)).resolves.toMatchObject({
      status: 'objected',
      offerMethods: ['card', 'paypal'],
    });
    expect(agency.requests).toHaveLength(0);
  });
});

describe('the agency in use', () => {
  it('is the in-process simulator, logged as such, when CREDIT_AGENCY_URL is unset outside production', async () => {
    const t = await startTestApp();
    try {
      const order: OrderForCreditApproval = {
        id: randomUUID(),
        subjectId: `customer:${randomUUID()}`,
        totalCents: 24_900,
        currency: 'EUR',
        paymentMethod: 'sepa_debit',
        billing: {
          firstName: 'Erika',
          lastName: 'Mustermann',
          street: 'Siemensring',
          houseNumber: '98',
          postalCode: '47877',
          city: 'Willich',
          country: 'DE',
        },
      };
      const answer = await t.app.get<CreditApproval>(CREDIT_APPROVAL).requireApproval(order);
      expect(answer).toMatchObject({ status: 'approved' });
      const { rows } = await t.db.query('select agency, result from credit_check where id = $1', [
        answer.checkId,
      ]);
      expect(rows).toEqual([{ agency: SIMULATOR_AGENCY_NAME, result: 'green' }]);
      const logged = await t.db.query(
        'select recipient_id, outcome from privacy.disclosure_log where subject_id = $1',
        [order.subjectId],
      );
      expect(logged.rows).toEqual([{ recipient_id: 'credit-agency', outcome: 'sent' }]);
    } finally {
      await t.close();
    }
  });
});
