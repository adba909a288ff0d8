import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OrderStateMachine } from '../../src/modules/orders/order-state-machine.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { createStaff, orderBody, placeOrder, registerCustomer, stockProducts } from './orders-fixtures.js';

interface OwnOrders {
  page: number;
  pageSize: number;
  total: number;
  orders: {
    id: string;
    number: string;
    status: string;
    items: { sku: string; quantity: number }[];
    parcels: { carrier: string; trackingNumber: string | null; trackingUrl: string | null }[];
  }[];
}

describe('GET /api/v1/shop/orders: a customer lists their own orders', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await stockProducts(t, [{ sku: 'OWN-DEV', priceCents: 5_000, stock: 100 }]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const list = (headers: Record<string, string>, query = '') =>
    t.inject({ method: 'GET', url: `/api/v1/shop/orders${query}`, headers });

  it('lists the own orders newest first, paginated; a second customer sees none of them', async () => {
    const first = await registerCustomer(t, 'Anna');
    const second = await registerCustomer(t, 'Bernd');
    const placed: string[] = [];
    for (let quantity = 1; quantity <= 3; quantity += 1) {
      const res = await placeOrder(t, orderBody([{ sku: 'OWN-DEV', quantity }]), first.headers);
      expect(res.statusCode).toBe(201);
      placed.push(res.json<{ id: string }>().id);
    }
    const other = await placeOrder(t, orderBody([{ sku: 'OWN-DEV', quantity: 9 }]), second.headers);
    expect(other.statusCode).toBe(201);

    const all = await list(first.headers);
    expect(all.statusCode).toBe(200);
    expect(all.headers['cache-control']).toBe('no-store');
    const body = all.json<OwnOrders>();
    expect(body).toMatchObject({ page: 1, pageSize: 20, total: 3 });
    expect(body.orders.map((o) => o.id)).toEqual([...placed].reverse());
    expect(body.orders[0]).toMatchObject({
      status: 'placed',
      items: [{ sku: 'OWN-DEV', quantity: 3 }],
      parcels: [],
    });

    const page2 = (await list(first.headers, '?page=2&pageSize=2')).json<OwnOrders>();
    expect(page2).toMatchObject({ page: 2, pageSize: 2, total: 3 });
    expect(page2.orders.map((o) => o.id)).toEqual([placed[0]]);

    const theirs = (await list(second.headers)).json<OwnOrders>();
    expect(theirs.total).toBe(1);
    expect(theirs.orders.map((o) => o.id)).toEqual([other.json<{ id: string }>().id]);
    expect(theirs.orders.some((o) => placed.includes(o.id))).toBe(false);

    // A customer without orders sees an empty page, not someone else's.
    const third = await registerCustomer(t, 'Carla');
    expect((await list(third.headers)).json<OwnOrders>()).toMatchObject({ total: 0, orders: [] });
  });

  it('shows each parcel with its tracking link', async () => {
    const customer = await registerCustomer(t, 'Dora');
    const res = await placeOrder(t, orderBody([{ sku: 'OWN-DEV', quantity: 1 }]), customer.headers);
    const order = res.json<{ id: string; totalCents: number }>();
    await t.app.get(OrderStateMachine).markPaid(order.id, {
      provider: 'stripe',
      reference: `pi_${order.id.slice(0, 8)}`,
      amountCents: order.totalCents,
      currency: 'EUR',
    });
    const staff = await createStaff(t, 'fulfilment');
    for (const to of ['picking', 'packed']) {
      const moved = await t.inject({
        method: 'POST',
        url: `/api/v1/admin/orders/${order.id}/transitions`,
        headers: staff.headers,
        payload: { to },
      });
      expect(moved.statusCode).toBe(200);
    }
    // The carrier's answer, as the handoff worker records it.
    await t.db.query(
      `update shipment set status = 'created', tracking_number = '00340434161094042557' where order_id = $1`,
      [order.id],
    );
    const [listed] = (await list(customer.headers)).json<OwnOrders>().orders;
    expect(listed.status).toBe('packed');
    expect(listed.parcels).toEqual([
      {
        carrier: expect.any(String),
        status: 'created',
        trackingNumber: '00340434161094042557',
        trackingUrl: expect.stringContaining('00340434161094042557'),
      },
    ]);
  });

  it('answers 401 to a guest and 400 naming the field to a bad page', async () => {
    const guest = await list({});
    expect(guest.statusCode).toBe(401);
    expect(guest.headers['content-type']).toContain('application/problem+json');

    const customer = await registerCustomer(t, 'Emil');
    for (const [query, field] of [
      ['?pageSize=500', 'pageSize'],
      ['?page=0', 'page'],
      ['?page=abc', 'page'],
      ['?sort=asc', 'sort'],
    ]) {
      const res = await list(customer.headers, query);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(JSON.stringify(res.json())).toContain(field);
    }
  });
});
