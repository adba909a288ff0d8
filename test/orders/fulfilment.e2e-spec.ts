import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { OrderStateMachine } from '../../src/modules/orders/order-state-machine.js';
import { staffToken, startTestApp, type TestApp } from '../helpers/test-app.js';
import { orderBody, placeOrder, stockProducts } from './orders-fixtures.js';

describe('back-office fulfilment: the order queue and the packing slip', () => {
  let t: TestApp;
  let paidOrderId: string;
  let subjectId: string;
  const auth = async (role: 'fulfilment' | 'support' | 'privacy-officer' | 'admin') => ({
    authorization: `Bearer ${await staffToken(t, role)}`,
  });

  beforeAll(async () => {
    t = await startTestApp();
    await stockProducts(t, [{ sku: 'DERMA-SCAN-1', priceCents: 129900, stock: 5, name: 'Skin analyser' }]);
    const placed = await placeOrder(
      t,
      orderBody([{ sku: 'DERMA-SCAN-1', quantity: 1 }], {
        email: 'erika.fulfil@example.org',
        deliveryAddress: {
          firstName: 'Erika',
          lastName: 'Mustermann',
          company: null,
          street: 'Siemensring',
          houseNumber: '98',
          addressLine2: null,
          postalCode: '47877',
          city: 'Willich',
          country: 'DE',
        },
      }),
      { 'idempotency-key': randomUUID() },
    );
    expect(placed.statusCode).toBe(201);
    paidOrderId = placed.json().id;
    const { totalCents, currency } = placed.json();
    await t.app
      .get(OrderStateMachine)
      .markPaid(paidOrderId, { provider: 'test', reference: 'r-1', amountCents: totalCents, currency });
    subjectId = (await t.db.query('select subject_id from shop_order where id = $1', [paidOrderId])).rows[0]
      .subject_id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('shows fulfilment the paid queue with name, delivery address and items, never email, phone, payment or prices', async () => {
    const res = await t.inject({
      method: 'GET',
      url: '/api/v1/admin/orders?status=paid',
      headers: await auth('fulfilment'),
    });
    expect(res.statusCode).toBe(200);
    const { items } = res.json();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      id: paidOrderId,
      status: 'paid',
      deliveryAddress: { lastName: 'Mustermann', street: 'Siemensring', city: 'Willich' },
      items: [{ sku: 'DERMA-SCAN-1', name: 'Skin analyser', quantity: 1 }],
    });
    for (const key of [
      'email',
      'phone',
      'billingAddress',
      'paymentMethod',
      'paymentStatus',
      'totalCents',
      'unitPriceCents',
      'subjectId',
      'customerId',
    ]) {
      expect(res.body).not.toContain(`"${key}"`);
    }
    expect(res.body).not.toContain('erika.fulfil@example.org');
  });

  it('shows support the contact data and the payment method', async () => {
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/admin/orders/${paidOrderId}`,
      headers: await auth('support'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      email: 'erika.fulfil@example.org',
      paymentMethod: 'card',
      paymentStatus: 'paid',
    });
    expect(res.json()).not.toHaveProperty('subjectId');
  });

  it('audits every staff read of an order with the fields returned', async () => {
    const rows = (
      await t.db.query<{ actor_role: string; action: string; fields: string[] }>(
        `select actor_role, action, fields from privacy.access_audit_log where subject_id = $1 order by seq`,
        [subjectId],
      )
    ).rows;
    const fulfilmentRead = rows.find((r) => r.actor_role === 'fulfilment')!;
    expect(fulfilmentRead.fields).toEqual(expect.arrayContaining(['deliveryAddress.street', 'items.sku']));
    expect(fulfilmentRead.fields.some((f) => /email|payment|Cents/.test(f))).toBe(false);
    expect(rows.some((r) => r.actor_role === 'support' && r.fields.includes('email'))).toBe(true);
  });

  it('prints a packing slip with only what packing needs, and audits it', async () => {
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/admin/orders/${paidOrderId}/packing-slip`,
      headers: await auth('fulfilment'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('Erika Mustermann');
    expect(res.body).toContain('47877 Willich');
    expect(res.body).toContain('DERMA-SCAN-1');
    expect(res.body).not.toContain('erika.fulfil@example.org');
    expect(res.body).not.toMatch(/1299|EUR|card/);
    const audit = await t.db.query(
      `select fields from privacy.access_audit_log where subject_id = $1 and action = 'read:packing-slip'`,
      [subjectId],
    );
    expect(audit.rows).toHaveLength(1);
  });

  it('refuses the packing slip to support and an unknown order with 404', async () => {
    expect(
      (
        await t.inject({
          method: 'GET',
          url: `/api/v1/admin/orders/${paidOrderId}/packing-slip`,
          headers: await auth('support'),
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await t.inject({
          method: 'GET',
          url: `/api/v1/admin/orders/${randomUUID()}`,
          headers: await auth('fulfilment'),
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await t.inject({
          method: 'GET',
          url: '/api/v1/admin/orders?status=shipped',
          headers: await auth('fulfilment'),
        })
      ).statusCode,
    ).toBe(400);
  });
});
