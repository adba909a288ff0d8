import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { spawnApp, type AppProcess } from '../helpers/app-process.js';
import { freePort } from '../helpers/net.js';
import { startTestApp, staffToken, type TestApp } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { startFakeDhl, type FakeDhl } from '../fakes/dhl/index.js';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe/index.js';

/**
 * The built service (`node dist/src/main.js`) killed with SIGKILL at each step of a card checkout, of
 * the webhook and of the carrier handoff, then started again on the same database: no shutdown hook,
 * catch block or rollback of ours runs, as in a crash or an OOM kill. Afterwards no paid order is lost,
 * nothing is charged twice and no parcel is created twice. Staff actions go through a second instance
 * without workers (in process), as the packing bench would.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

const ADDRESS = {
  firstName: 'Erika',
  lastName: 'Mustermann',
  company: null,
  street: 'Siemensring',
  houseNumber: '98',
  addressLine2: null,
  postalCode: '47877',
  city: 'Willich',
  country: 'DE',
};

interface Placed {
  id: string;
  number: string;
  accessToken: string;
}

describe('the app killed with SIGKILL during checkout, webhook and handoff', () => {
  let db: TestDatabase;
  let stripe: FakeStripe;
  let dhl: FakeDhl;
  let web: TestApp;
  let app: AppProcess | undefined;
  let port: number;
  let env: Record<string, string>;
  const timeline: string[] = [];

  beforeAll(async () => {
    [db, stripe, dhl] = await Promise.all([createTestDatabase(), startFakeStripe(), startFakeDhl()]);
    port = await freePort();
    stripe.setWebhookUrl(`http://127.0.0.1:${port}/api/v1/webhooks/stripe`);
    env = {
      ...stripe.env,
      ...dhl.env,
      CARRIER_SIMULATORS: 'off',
      CARRIER_DEFAULT: 'dhl',
      // Lease of a handoff claim = 3 × timeout + 5 s = 6.5 s.
      CARRIER_HTTP_TIMEOUT_MS: '500',
      CARRIER_HANDOFF_RETRY_DELAY_SECONDS: '1',
      CARRIER_HANDOFF_RETRY_DELAY_MAX_SECONDS: '2',
      PAYMENT_PROVIDER_TIMEOUT_MS: '5000',
      // The database is migrated already and nobody reads the API document: a faster restart.
      MIGRATIONS_RUN: 'false',
      OPENAPI_ENABLED: 'false',
      AUTH_TOKEN_SECRET: randomBytes(32).toString('base64url'),
      ORDER_TOKEN_SECRET: randomBytes(32).toString('base64url'),
    };
    web = await startTestApp({ db, env: { ...env, JOBS_ENABLED: 'false' } });
    await db.query(
      `insert into product (sku, name, price_cents, vat_rate_bp, stock, active) values ('KILL-9', 'Kill test', 4900, 1900, 1000, true)`,
    );
  });

  afterAll(async () => {
    await app?.stop('SIGKILL');
    await web?.close();
    await stripe?.stop();
    await dhl?.stop();
    await db?.drop();
  });

  const start = async (): Promise<void> => {
    const started = Date.now();
    app = spawnApp({ ...env, DATABASE_URL: db.url, JOBS_ENABLED: 'true', LOG_LEVEL: 'info' }, port);
    await app.waitForLine(/listening on/, 30_000);
    timeline.push(`started in ${Date.now() - started} ms`);
  };
  const kill = async (step: string): Promise<void> => {
    const code = await app?.stop('SIGKILL');
    expect(app?.child.signalCode).toBe('SIGKILL');
    expect(code).toBeNull();
    timeline.push(`SIGKILL ${step}`);
  };
  const api = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const place = (key: string, email: string) =>
    api(
      'POST',
      '/api/v1/shop/orders',
      {
        email,
        items: [{ sku: 'KILL-9', quantity: 1 }],
        deliveryAddress: ADDRESS,
        paymentMethod: 'card',
        carrierNotificationConsent: false,
      },
      { 'idempotency-key': key },
    );
  const pay = (order: Placed, key: string) =>
    api('POST', `/api/v1/shop/orders/${order.id}/payments`, undefined, {
      'x-order-token': order.accessToken,
      'idempotency-key': key,
    });
  const intentsOf = (order: Placed) =>
    stripe.simulator.paymentIntents().filter((i) => i.metadata.order_id === order.id);
  const statusOf = async (order: Placed): Promise<string> =>
    (await db.query<{ status: string }>('select status from shop_order where id = $1', [order.id])).rows[0]
      .status;
  const paidMoves = async (order: Placed): Promise<number> =>
    (
      await db.query(`select 1 from order_status_change where order_id = $1 and to_status = 'paid'`, [
        order.id,
      ])
    ).rowCount ?? 0;
  /** The signed `payment_intent.succeeded` event Stripe sends (and sends again until it is answered 2xx). */
  const succeededEvent = (intentId: string): { id: string; payload: string } => {
    const intent = stripe.simulator.paymentIntent(intentId);
    const id = `evt_kill_${randomBytes(8).toString('hex')}`;
    const event = {
      id,
      object: 'event',
      api_version: '2026-10-28.endive',
      created: Math.floor(Date.now() / 1000),
      data: { object: intent },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: 'payment_intent.succeeded',
    };
    return { id, payload: JSON.stringify(event) };
  };
  const deliver = (event: { id: string; payload: string }) =>
    stripe.simulator.post(event.id, 'payment_intent.succeeded', event.payload);

  it('loses no paid order, charges nothing twice and creates no parcel twice', async () => {
    const began = Date.now();
    await start();

    // 1. Killed right after placing the order: the order is there, and the client's retry with its key finds it.
    const orderKey = randomUUID();
    const email = `kill.${randomUUID().slice(0, 8)}@example.org`;
    const placed = await place(orderKey, email);
    expect(placed.status).toBe(201);
    const a = placed.json as unknown as Placed;
    await kill('after placement');
    await start();
    const replayed = await place(orderKey, email);
    expect(replayed.status).toBeLessThan(300);
    expect(replayed.json.id).toBe(a.id);
    expect((await db.query('select 1 from shop_order where id = $1', [a.id])).rowCount).toBe(1);

    // 2. Killed while Stripe is creating the PaymentIntent (Stripe acts, the shop never hears the answer).
    const payKey = randomUUID();
    const createsBefore = stripe.requests.filter((r) => r.path === '/v1/payment_intents').length;
    stripe.simulator.server.injectFault({
      method: 'POST',
      path: /^\/v1\/payment_intents$/,
      delayMs: 1000,
      times: 1,
    });
    const inFlight = pay(a, payKey).catch((error: unknown) => error);
    await until(
      () =>
        Promise.resolve(
          stripe.requests.filter((r) => r.path === '/v1/payment_intents').length > createsBefore,
        ),
      'the payment start reaching Stripe',
    );
    await kill('during payment start');
    // The client's connection dies with the process (fetch's TypeError comes from another realm).
    expect(String(await inFlight)).toMatch(/fetch failed/);
    const { rows: creating } = await db.query<{ status: string }>(
      'select status from payment where order_id = $1',
      [a.id],
    );
    expect(creating).toEqual([{ status: 'creating' }]);
    await sleep(1100); // Stripe finishes the request the dead process sent
    await start();
    const resumed = await pay(a, payKey);
    expect(resumed.status).toBeLessThan(300);
    expect(resumed.json.status).toBe('pending');
    expect(intentsOf(a)).toHaveLength(1);
    const keys = new Set(
      stripe.requests
        .filter((r) => r.path === '/v1/payment_intents' && r.method === 'POST')
        .slice(createsBefore)
        .map((r) => r.headers['idempotency-key']),
    );
    expect(keys.size).toBe(1);

    // 3. Killed between the payment and the webhook: Stripe's delivery fails, its retry after the restart applies it.
    await kill('between payment and webhook');
    const [intentA] = intentsOf(a);
    await stripe.simulator.confirm(intentA.id, { deliver: false });
    const eventA = succeededEvent(intentA.id);
    expect((await deliver(eventA)).status).toBe(0);
    await start();
    const appliedA = await deliver(eventA);
    expect(appliedA.status).toBe(200);
    expect(JSON.parse(appliedA.body)).toMatchObject({ outcome: 'applied' });
    expect(JSON.parse((await deliver(eventA)).body)).toMatchObject({ outcome: 'duplicate' });
    expect(await statusOf(a)).toBe('paid');

    // 4. Killed while the webhook is being applied (its transaction waits on a row lock held here).
    const placedB = await place(randomUUID(), `kill.${randomUUID().slice(0, 8)}@example.org`);
    expect(placedB.status).toBe(201);
    const b = placedB.json as unknown as Placed;
    expect((await pay(b, randomUUID())).status).toBe(201);
    const [intentB] = intentsOf(b);
    await stripe.simulator.confirm(intentB.id, { deliver: false });
    const eventB = succeededEvent(intentB.id);
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('select 1 from payment where order_id = $1 for update', [b.id]);
      const delivering = deliver(eventB);
      await until(async () => {
        const { rows } = await db.query<{ n: string }>(
          `select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        );
        return Number(rows[0].n) > 0;
      }, 'the webhook waiting on the payment row');
      await kill('during webhook processing');
      expect((await delivering).status).toBe(0);
      await locker.query('rollback');
    } finally {
      await locker.end();
    }
    expect(await statusOf(b)).toBe('awaiting_payment');
    expect((await db.query('select 1 from payment_event where event_id = $1', [eventB.id])).rowCount).toBe(0);
    await start();
    expect(JSON.parse((await deliver(eventB)).body)).toMatchObject({ outcome: 'applied' });
    expect(await statusOf(b)).toBe('paid');

    // 5. Killed while DHL creates the parcel (DHL acts, the answer never reaches the shop).
    const fulfilment = { authorization: `Bearer ${await staffToken(web, 'fulfilment')}` };
    for (const to of ['picking', 'packed']) {
      const moved = await web.inject({
        method: 'POST',
        url: `/api/v1/admin/orders/${a.id}/transitions`,
        headers: fulfilment,
        payload: { to },
      });
      expect(moved.statusCode).toBe(200);
    }
    dhl.simulator.holdCreates();
    await until(() => Promise.resolve(dhl.simulator.shipmentsFor(a.number).length > 0), 'DHL called', 20_000);
    await kill('during carrier handoff');
    dhl.simulator.recover();
    await start();
    const shipment = await until(
      async () => {
        const { rows } = await db.query<{ status: string; attempts: number }>(
          'select status, attempts from shipment where order_id = $1',
          [a.id],
        );
        return rows[0]?.status === 'created' ? rows[0] : undefined;
      },
      'the shipment created after the restart',
      25_000,
    );
    expect(shipment.attempts).toBe(2);
    expect(dhl.simulator.shipmentsFor(a.number)).toHaveLength(1);
    expect(await statusOf(a)).toBe('handed_to_carrier');

    // Nothing lost, nothing twice.
    for (const order of [a, b]) {
      expect(intentsOf(order)).toHaveLength(1);
      expect(await paidMoves(order)).toBe(1);
      const { rows } = await db.query<{ status: string }>('select status from payment where order_id = $1', [
        order.id,
      ]);
      expect(rows).toEqual([{ status: 'succeeded' }]);
      expect((await db.query('select 1 from invoice where order_id = $1', [order.id])).rowCount).toBe(1);
    }
    expect(stripe.requests.filter((r) => r.path === '/v1/refunds')).toHaveLength(0);
    timeline.push(`total ${Date.now() - began} ms`);
    process.stdout.write(`SIGKILL run: ${timeline.join('; ')}\n`);
  }, 180_000);
});
