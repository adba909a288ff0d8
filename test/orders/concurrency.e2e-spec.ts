import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OrderStateMachine } from '../../src/modules/orders/order-state-machine.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { orderBody, placeOrder, stockOf, stockProducts } from './orders-fixtures.js';

describe('checkout under concurrency', () => {
  let t: TestApp;

  beforeAll(async () => {
    // More connections than the default, so that many placements really run at the same time.
    t = await startTestApp({ env: { DATABASE_POOL_SIZE: '25' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sells exactly 10 of 50 concurrent orders for a product with 10 in stock', async () => {
    await stockProducts(t, [{ sku: 'SCARCE-DEVICE', priceCents: 89_900, stock: 10 }]);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        placeOrder(t, orderBody([{ sku: 'SCARCE-DEVICE', quantity: 1 }], { email: `buyer${i}@example.org` })),
      ),
    );
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(40);
    for (const refused of answers.filter((a) => a.statusCode === 409)) {
      expect(refused.json()).toMatchObject({
        type: 'urn:storefront:problem:out-of-stock',
        skus: ['SCARCE-DEVICE'],
      });
    }
    expect(await stockOf(t, 'SCARCE-DEVICE')).toBe(0);
    const { rows } = await t.db.query<{ orders: number; pieces: number }>(
      `select count(distinct i.order_id)::int as orders, sum(i.quantity)::int as pieces
         from order_item i where i.sku = 'SCARCE-DEVICE'`,
    );
    expect(rows[0]).toEqual({ orders: 10, pieces: 10 });
  });

  it('never deadlocks when concurrent orders name the same two products in opposite order', async () => {
    await stockProducts(t, [
      { sku: 'PAIR-LEFT', priceCents: 1_000, stock: 1_000 },
      { sku: 'PAIR-RIGHT', priceCents: 2_000, stock: 1_000 },
    ]);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const items =
          i % 2 === 0
            ? [
                { sku: 'PAIR-LEFT', quantity: 2 },
                { sku: 'PAIR-RIGHT', quantity: 1 },
              ]
            : [
                { sku: 'PAIR-RIGHT', quantity: 1 },
                { sku: 'PAIR-LEFT', quantity: 2 },
              ];
        return placeOrder(t, orderBody(items, { email: `pair${i}@example.org` }));
      }),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array.from({ length: 40 }, () => 201));
    expect(await stockOf(t, 'PAIR-LEFT')).toBe(1_000 - 80);
    expect(await stockOf(t, 'PAIR-RIGHT')).toBe(1_000 - 40);
  });

  it('gives back exactly what concurrent cancellations and placements of the same product add up to', async () => {
    await stockProducts(t, [{ sku: 'CHURN', priceCents: 1_500, stock: 100 }]);
    const placed = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        placeOrder(t, orderBody([{ sku: 'CHURN', quantity: 3 }], { email: `churn${i}@example.org` })),
      ),
    );
    expect(placed.every((p) => p.statusCode === 201)).toBe(true);
    expect(await stockOf(t, 'CHURN')).toBe(40);
    const machine = t.app.get(OrderStateMachine);
    await Promise.all([
      ...placed.slice(0, 10).map((p) => machine.transition(p.json().id as string, 'cancelled')),
      ...Array.from({ length: 10 }, (_, i) =>
        placeOrder(t, orderBody([{ sku: 'CHURN', quantity: 1 }], { email: `late${i}@example.org` })),
      ),
    ]);
    expect(await stockOf(t, 'CHURN')).toBe(40 + 30 - 10);
  });
});
