import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { OrderParcels, OrderStateMachine } from '../../src/modules/orders/index.js';
import { startFakeDhl, type FakeDhl } from '../fakes/dhl/index.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { orderBody, placeOrder, stockProducts } from '../orders/orders-fixtures.js';
import { ADDRESSES, eventually, orderStatus, pack, PRODUCT, staffAuth } from './handoff-fixtures.js';

const CASE = { sku: 'DV-HANDOFF-CASE', priceCents: 2_900, stock: 100_000 };

/**
 * Several parcels per order: staff pack a parcel of some lines while the order is being picked; each
 * parcel goes to the carrier through the outbox with its own reference and tracking number, and the
 * order is partially_shipped until its last piece is out.
 */
describe('an order shipped in several parcels', () => {
  let t: TestApp;
  let dhl: FakeDhl;
  let fulfilment: { authorization: string };

  beforeAll(async () => {
    dhl = await startFakeDhl();
    t = await startTestApp({
      env: {
        ...dhl.env,
        JOBS_ENABLED: 'true',
        CARRIER_SIMULATORS: 'off',
        CARRIER_DEFAULT: 'dhl',
        CARRIER_HTTP_TIMEOUT_MS: '1000',
        CARRIER_HANDOFF_RETRY_DELAY_SECONDS: '1',
        CARRIER_HANDOFF_RETRY_DELAY_MAX_SECONDS: '2',
      },
    });
    await stockProducts(t, [PRODUCT, CASE]);
    fulfilment = await staffAuth(t, 'fulfilment');
  });
  afterAll(async () => {
    await t?.close();
    await dhl?.stop();
  });

  /** A paid guest order of two devices and a case, being picked. */
  async function pickingOrder(): Promise<{ id: string; number: string }> {
    const placed = await placeOrder(
      t,
      orderBody(
        [
          { sku: PRODUCT.sku, quantity: 2 },
          { sku: CASE.sku, quantity: 1 },
        ],
        { email: `guest.${randomUUID().slice(0, 8)}@example.org`, deliveryAddress: ADDRESSES.DE },
      ),
      { 'idempotency-key': randomUUID() },
    );
    expect(placed.statusCode).toBe(201);
    const order = placed.json<{ id: string; number: string; totalCents: number; currency: string }>();
    const machine = t.app.get(OrderStateMachine);
    await machine.markPaid(order.id, {
      provider: 'test',
      reference: `pay-${order.id}`,
      amountCents: order.totalCents,
      currency: order.currency,
    });
    await machine.transition(order.id, 'picking');
    return order;
  }
  const packParcel = (orderId: string, lines: unknown[]) =>
    t.inject({
      method: 'POST',
      url: `/api/v1/admin/orders/${orderId}/parcels`,
      headers: fulfilment,
      payload: { lines },
    });
  const parcelsOf = async (orderId: string) =>
    (
      await t.db.query<{
        parcel_no: number;
        order_number: string;
        status: string;
        tracking_number: string | null;
      }>(
        'select parcel_no, order_number, status, tracking_number from shipment where order_id = $1 order by parcel_no',
        [orderId],
      )
    ).rows;
  const handedOver = (orderId: string, count: number) =>
    eventually(
      async () => {
        const parcels = await parcelsOf(orderId);
        return parcels.length === count && parcels.every((p) => p.status === 'created') ? parcels : undefined;
      },
      20_000,
      `${count} parcels of ${orderId} handed over`,
    );
  const shippedNotices = async (orderId: string) =>
    (
      await t.db.query<{ tracking: string }>(
        `select data->'data'->>'trackingNumber' as tracking from pgboss.job
          where name = 'notifications.send' and data->>'template' = 'orders.shipped'
            and data->'recipient'->>'id' = $1 order by created_on`,
        [orderId],
      )
    ).rows.map((r) => r.tracking);

  it('ships an order in two parcels, each with its own tracking; partially_shipped until the last', async () => {
    const order = await pickingOrder();
    const first = await packParcel(order.id, [{ lineNo: 1, quantity: 1 }]);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      parcelNo: 1,
      orderNumber: order.number,
      lines: [{ lineNo: 1, quantity: 1 }],
    });
    const [one] = await handedOver(order.id, 1);
    await eventually(async () =>
      (await orderStatus(t, order.id)) === 'partially_shipped' ? true : undefined,
    );

    const second = await packParcel(order.id, [
      { lineNo: 1, quantity: 1 },
      { lineNo: 2, quantity: 1 },
    ]);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toMatchObject({ parcelNo: 2, orderNumber: `${order.number}-2` });
    const parcels = await handedOver(order.id, 2);
    await eventually(async () =>
      (await orderStatus(t, order.id)) === 'handed_to_carrier' ? true : undefined,
    );

    expect(parcels[0].tracking_number).toBe(one.tracking_number);
    expect(parcels[1].tracking_number).not.toBe(parcels[0].tracking_number);
    // At DHL: one shipment per parcel, under its own reference.
    expect(dhl.simulator.shipmentsFor(order.number)).toHaveLength(1);
    expect(dhl.simulator.shipmentsFor(`${order.number}-2`)).toHaveLength(1);
    // The buyer is told of each parcel with its tracking number, and sees both in the order.
    expect(await shippedNotices(order.id)).toEqual(parcels.map((p) => p.tracking_number));
    const shown = (await t.app.get(OrderParcels).of([order.id])).get(order.id) ?? [];
    expect(shown.map((p) => p.trackingNumber).sort()).toEqual(parcels.map((p) => p.tracking_number).sort());
    const { rows: history } = await t.db.query<{ to_status: string }>(
      `select to_status from order_status_change where order_id = $1 and id > 0 order by id`,
      [order.id],
    );
    expect(history.map((h) => h.to_status).slice(-2)).toEqual(['partially_shipped', 'handed_to_carrier']);
  });

  it('refuses a parcel of a line not in the order, of too many pieces, or of an order not being picked', async () => {
    const order = await pickingOrder();
    const unknown = await packParcel(order.id, [{ lineNo: 9, quantity: 1 }]);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.json()).toMatchObject({ errors: [{ field: 'lines[0].lineNo' }] });
    const tooMany = await packParcel(order.id, [{ lineNo: 1, quantity: 3 }]);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toMatchObject({ errors: [{ field: 'lines[0].quantity' }] });
    expect(await parcelsOf(order.id)).toEqual([]);
    expect(await orderStatus(t, order.id)).toBe('picking');

    await pack(t, order.id, fulfilment);
    const late = await packParcel(order.id, [{ lineNo: 1, quantity: 1 }]);
    expect(late.statusCode).toBe(409);
    expect(late.json<{ type: string }>().type).toContain('parcel-not-open');
  });

  it('packing the order after a parcel of some lines sends the rest in a second parcel', async () => {
    const order = await pickingOrder();
    expect((await packParcel(order.id, [{ lineNo: 2, quantity: 1 }])).statusCode).toBe(201);
    await pack(t, order.id, fulfilment);
    const parcels = await handedOver(order.id, 2);
    expect(parcels.map((p) => p.order_number)).toEqual([order.number, `${order.number}-2`]);
    const { rows: lines } = await t.db.query<{ parcel_no: number; line_no: number; quantity: number }>(
      `select s.parcel_no, l.line_no, l.quantity from shipment_line l join shipment s on s.id = l.shipment_id
        where l.order_id = $1 order by s.parcel_no, l.line_no`,
      [order.id],
    );
    expect(lines).toEqual([
      { parcel_no: 1, line_no: 2, quantity: 1 },
      { parcel_no: 2, line_no: 1, quantity: 2 },
    ]);
    await eventually(async () =>
      (await orderStatus(t, order.id)) === 'handed_to_carrier' ? true : undefined,
    );
  });
});
