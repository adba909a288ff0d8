import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { CancellationRefunds } from '../../src/modules/payments/cancellation-refunds.js';
import {
  eventually,
  placeCustomerOrder,
  placeGuestOrder,
  startPayment,
  startPaymentsWorld,
  staffHeaders,
  type PaymentsWorld,
  type PlacedOrder,
} from '../payments/payments-fixtures.js';

/**
 * Cancellation by the buyer (before packing) and by staff (with a reason): stock back, the money
 * refunded through the provider (the Stripe fake), a credit-note request in the same transaction,
 * the customer told. Workers are off: the test runs the refund job itself.
 */
describe('cancelling an order', () => {
  let w: PaymentsWorld;
  beforeAll(async () => {
    w = await startPaymentsWorld();
  });
  afterAll(async () => {
    await w?.close();
  });

  const stock = async (): Promise<number[]> =>
    (
      await w.t.db.query<{ stock: number }>(
        `select stock from product where sku in ('PAY-TEST-A', 'PAY-TEST-B') order by sku`,
      )
    ).rows.map((r) => r.stock);
  const statusOf = async (id: string): Promise<string> =>
    (await w.t.db.query<{ status: string }>('select status from shop_order where id = $1', [id])).rows[0]
      .status;
  const cancel = (order: PlacedOrder, headers: Record<string, string> = order.headers) =>
    w.t.inject({ method: 'POST', url: `/api/v1/shop/orders/${order.id}/cancellation`, headers });
  const staffMove = async (id: string, to: string, reason?: string) =>
    w.t.inject({
      method: 'POST',
      url: `/api/v1/admin/orders/${id}/transitions`,
      headers: await staffHeaders(w.t, 'admin'),
      payload: { to, ...(reason === undefined ? {} : { reason }) },
    });
  async function paidByCard(order: PlacedOrder): Promise<string> {
    const started = await startPayment(w.t, order, { key: randomUUID() });
    expect(started.statusCode).toBe(201);
    const payment = started.json<{ id: string; clientSecret: string }>();
    await w.stripe.simulator.confirm(payment.clientSecret.split('_secret_')[0]);
    await eventually(async () => (await statusOf(order.id)) === 'paid');
    return payment.id;
  }
  const noticesOf = async (orderId: string) =>
    (
      await w.t.db.query<{ data: { template: string; data: Record<string, unknown> } }>(
        `select data from pgboss.job where name = 'notifications.send' and data->'recipient'->>'id' = $1
          order by created_on`,
        [orderId],
      )
    ).rows.map((r) => r.data);

  it('lets a guest cancel an unpaid order: stock back, nothing to refund, no credit note', async () => {
    const before = await stock();
    const order = await placeGuestOrder(w.t, 'card');
    const res = await cancel(order);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: order.id, status: 'cancelled', previousStatus: 'placed' });
    expect(await stock()).toEqual(before);
    const { rows } = await w.t.db.query('select 1 from credit_note_request where order_id = $1', [order.id]);
    expect(rows).toEqual([]);
    expect((await noticesOf(order.id)).map((n) => [n.template, n.data])).toEqual([
      ['orders.confirmation', {}],
      ['orders.cancelled', { initiator: 'customer', refunded: false }],
    ]);
  });

  it('refunds a paid card order the customer cancels, and requests its credit note', async () => {
    const before = await stock();
    const order = await placeCustomerOrder(w.t, 'card');
    const paymentId = await paidByCard(order);
    const res = await cancel(order);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'cancelled', previousStatus: 'paid' });
    expect(await stock()).toEqual(before);

    // The refund job (enqueued with the cancellation) refunds the whole payment at Stripe, once.
    const { rows: jobs } = await w.t.db.query<{ data: { orderId: string } }>(
      `select data from pgboss.job where name = 'payments.refund-cancelled-order' and data->>'orderId' = $1`,
      [order.id],
    );
    expect(jobs).toHaveLength(1);
    const refunds = w.t.app.get(CancellationRefunds);
    expect(await refunds.refund(order.id)).toEqual([paymentId]);
    expect(await refunds.refund(order.id)).toEqual([paymentId]); // a retried job: the same refund
    const { rows: refundRows } = await w.t.db.query<{ amount_cents: number; status: string }>(
      'select amount_cents, status from payment_refund where payment_id = $1',
      [paymentId],
    );
    expect(refundRows).toEqual([{ amount_cents: order.totalCents, status: 'succeeded' }]);
    expect(w.stripe.requests.filter((r) => r.path === '/v1/refunds')).toHaveLength(1);

    const { rows: credit } = await w.t.db.query<{ reason: string }>(
      'select reason from credit_note_request where order_id = $1',
      [order.id],
    );
    expect(credit).toEqual([{ reason: 'order cancelled (customer)' }]);
    const notices = await noticesOf(order.id);
    expect(notices.at(-1)).toMatchObject({
      template: 'orders.cancelled',
      data: { initiator: 'customer', refunded: true },
    });
  });

  it('refuses a cancellation after packing with 409, and changes nothing', async () => {
    const order = await placeGuestOrder(w.t, 'card');
    await paidByCard(order);
    expect((await staffMove(order.id, 'picking')).statusCode).toBe(200);
    expect((await staffMove(order.id, 'packed')).statusCode).toBe(200);
    const before = await stock();
    const res = await cancel(order);
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 409, orderStatus: 'packed' });
    expect(res.json<{ type: string }>().type).toContain('cancellation-too-late');
    expect(await statusOf(order.id)).toBe('packed');
    expect(await stock()).toEqual(before);
    const { rows } = await w.t.db.query('select 1 from credit_note_request where order_id = $1', [order.id]);
    expect(rows).toEqual([]);
  });

  it("answers 404 for someone else's order and 401 without credentials", async () => {
    const mine = await placeCustomerOrder(w.t, 'card');
    const theirs = await placeCustomerOrder(w.t, 'card');
    const res = await cancel(theirs, mine.headers);
    expect(res.statusCode).toBe(404);
    expect(await statusOf(theirs.id)).toBe('placed');
    const guest = await placeGuestOrder(w.t, 'card');
    const other = await placeGuestOrder(w.t, 'card');
    expect((await cancel(other, guest.headers)).statusCode).toBe(404);
    expect((await cancel(other, {})).statusCode).toBe(401);
    expect(await statusOf(other.id)).toBe('placed');
  });

  it('lets staff cancel with a reason, and refuses a cancellation without one', async () => {
    const order = await placeGuestOrder(w.t, 'card');
    await paidByCard(order);
    expect((await staffMove(order.id, 'picking')).statusCode).toBe(200);
    const missing = await staffMove(order.id, 'cancelled');
    expect(missing.statusCode).toBe(400);
    expect(JSON.stringify(missing.json())).toContain('reason');
    expect(await statusOf(order.id)).toBe('picking');

    const res = await staffMove(order.id, 'cancelled', 'device recalled by the manufacturer');
    expect(res.statusCode).toBe(200);
    const { rows } = await w.t.db.query<{ reason: string; actor_type: string }>(
      `select reason, actor_type from order_status_change where order_id = $1 and to_status = 'cancelled'`,
      [order.id],
    );
    expect(rows).toEqual([{ reason: 'device recalled by the manufacturer', actor_type: 'staff' }]);
    expect(await w.t.app.get(CancellationRefunds).refund(order.id)).toHaveLength(1);
    expect((await noticesOf(order.id)).at(-1)).toMatchObject({
      template: 'orders.cancelled',
      data: { initiator: 'shop', refunded: true },
    });
  });
});
