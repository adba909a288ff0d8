import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ReturnRefunds, type ReturnRefundJob } from '../../src/modules/payments/return-refunds.js';
import { businessCustomer, pay } from '../invoicing/invoicing-fixtures.js';
import {
  ADDRESS,
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
 * Withdrawal (§§ 355-357 BGB): the consumer withdraws from lines of a delivered order within 14 days;
 * staff receive and inspect the parcel (restock or scrap) and refund line by line with each line's VAT,
 * the delivery charge with the last lines. Workers are off: the test runs the refund job itself.
 */
describe('withdrawal and returns', () => {
  let w: PaymentsWorld;
  beforeAll(async () => {
    w = await startPaymentsWorld();
  });
  afterAll(async () => {
    await w?.close();
  });

  const stockOf = async (sku: string): Promise<number> =>
    (await w.t.db.query<{ stock: number }>('select stock from product where sku = $1', [sku])).rows[0].stock;
  const statusOf = async (id: string): Promise<string> =>
    (await w.t.db.query<{ status: string }>('select status from shop_order where id = $1', [id])).rows[0]
      .status;
  const itemsOf = async (id: string) =>
    (
      await w.t.db.query<{ line_no: number; sku: string; line_total_cents: number; vat_cents: number }>(
        'select line_no, sku, line_total_cents, vat_cents from order_item where order_id = $1 order by line_no',
        [id],
      )
    ).rows;
  const returnCount = async (orderId: string): Promise<number> =>
    (
      await w.t.db.query<{ n: number }>('select count(*)::int as n from order_return where order_id = $1', [
        orderId,
      ])
    ).rows[0].n;
  const noticesOf = async (orderId: string) =>
    (
      await w.t.db.query<{ data: { template: string; data: Record<string, unknown> } }>(
        `select data from pgboss.job where name = 'notifications.send' and data->'recipient'->>'id' = $1
          order by created_on`,
        [orderId],
      )
    ).rows.map((r) => r.data);
  const staffMove = async (id: string, to: string) => {
    const res = await w.t.inject({
      method: 'POST',
      url: `/api/v1/admin/orders/${id}/transitions`,
      headers: await staffHeaders(w.t, 'admin'),
      payload: { to },
    });
    expect(res.statusCode).toBe(200);
  };
  async function deliveredCardOrder(order: PlacedOrder): Promise<string> {
    const started = await startPayment(w.t, order, { key: randomUUID() });
    expect(started.statusCode).toBe(201);
    const payment = started.json<{ id: string; clientSecret: string }>();
    await w.stripe.simulator.confirm(payment.clientSecret.split('_secret_')[0]);
    await eventually(async () => (await statusOf(order.id)) === 'paid');
    for (const to of ['picking', 'packed', 'handed_to_carrier', 'delivered']) await staffMove(order.id, to);
    return payment.id;
  }
  const withdraw = (order: PlacedOrder, lines: unknown[], headers: Record<string, string> = order.headers) =>
    w.t.inject({
      method: 'POST',
      url: `/api/v1/shop/orders/${order.id}/withdrawals`,
      headers,
      payload: { lines },
    });
  const receive = async (returnId: string, lines: unknown[]) =>
    w.t.inject({
      method: 'POST',
      url: `/api/v1/admin/returns/${returnId}/receipt`,
      headers: await staffHeaders(w.t, 'fulfilment'),
      payload: { lines, note: 'sealed, unused' },
    });
  const refund = async (returnId: string) =>
    w.t.inject({
      method: 'POST',
      url: `/api/v1/admin/returns/${returnId}/refund`,
      headers: await staffHeaders(w.t, 'support'),
    });
  const refundJobs = async (orderId: string) =>
    (
      await w.t.db.query<{ data: ReturnRefundJob }>(
        `select data from pgboss.job where name = 'payments.refund-return' and data->>'orderId' = $1
          order by created_on`,
        [orderId],
      )
    ).rows.map((r) => r.data);

  it('refunds a withdrawal of one of two lines with that line’s VAT, restocks it, then the rest', async () => {
    const order = await placeCustomerOrder(w.t, 'card');
    const paymentId = await deliveredCardOrder(order);
    const [lineA, lineB] = await itemsOf(order.id);

    const declared = await withdraw(order, [{ lineNo: lineB.line_no, quantity: 1 }]);
    expect(declared.statusCode).toBe(201);
    const ret = declared.json<{ id: string; number: string; status: string }>();
    expect(ret).toMatchObject({
      status: 'requested',
      orderId: order.id,
      lines: [{ lineNo: 2, quantity: 1 }],
    });
    expect(await statusOf(order.id)).toBe('delivered');

    // Refunding before the parcel is in is refused.
    expect((await refund(ret.id)).statusCode).toBe(409);

    const stockBefore = await stockOf(lineB.sku);
    const received = await receive(ret.id, [{ lineNo: lineB.line_no, disposition: 'restock' }]);
    expect(received.statusCode).toBe(200);
    expect(received.json()).toMatchObject({ status: 'received', lines: [{ disposition: 'restock' }] });
    expect(await stockOf(lineB.sku)).toBe(stockBefore + 1);
    expect((await receive(ret.id, [{ lineNo: lineB.line_no, disposition: 'restock' }])).statusCode).toBe(409);
    expect(await stockOf(lineB.sku)).toBe(stockBefore + 1);

    const refunded = await refund(ret.id);
    expect(refunded.statusCode).toBe(200);
    expect(refunded.json()).toMatchObject({
      status: 'refunded',
      refundCents: lineB.line_total_cents,
      refundVatCents: lineB.vat_cents,
      shippingRefundCents: 0,
      lines: [{ lineNo: 2, amountCents: lineB.line_total_cents, vatCents: lineB.vat_cents }],
    });
    // 40.00 gross at 19 %: 6.39 VAT (the line's own, as invoiced).
    expect(lineB.vat_cents).toBe(Math.round((4000 * 1900) / 11900));
    expect(await statusOf(order.id)).toBe('partially_refunded');
    expect((await refund(ret.id)).statusCode).toBe(409);

    // The payment is refunded at Stripe by the job the refund enqueued, once for all retries.
    const jobs = await refundJobs(order.id);
    expect(jobs).toEqual([{ orderId: order.id, returnId: ret.id, amountCents: lineB.line_total_cents }]);
    const refunds = w.t.app.get(ReturnRefunds);
    expect(await refunds.refund(jobs[0])).toBe(lineB.line_total_cents);
    expect(await refunds.refund(jobs[0])).toBe(lineB.line_total_cents);
    const { rows: stripeRefunds } = await w.t.db.query<{ amount_cents: number; status: string }>(
      'select amount_cents, status from payment_refund where payment_id = $1',
      [paymentId],
    );
    expect(stripeRefunds).toEqual([{ amount_cents: lineB.line_total_cents, status: 'succeeded' }]);

    const { rows: credit } = await w.t.db.query<{ reason: string; lines: unknown }>(
      'select reason, lines from credit_note_request where order_id = $1',
      [order.id],
    );
    expect(credit).toEqual([
      {
        reason: `withdrawal ${ret.number}`,
        lines: [{ lineNo: 2, quantity: 1, amountCents: lineB.line_total_cents, vatCents: lineB.vat_cents }],
      },
    ]);
    const { rows: history } = await w.t.db.query<{
      from_status: string | null;
      to_status: string;
      actor_type: string;
    }>(
      'select from_status, to_status, actor_type from order_return_change where return_id = $1 order by id',
      [ret.id],
    );
    expect(history).toEqual([
      { from_status: null, to_status: 'requested', actor_type: 'subject' },
      { from_status: 'requested', to_status: 'received', actor_type: 'staff' },
      { from_status: 'received', to_status: 'refunded', actor_type: 'staff' },
    ]);
    const { rows: audit } = await w.t.db.query<{ action: string }>(
      `select action from privacy.access_audit_log where subject_id = $1 and action like 'return:%' order by seq`,
      [`customer:${order.customerId}`],
    );
    expect(audit.map((a) => a.action)).toEqual(['return:requested', 'return:received', 'return:refunded']);
    const notices = (await noticesOf(order.id))
      .slice(-2)
      .map((n) => ({ template: n.template, data: n.data }));
    expect(notices).toEqual([
      { template: 'orders.return-received', data: { returnNumber: ret.number } },
      {
        template: 'orders.refund',
        data: { amountCents: lineB.line_total_cents, vatCents: lineB.vat_cents, returnNumber: ret.number },
      },
    ]);

    // The second line, scrapped: stock stays, and the order is refunded in full.
    const stockA = await stockOf(lineA.sku);
    const second = (await withdraw(order, [{ lineNo: lineA.line_no, quantity: 1 }])).json<{ id: string }>();
    expect((await receive(second.id, [{ lineNo: 1, disposition: 'scrap' }])).statusCode).toBe(200);
    expect(await stockOf(lineA.sku)).toBe(stockA);
    expect((await refund(second.id)).json()).toMatchObject({ refundCents: lineA.line_total_cents });
    expect(await statusOf(order.id)).toBe('refunded');
    // Nothing is left to withdraw.
    expect((await withdraw(order, [{ lineNo: 1, quantity: 1 }])).statusCode).toBe(409);
  });

  it('shares a line’s VAT out by pieces and refunds the delivery charge with the last pieces', async () => {
    // Three of each, sent by Hermes at a flat 4.95 (VAT 0.79 at 19 %), placed through the checkout.
    const email = `guest.${randomUUID().slice(0, 8)}@example.org`;
    const placed = await w.t.inject({
      method: 'POST',
      url: '/api/v1/shop/orders',
      headers: { 'idempotency-key': randomUUID() },
      payload: {
        email,
        items: [
          { sku: 'PAY-TEST-A', quantity: 3 },
          { sku: 'PAY-TEST-B', quantity: 3 },
        ],
        deliveryAddress: ADDRESS,
        paymentMethod: 'card',
        shippingMethod: 'hermes-parcel',
      },
    });
    expect(placed.statusCode).toBe(201);
    const body = placed.json<{
      id: string;
      number: string;
      totalCents: number;
      currency: string;
      accessToken: string;
    }>();
    const order: PlacedOrder = { ...body, email, headers: { 'x-order-token': body.accessToken } };
    const [{ shipping_cents: shippingCents, shipping_vat_cents: shippingVat }] = (
      await w.t.db.query<{ shipping_cents: number; shipping_vat_cents: number }>(
        'select shipping_cents, shipping_vat_cents from shop_order where id = $1',
        [order.id],
      )
    ).rows;
    expect(shippingCents).toBe(495);
    await deliveredCardOrder(order);
    const [lineA, lineB] = await itemsOf(order.id);
    const first = (await withdraw(order, [{ lineNo: 1, quantity: 1 }])).json<{ id: string }>();
    await receive(first.id, [{ lineNo: 1, disposition: 'restock' }]);
    const one = (await refund(first.id)).json<{ refundCents: number; refundVatCents: number }>();
    expect(one).toMatchObject({ refundCents: 6000, refundVatCents: Math.round(lineA.vat_cents / 3) });

    const rest = await withdraw(order, [
      { lineNo: 1, quantity: 2 },
      { lineNo: 2, quantity: 3 },
    ]);
    expect(rest.statusCode).toBe(201);
    const restId = rest.json<{ id: string }>().id;
    await receive(restId, [
      { lineNo: 1, disposition: 'restock' },
      { lineNo: 2, disposition: 'restock' },
    ]);
    const all = (await refund(restId)).json<{
      refundCents: number;
      refundVatCents: number;
      shippingRefundCents: number;
    }>();
    expect(all.shippingRefundCents).toBe(shippingCents);
    // Together, the two refunds give back exactly the order's total and its VAT.
    expect(one.refundCents + all.refundCents).toBe(order.totalCents);
    expect(one.refundVatCents + all.refundVatCents).toBe(lineA.vat_cents + lineB.vat_cents + shippingVat);
    expect(await statusOf(order.id)).toBe('refunded');
    // The invoicing module's credit notes for the two returns reverse the whole invoice, shipping included.
    const { rows: notes } = await w.t.db.query<{ total: number; vat: number }>(
      'select sum(total_cents)::int as total, sum(vat_cents)::int as vat from credit_note where order_id = $1',
      [order.id],
    );
    expect(notes).toEqual([
      { total: -order.totalCents, vat: -(lineA.vat_cents + lineB.vat_cents + shippingVat) },
    ]);
  });

  it('refuses a withdrawal after 14 days, of a line never bought, or of too many pieces, changing nothing', async () => {
    const order = await placeGuestOrder(w.t, 'card');
    await deliveredCardOrder(order);

    const unknownLine = await withdraw(order, [{ lineNo: 7, quantity: 1 }]);
    expect(unknownLine.statusCode).toBe(400);
    expect(unknownLine.headers['content-type']).toContain('application/problem+json');
    expect(unknownLine.json()).toMatchObject({ errors: [{ field: 'lines[0].lineNo' }] });
    const tooMany = await withdraw(order, [{ lineNo: 1, quantity: 2 }]);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toMatchObject({ errors: [{ field: 'lines[0].quantity' }] });
    const unknownField = await withdraw(order, [{ lineNo: 1, quantity: 1, reason: 'x' }]);
    expect(unknownField.statusCode).toBe(400);
    expect(await returnCount(order.id)).toBe(0);

    // Delivered 15 days ago: the period (14 days from the day after delivery) is over.
    await w.t.db.query(
      `update order_status_change set at = now() - interval '15 days' where order_id = $1 and to_status = 'delivered'`,
      [order.id],
    );
    const late = await withdraw(order, [{ lineNo: 1, quantity: 1 }]);
    expect(late.statusCode).toBe(409);
    expect(late.headers['content-type']).toContain('application/problem+json');
    expect(late.json<{ type: string }>().type).toContain('withdrawal-period-expired');
    expect(await returnCount(order.id)).toBe(0);
    expect(await statusOf(order.id)).toBe('delivered');

    // On the 14th day it is still in time.
    await w.t.db.query(
      `update order_status_change set at = now() - interval '14 days' where order_id = $1 and to_status = 'delivered'`,
      [order.id],
    );
    expect((await withdraw(order, [{ lineNo: 1, quantity: 1 }])).statusCode).toBe(201);
  });

  it("answers 404 for someone else's order and 409 before packing (cancel instead)", async () => {
    const mine = await placeCustomerOrder(w.t, 'card');
    const theirs = await placeCustomerOrder(w.t, 'card');
    await deliveredCardOrder(theirs);
    expect((await withdraw(theirs, [{ lineNo: 1, quantity: 1 }], mine.headers)).statusCode).toBe(404);
    expect((await withdraw(theirs, [{ lineNo: 1, quantity: 1 }], {})).statusCode).toBe(401);
    const early = await withdraw(mine, [{ lineNo: 1, quantity: 1 }]);
    expect(early.statusCode).toBe(409);
    expect(early.json<{ type: string }>().type).toContain('withdrawal-not-open');
    expect(await returnCount(theirs.id)).toBe(0);
  });

  it('refuses a withdrawal by a business customer (no statutory right), changing nothing', async () => {
    const practice = await businessCustomer(w.t, { companyName: 'Praxis Willich GmbH', country: 'DE' });
    const placed = await w.t.inject({
      method: 'POST',
      url: '/api/v1/shop/orders',
      headers: practice.headers,
      payload: {
        items: [{ sku: 'PAY-TEST-A', quantity: 1 }],
        deliveryAddress: {
          firstName: 'Anna',
          lastName: 'Huber',
          company: 'Praxis Willich GmbH',
          street: 'Siemensring',
          houseNumber: '98',
          postalCode: '47877',
          city: 'Willich',
          country: 'DE',
        },
        paymentMethod: 'invoice',
      },
    });
    expect(placed.statusCode).toBe(201);
    const order = placed.json<{ id: string; totalCents: number; vat: { pricesIncludeVat: boolean } }>();
    expect(order.vat.pricesIncludeVat).toBe(false);
    await pay(w.t, order);
    for (const to of ['picking', 'packed', 'handed_to_carrier', 'delivered']) await staffMove(order.id, to);
    const res = await w.t.inject({
      method: 'POST',
      url: `/api/v1/shop/orders/${order.id}/withdrawals`,
      headers: practice.headers,
      payload: { lines: [{ lineNo: 1, quantity: 1 }] },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json<{ type: string }>().type).toContain('no-right-of-withdrawal');
    expect(await returnCount(order.id)).toBe(0);
  });
});
