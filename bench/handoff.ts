import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { withCliDatabase } from '../scripts/cli-database.js';
import { createScratchDatabase } from './lib/scratch-database.js';
import { validateConfig } from '../src/config/app-config.js';
import { createApp } from '../src/create-app.js';
import { runMigrations } from '../src/database/migrate.js';
import { DhlSimulator } from '../src/modules/carrier-handoff/simulators/dhl-simulator.js';
import { OrderStateMachine } from '../src/modules/orders/order-state-machine.js';

/**
 * npm run bench:handoff
 *
 * Handoffs per second through the outbox to the fake carrier, and the time from `packed` to
 * `handed_to_carrier`. The real path end to end: a transition to `packed` through the order state
 * machine (its hook creates the shipment and enqueues the job in the same transaction), pg-boss, the
 * handoff worker (claim and commit, the Discloser with its guard, consent lookup and disclosure log,
 * the circuit breaker, the DHL adapter over HTTP), the DHL simulator answering after BENCH_CARRIER_MS
 * (default 20 ms), and the commit that moves the order to `handed_to_carrier`.
 *
 * BENCH_WORKERS worker processes (default 4), each the whole application with JOBS_ENABLED and the
 * configured CARRIER_HANDOFF_CONCURRENCY / BATCH_SIZE (defaults 4 and 4); the benchmark process places
 * and packs the orders and runs the simulator. Two phases: BENCH_ORDERS orders (default 3,000) packed
 * before the workers start, drained by them (throughput: orders / (last handed over − first attempt));
 * then, with the workers running, a steady stream of BENCH_RATE packs per second (default 150) for
 * BENCH_SECONDS (default 10), whose latencies are the handoff's own, not a backlog's. Times are the
 * database's (order_status_change.at, shipment_attempt.started_at).
 *
 * Goal: ≥ 300 handoffs/s at 4 workers; p99 packed → handed_to_carrier < 500 ms with the carrier at 20 ms.
 * Runs on its own database on DATABASE_URL's server (the embedded one when unset), dropped at the end.
 */

const WORKER_FLAG = '--handoff-worker';
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 3000);
const RATE = Number(process.env.BENCH_RATE ?? 150);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CARRIER_MS = Number(process.env.BENCH_CARRIER_MS ?? 20);
const SKU = 'BENCH-HANDOFF';

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

function baseEnv(databaseUrl: string, carrierEnv: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    OPENAPI_ENABLED: 'false',
    ACCESS_LOG_ENABLED: 'false',
    AUTH_TOKEN_SECRET: 'bench-handoff-token-secret-0123456789abcdef',
    CARRIER_SIMULATORS: 'off',
    PAYMENT_SIMULATORS: 'off',
    DATABASE_URL: databaseUrl,
    ...carrierEnv,
  };
}

async function boot(env: Record<string, string>): Promise<NestFastifyApplication> {
  const config = validateConfig(env);
  const app = await createApp({ config, databaseUrl: env.DATABASE_URL });
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** Worker mode: the whole application with its job workers, until SIGTERM. */
async function runWorker(): Promise<void> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const app = await boot({ ...env, JOBS_ENABLED: 'true' });
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void app.close().then(() => process.exit(0));
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

function startWorkers(env: Record<string, string>): Promise<ChildProcess[]> {
  const script = fileURLToPath(import.meta.url);
  return Promise.all(
    Array.from({ length: WORKERS }, () => {
      // BENCH_CPU_PROFILE=<dir>: each worker writes a V8 CPU profile there when it stops.
      const profile = process.env.BENCH_CPU_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`]
        : [];
      const child = spawn(process.execPath, [...profile, script, WORKER_FLAG], {
        env: { ...process.env, ...env, NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      return new Promise<ChildProcess>((resolve, reject) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString('utf8').includes('ready')) resolve(child);
        });
        child.once('exit', (code) => reject(new Error(`a worker exited with ${code} before it was ready`)));
      });
    }),
  );
}

/** Paid orders in `picking`, placed through the real checkout. */
async function pickingOrders(app: NestFastifyApplication, count: number): Promise<string[]> {
  const machine = app.get(OrderStateMachine);
  const ids: string[] = [];
  const place = async (): Promise<void> => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/shop/orders',
      headers: { 'idempotency-key': randomUUID() },
      payload: {
        email: `bench.${randomUUID().slice(0, 12)}@example.org`,
        items: [{ sku: SKU, quantity: 1 }],
        deliveryAddress: ADDRESS,
        paymentMethod: 'card',
        carrierNotificationConsent: ids.length % 3 === 0,
      },
    });
    if (res.statusCode !== 201) throw new Error(`checkout answered ${res.statusCode}: ${res.body}`);
    const order = res.json<{ id: string; totalCents: number; currency: string }>();
    await machine.markPaid(order.id, {
      provider: 'bench',
      reference: order.id,
      amountCents: order.totalCents,
      currency: order.currency,
    });
    await machine.transition(order.id, 'picking');
    ids.push(order.id);
  };
  const lanes = 8;
  await Promise.all(
    Array.from({ length: lanes }, async (_x, lane) => {
      for (let i = lane; i < count; i += lanes) await place();
    }),
  );
  return ids;
}

interface Timing {
  packed: Date;
  handed: Date | null;
}

async function timings(dataSource: DataSource, ids: string[]): Promise<Timing[]> {
  return dataSource.query(
    `select p.at as packed, h.at as handed
       from order_status_change p
       left join order_status_change h on h.order_id = p.order_id and h.to_status = 'handed_to_carrier'
      where p.order_id = any($1::uuid[]) and p.to_status = 'packed'`,
    [ids],
  );
}

async function waitHandedOver(dataSource: DataSource, ids: string[], timeoutMs: number): Promise<Timing[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await timings(dataSource, ids);
    if (rows.length === ids.length && rows.every((r) => r.handed)) return rows;
    if (Date.now() > deadline) {
      const done = rows.filter((r) => r.handed).length;
      throw new Error(`only ${done} of ${ids.length} orders were handed over within ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const latencies = (rows: Timing[]): number[] =>
  rows.map((r) => (r.handed as Date).getTime() - r.packed.getTime()).sort((a, b) => a - b);

async function coordinate(): Promise<void> {
  await withCliDatabase(async (serverUrl, cliConfig) => {
    const database = await createScratchDatabase(serverUrl, 'handoff_bench');
    const dhl = new DhlSimulator({ maxRecorded: 100 });
    dhl.latencyMs = CARRIER_MS;
    await dhl.start();
    let workers: ChildProcess[] = [];
    let web: NestFastifyApplication | undefined;
    try {
      await runMigrations(database.url);
      const env = baseEnv(database.url, dhl.env());
      web = await boot({ ...env, JOBS_ENABLED: 'false' });
      const dataSource = web.get(DataSource);
      await dataSource.query(
        `insert into product (sku, name, price_cents, vat_rate_bp, stock, active) values ($1, 'Bench device', 1990, 1900, 1000000, true)`,
        [SKU],
      );
      const burst = await pickingOrders(web, ORDERS);
      const steady = await pickingOrders(web, RATE * SECONDS);
      const machine = web.get(OrderStateMachine);
      const commits = async (): Promise<number> => {
        const rows = await dataSource.query<{ n: string }[]>(
          'select xact_commit::text as n from pg_stat_database where datname = current_database()',
        );
        return Number(rows[0].n);
      };

      // Phase 1, throughput: a backlog packed before any worker runs (so the packing speed of this one
      // process does not cap the figure), then drained by the workers; from the first attempt's start to
      // the last order handed over, on the database's clock.
      const packStarted = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < burst.length) await machine.transition(burst[next++], 'packed');
        }),
      );
      const packSeconds = (performance.now() - packStarted) / 1000;
      const commitsBefore = await commits();
      workers = await startWorkers(env);
      await waitHandedOver(dataSource, burst, 600_000);
      const commitsPerHandoff = ((await commits()) - commitsBefore) / burst.length;
      const [{ drain }] = await dataSource.query<{ drain: number }[]>(
        `select extract(epoch from
           (select max(h.at) from order_status_change h
             where h.order_id = any($1::uuid[]) and h.to_status = 'handed_to_carrier')
           - (select min(a.started_at) from shipment_attempt a join shipment s on s.id = a.shipment_id
               where s.order_id = any($1::uuid[])))::float8 as drain`,
        [burst],
      );
      const throughput = burst.length / drain;
      const [{ attempt_p50, attempt_p99 }] = await dataSource.query<
        { attempt_p50: number; attempt_p99: number }[]
      >(
        `select percentile_cont(0.5) within group (order by a.duration_ms)::int as attempt_p50,
                percentile_cont(0.99) within group (order by a.duration_ms)::int as attempt_p99
           from shipment_attempt a join shipment s on s.id = a.shipment_id where s.order_id = any($1::uuid[])`,
        [burst],
      );

      // Phase 2: a steady stream below capacity.
      const interval = 1000 / RATE;
      const steadyStarted = performance.now();
      const packs: Promise<unknown>[] = [];
      for (let i = 0; i < steady.length; i++) {
        const due = steadyStarted + i * interval;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        packs.push(machine.transition(steady[i], 'packed'));
      }
      await Promise.all(packs);
      const steadyLatency = latencies(await waitHandedOver(dataSource, steady, 120_000));

      const [{ shipments, attempts, duplicates }] = await dataSource.query<
        { shipments: number; attempts: number; duplicates: number }[]
      >(
        `select count(*)::int as shipments, sum(attempts)::int as attempts,
                (select count(*)::int from (select order_number from shipment group by order_number having count(*) > 1) d) as duplicates
           from shipment`,
      );
      const [server] = await dataSource.query<{ version: string }[]>('select version() as version');
      const atCarrier = dhl.shipments.length;
      const cpus = os.cpus();
      const config = validateConfig({ ...process.env, ...env });
      const out: string[] = [];
      out.push('Carrier handoff through the outbox to the DHL simulator');
      out.push(
        `${server.version.split(' on ')[0]} (${cliConfig.DATABASE_URL ? 'DATABASE_URL' : 'embedded'}) | Node ${process.version} | ` +
          `${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'} | ${WORKERS} worker processes × concurrency ` +
          `${config.CARRIER_HANDOFF_CONCURRENCY}, batch ${config.CARRIER_HANDOFF_BATCH_SIZE}, poll ${config.CARRIER_HANDOFF_POLL_INTERVAL_MS} ms | carrier answers in ${CARRIER_MS} ms`,
      );
      out.push('');
      out.push(
        `throughput: ${burst.length} orders packed beforehand (${(burst.length / packSeconds).toFixed(0)}/s by one web ` +
          `process), drained in ${drain.toFixed(1)} s: ${throughput.toFixed(0)} handoffs/s ` +
          `(${commitsPerHandoff.toFixed(1)} transactions per handoff, pg-boss's and the other modules' jobs included)`,
      );
      out.push(
        `  one attempt, claim to commit, while draining: p50 ${attempt_p50} ms, p99 ${attempt_p99} ms`,
      );
      out.push(`steady: ${steady.length} orders at ${RATE}/s`);
      out.push(
        `  packed → handed_to_carrier: p50 ${percentile(steadyLatency, 50)} ms, p90 ${percentile(steadyLatency, 90)} ms, ` +
          `p99 ${percentile(steadyLatency, 99)} ms, max ${steadyLatency.at(-1)} ms`,
      );
      out.push(
        `shipments: ${shipments}, attempts: ${attempts}, at the carrier: ${atCarrier}, references created twice: ${duplicates}`,
      );
      out.push(
        `goal ≥ 300 handoffs/s: ${throughput >= 300 ? 'met' : 'NOT MET'}; goal p99 < 500 ms (steady): ` +
          `${percentile(steadyLatency, 99) < 500 ? 'met' : 'NOT MET'}`,
      );
      process.stdout.write(`${out.join('\n')}\n`);
    } finally {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              w.once('exit', () => resolve());
              w.kill('SIGTERM');
            }),
        ),
      );
      await web?.close();
      await dhl.close();
      await database.drop();
    }
  });
}

if (process.argv.includes(WORKER_FLAG)) await runWorker();
else await coordinate();
