import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFakeDhl, type FakeDhl } from '../fakes/dhl/index.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import {
  eventually,
  pack,
  pickingOrder,
  staffAuth,
  stockForHandoff,
  type PickingOrder,
} from './handoff-fixtures.js';

describe('two app instances working the same outbox', () => {
  let db: TestDatabase;
  let dhl: FakeDhl;
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    [db, dhl] = await Promise.all([createTestDatabase(), startFakeDhl()]);
    const env = {
      ...dhl.env,
      JOBS_ENABLED: 'true',
      CARRIER_SIMULATORS: 'off',
      CARRIER_HTTP_TIMEOUT_MS: '1000',
      CARRIER_HANDOFF_RETRY_DELAY_SECONDS: '1',
      CARRIER_HANDOFF_RETRY_DELAY_MAX_SECONDS: '2',
      CARRIER_CIRCUIT_FAILURES: '100',
    };
    first = await startTestApp({ db, env });
    second = await startTestApp({ db, env });
    dhl.simulator.latencyMs = 20;
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await dhl?.stop();
    await db?.drop();
  });

  it('hands every order over exactly once, packed on either instance, through an outage in the middle', async () => {
    await stockForHandoff(first);
    const staff = [await staffAuth(first, 'fulfilment'), await staffAuth(second, 'fulfilment')];
    const orders: PickingOrder[] = [];
    for (let i = 0; i < 24; i += 1) orders.push(await pickingOrder(i % 2 ? second : first));
    // Some creates fail, some after DHL acted: the retries must adopt those, never create twice.
    dhl.simulator.failNext(4, { status: 503 }).failNext(3, { status: 502, afterActing: true });
    await Promise.all(orders.map((o, i) => pack(i % 2 ? second : first, o.id, staff[i % 2])));

    await eventually(
      async () => {
        const { rows } = await db.query<{ n: number }>(
          `select count(*)::int as n from shipment where status = 'created' and order_id = any($1::uuid[])`,
          [orders.map((o) => o.id)],
        );
        return rows[0].n === orders.length ? true : undefined;
      },
      45_000,
      'every shipment to be created',
    );
    for (const order of orders) expect(dhl.simulator.shipmentsFor(order.number)).toHaveLength(1);
    const { rows: outcomes } = await db.query<{ outcome: string; n: number }>(
      `select outcome, count(*)::int as n from shipment_attempt group by outcome order by outcome`,
    );
    // Every fault was met, and each shipment DHL created without the shop hearing of it was adopted.
    expect(outcomes).toEqual([
      { outcome: 'adopted', n: 3 },
      { outcome: 'created', n: orders.length - 3 },
      { outcome: 'unavailable', n: 7 },
    ]);
    expect(dhl.simulator.shipments).toHaveLength(orders.length);
    const { rows } = await db.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from shop_order where id = any($1::uuid[]) group by status`,
      [orders.map((o) => o.id)],
    );
    expect(rows).toEqual([{ status: 'handed_to_carrier', n: orders.length }]);
  });
});
