import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureDatabase } from '../../src/database/database-server.js';
import { EmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { runMigrations } from '../../src/database/migrate.js';
import { freePort } from '../helpers/net.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import type { TestDatabase } from '../helpers/test-database.js';
import { orderBody, placeOrder, stockProducts } from '../orders/orders-fixtures.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * PostgreSQL restarted under load. A server of its own (never the shared one of the run): stopped for a
 * while, then started again, while clients place orders with an Idempotency-Key and retry on 503.
 */
describe('PostgreSQL restarted during load', () => {
  let parent: string;
  let server: EmbeddedPostgres;
  let t: TestApp;

  beforeAll(async () => {
    parent = await mkdtemp(path.join(os.tmpdir(), 'storefront-outage-'));
    await chmod(parent, 0o755);
    server = new EmbeddedPostgres({ dataDir: path.join(parent, 'data'), port: await freePort() });
    const url = await ensureDatabase(await server.start(), 'storefront');
    await runMigrations(url);
    const db: TestDatabase = {
      name: 'storefront',
      url,
      async query(sql, params) {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          return await client.query(sql, params);
        } finally {
          await client.end();
        }
      },
      drop: () => Promise.resolve(),
    };
    t = await startTestApp({ db, env: { DATABASE_POOL_SIZE: '6' } });
    await stockProducts(t, [{ sku: 'OUTAGE', priceCents: 1500, stock: 1_000_000 }]);
  });

  afterAll(async () => {
    await t?.close();
    await server?.stop();
    await rm(parent, { recursive: true, force: true });
  });

  const health = () => t.inject({ method: 'GET', url: '/health' });

  it('answers 503 problems while it is down, recovers by itself, and loses no placed order', async () => {
    const placed = new Map<string, string>(); // idempotency key → order id
    const statuses: Record<string, number> = {};
    let duringOutage = 0;
    let down = false;
    let running = true;

    /** One client: places orders, retrying a 503 with the same key until it is placed. */
    const client = async (): Promise<void> => {
      while (running) {
        const key = randomUUID();
        for (;;) {
          const res = await placeOrder(
            t,
            orderBody([{ sku: 'OUTAGE', quantity: 1 }], { email: `outage-${key.slice(0, 8)}@example.org` }),
            { 'idempotency-key': key },
          );
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          if (down) duringOutage += 1;
          if (res.statusCode === 201) {
            placed.set(key, res.json<{ id: string }>().id);
            break;
          }
          expect(res.statusCode).toBe(503);
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          await sleep(100);
        }
      }
    };

    const clients = Array.from({ length: 3 }, () => client());
    await sleep(1_000);
    down = true;
    const stoppedAt = Date.now();
    await server.stop();
    await sleep(1_500);
    const unhealthy = await health();
    expect(unhealthy.statusCode).toBe(503);
    expect(unhealthy.headers['content-type']).toMatch(/^application\/problem\+json/);
    await server.start();
    const startedAt = Date.now();
    while ((await health()).statusCode !== 200) {
      if (Date.now() - startedAt > 20_000) throw new Error('the app did not recover within 20 s');
      await sleep(100);
    }
    down = false;
    const recoveredAfterMs = Date.now() - startedAt;
    await sleep(1_000);
    running = false;
    await Promise.all(clients);

    const { rows } = await t.db.query<{ id: string }>(
      `select o.id from shop_order o join idempotency_key k on k.order_id = o.id where k.key = any($1)`,
      [[...placed.keys()]],
    );
    const lost = [...placed.values()].filter((id) => !rows.some((r) => r.id === id));
    expect(lost).toEqual([]);
    expect(rows).toHaveLength(placed.size); // one order per key: no duplicate from a retry
    expect(statuses['500']).toBeUndefined();
    console.info(
      `DB restart under load: outage ${startedAt - stoppedAt} ms, recovered ${recoveredAfterMs} ms after the ` +
        `server was back; ${duringOutage} requests during the outage; answers ${JSON.stringify(statuses)}; ` +
        `orders placed ${placed.size}, lost ${lost.length}`,
    );
  });
});
