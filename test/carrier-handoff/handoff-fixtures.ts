import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { OrderStateMachine } from '../../src/modules/orders/order-state-machine.js';
import { staffToken, type TestApp } from '../helpers/test-app.js';
import { orderBody, placeOrder, SEED_ADDRESS, stockProducts } from '../orders/orders-fixtures.js';

export const PRODUCT = { sku: 'DV-HANDOFF', priceCents: 19_900, stock: 100_000 };

/** Valid delivery addresses in the countries the tests route to other carriers. */
export const ADDRESSES = {
  DE: { ...SEED_ADDRESS, addressLine2: 'Hinterhaus, 2. OG' },
  AT: {
    ...SEED_ADDRESS,
    street: 'Stephansplatz',
    houseNumber: '1',
    addressLine2: null,
    postalCode: '1010',
    city: 'Wien',
    country: 'AT',
  },
  NL: {
    ...SEED_ADDRESS,
    street: 'Dam',
    houseNumber: '1',
    addressLine2: null,
    postalCode: '1012 JS',
    city: 'Amsterdam',
    country: 'NL',
  },
};

export interface PickingOrder {
  id: string;
  number: string;
  subjectId: string;
  email: string;
}

export async function stockForHandoff(t: TestApp): Promise<void> {
  await stockProducts(t, [PRODUCT]);
}

/** A paid guest order in `picking`, ready to be packed. */
export async function pickingOrder(
  t: TestApp,
  options: { consent?: boolean; address?: Record<string, unknown> } = {},
): Promise<PickingOrder> {
  const email = `guest.${randomUUID().slice(0, 8)}@example.org`;
  const placed = await placeOrder(
    t,
    orderBody([{ sku: PRODUCT.sku, quantity: 1 }], {
      email,
      deliveryAddress: options.address ?? ADDRESSES.DE,
      carrierNotificationConsent: options.consent === true,
    }),
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
  const { rows } = await t.db.query<{ subject_id: string }>(
    'select subject_id from shop_order where id = $1',
    [order.id],
  );
  return { id: order.id, number: order.number, subjectId: rows[0].subject_id, email };
}

export async function staffAuth(t: TestApp, role: 'fulfilment' | 'support' | 'admin' | 'privacy-officer') {
  return { authorization: `Bearer ${await staffToken(t, role)}` };
}

/** Packs the order the way the packing bench does: a fulfilment member's transition. */
export async function pack(t: TestApp, orderId: string, headers: { authorization: string }): Promise<void> {
  const res = await t.inject({
    method: 'POST',
    url: `/api/v1/admin/orders/${orderId}/transitions`,
    headers,
    payload: { to: 'packed' },
  });
  expect(res.statusCode).toBe(200);
}

/** Polls `probe` until it returns a value that is not undefined (or the time is up). */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what = 'the condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface ShipmentState {
  id: string;
  status: string;
  attempts: number;
  carrier: string;
  tracking_number: string | null;
  last_error: string | null;
  label: Buffer | null;
}

export async function shipmentOf(t: TestApp, orderId: string): Promise<ShipmentState | undefined> {
  const { rows } = await t.db.query<ShipmentState>(
    'select id, status, attempts, carrier, tracking_number, last_error, label from shipment where order_id = $1',
    [orderId],
  );
  return rows[0];
}

/** Waits until the order's shipment is in one of `statuses`. */
export function shipmentIn(
  t: TestApp,
  orderId: string,
  statuses: string[],
  timeoutMs = 20_000,
): Promise<ShipmentState> {
  return eventually(
    async () => {
      const s = await shipmentOf(t, orderId);
      return s && statuses.includes(s.status) ? s : undefined;
    },
    timeoutMs,
    `the shipment of ${orderId} to be ${statuses.join(' or ')}`,
  );
}

export async function orderStatus(t: TestApp, orderId: string): Promise<string> {
  const { rows } = await t.db.query<{ status: string }>('select status from shop_order where id = $1', [
    orderId,
  ]);
  return rows[0].status;
}

/** The leaf paths of a parsed JSON body (`a.b.0.c`): what left, field by field. */
export function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return prefix ? [prefix] : [];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return entries.flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

export function valueAt(body: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], body);
}
