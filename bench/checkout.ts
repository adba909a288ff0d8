import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { withCliDatabase } from '../scripts/cli-database.js';

/**
 * npm run bench:checkout
 *
 * Complete guest checkouts against the running app with its payment simulators, as a shop sees them:
 * each virtual user, one checkout after the other,
 *   1. places a guest order (POST /api/v1/shop/orders, own Idempotency-Key, 2 items, a German address),
 *   2. starts the card payment (POST /api/v1/shop/orders/:id/payments with the order's X-Order-Token),
 *   3. confirms it the way Stripe.js would (the Stripe simulator's confirm hook), whereupon the simulator
 *      posts the signed `payment_intent.succeeded` webhook to the app and the order moves to `paid`.
 * Step 3 answers once the app has answered the webhook, so a checkout counts only when its order is paid
 * (the webhook's outcome must be `applied`); at the end of each level the database must hold exactly
 * that many paid orders. The latency is the whole checkout, steps 1-3.
 *
 * The app is the built one (`<dist>/src/main.js`, as `npm start` runs it) in a child process, on a fresh
 * database created on DATABASE_URL's server (the embedded server when unset) and dropped afterwards, with
 * jobs and the access log on as in production. Levels: BENCH_USERS (default 1,8,32) concurrent users,
 * BENCH_SECONDS (default 10) each, after a short warm-up. Printed per level: checkouts/s, p50 and p99 of
 * the whole checkout, errors, deadlocks counted by PostgreSQL, and the app's peak RSS (VmHWM).
 */

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const LEVELS = (process.env.BENCH_USERS ?? '1,8,32').split(',').map(Number);
const WARM_UP_SECONDS = Number(process.env.BENCH_WARM_UP_SECONDS ?? 3);
const PRODUCTS = 200;

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

interface Level {
  users: number;
  checkouts: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  firstError?: string;
  deadlocks: number;
  peakRssMb: number;
  paidInDatabase: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** One JSON request over a kept-alive connection; answers status and parsed body. */
function call(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method,
        agent,
        headers: {
          accept: 'application/json',
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown>;
          try {
            json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            json = { raw: text.slice(0, 200) };
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

class CheckoutError extends Error {}

/** Time spent in each step, summed over a level (the breakdown printed with it). */
const stepTotals = { order: 0, payment: 0, webhook: 0 };

/** One complete guest checkout; throws CheckoutError with the step that failed. */
async function checkout(app: string, stripeSimulator: string, skus: string[]): Promise<void> {
  const a = skus[Math.floor(Math.random() * skus.length)];
  let b = skus[Math.floor(Math.random() * skus.length)];
  while (b === a) b = skus[Math.floor(Math.random() * skus.length)];
  const t0 = performance.now();
  const placed = await call(
    `${app}/api/v1/shop/orders`,
    'POST',
    {
      email: `bench.${randomBytes(6).toString('hex')}@example.org`,
      items: [
        { sku: a, quantity: 1 },
        { sku: b, quantity: 1 },
      ],
      deliveryAddress: ADDRESS,
      paymentMethod: 'card',
      carrierNotificationConsent: false,
    },
    { 'idempotency-key': randomUUID() },
  );
  if (placed.status !== 201)
    throw new CheckoutError(`place order: ${placed.status} ${JSON.stringify(placed.json).slice(0, 200)}`);
  const orderId = String(placed.json.id);
  const t1 = performance.now();
  const started = await call(`${app}/api/v1/shop/orders/${orderId}/payments`, 'POST', undefined, {
    'x-order-token': String(placed.json.accessToken),
    'idempotency-key': randomUUID(),
  });
  const secret = typeof started.json.clientSecret === 'string' ? started.json.clientSecret : '';
  if (started.status !== 201 || !secret.startsWith('pi_'))
    throw new CheckoutError(`start payment: ${started.status} ${JSON.stringify(started.json).slice(0, 200)}`);
  const intent = secret.split('_secret_')[0];
  const t2 = performance.now();
  const confirmed = await call(`${stripeSimulator}/_sim/payment_intents/${intent}/confirm`, 'POST');
  const t3 = performance.now();
  stepTotals.order += t1 - t0;
  stepTotals.payment += t2 - t1;
  stepTotals.webhook += t3 - t2;
  const delivery = confirmed.json.delivery as { status?: number; body?: string } | undefined;
  const outcome = delivery?.body ? (JSON.parse(delivery.body) as { outcome?: string }).outcome : undefined;
  if (confirmed.status !== 200 || delivery?.status !== 200 || outcome !== 'applied')
    throw new CheckoutError(
      `webhook: ${confirmed.status} ${delivery?.status ?? '-'} ${outcome ?? delivery?.body?.slice(0, 200) ?? ''}`,
    );
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function run(
  users: number,
  seconds: number,
  app: string,
  stripeSimulator: string,
  skus: string[],
): Promise<{ latencies: number[]; errors: string[]; elapsed: number }> {
  const latencies: number[] = [];
  const errors: string[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: users }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await checkout(app, stripeSimulator, skus);
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors.push(error instanceof Error ? error.message : String(error));
        }
      }
    }),
  );
  return { latencies, errors, elapsed: (performance.now() - started) / 1000 };
}

function startApp(databaseUrl: string, port: number): { child: ChildProcess; output: string[] } {
  const main = fileURLToPath(new URL('../src/main.js', import.meta.url));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    JOBS_ENABLED: process.env.BENCH_JOBS_ENABLED ?? 'true',
    PAYMENT_SIMULATORS: 'auto',
    // The bench confirms each payment itself (what the customer does in Stripe.js).
    PAYMENT_SIMULATOR_AUTOCONFIRM_MS: '0',
    DATABASE_POOL_SIZE: process.env.BENCH_POOL_SIZE ?? '20',
  };
  for (const key of [
    'STRIPE_SECRET_KEY',
    'STRIPE_WEBHOOK_SECRET',
    'PAYPAL_CLIENT_ID',
    'PAYPAL_CLIENT_SECRET',
    'NODE_OPTIONS',
  ])
    delete env[key];
  // BENCH_APP_NODE_ARGS passes flags to the app's node (e.g. --cpu-prof to see where its time goes).
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        output.push(line);
        if (output.length > 500) output.shift();
      }
    });
  return { child, output };
}

/** Waits until the app answers /health; then its log has named the Stripe simulator's address. */
async function ready(app: string, child: ChildProcess, output: string[]): Promise<string> {
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`the app exited (${child.exitCode}):\n${output.join('\n')}`);
    try {
      if ((await call(`${app}/health`, 'GET')).status === 200) {
        // The simulators always listen on the loopback interface; the log names the port.
        const match = output
          .map((l) => /card \(Stripe\) simulator on loopback port (\d+)/.exec(l))
          .find(Boolean);
        if (!match) throw new Error(`the app logged no Stripe simulator:\n${output.join('\n')}`);
        return `http://127.0.0.1:${match[1]}`;
      }
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('the app logged')) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the app did not become healthy:\n${output.join('\n')}`);
}

async function main(): Promise<void> {
  await withCliDatabase(async (serverUrl) => {
    const name = `bench_checkout_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const databaseUrl = url.toString();
    const db = new pg.Client({ connectionString: databaseUrl });
    const port = await freePort();
    const app = `http://127.0.0.1:${port}`;
    const { child, output } = startApp(databaseUrl, port);
    try {
      const stripeSimulator = await ready(app, child, output);
      await db.connect();
      const skus = Array.from({ length: PRODUCTS }, (_, i) => `BENCH-${String(i).padStart(4, '0')}`);
      await db.query(
        `insert into product (sku, name, price_cents, vat_rate_bp, stock, active)
         select sku, 'Bench product ' || sku, 1000 + (row_number() over ())::int * 7, 1900, 100000000, true
           from unnest($1::text[]) as sku`,
        [skus],
      );

      process.stdout.write(
        `checkout benchmark: ${os.cpus().length} cores, Node ${process.version}, ${SECONDS} s per level, ` +
          `app pid ${child.pid}, simulator ${stripeSimulator}\n`,
      );
      const warm = await run(8, WARM_UP_SECONDS, app, stripeSimulator, skus);
      if (warm.errors.length > 0)
        process.stdout.write(`warm-up errors: ${warm.errors.length} (first: ${warm.errors[0]})\n`);

      const levels: Level[] = [];
      for (const users of LEVELS) {
        const [{ deadlocks: before }] = (
          await db.query<{ deadlocks: string }>(
            'select deadlocks from pg_stat_database where datname = current_database()',
          )
        ).rows;
        const [{ paid: paidBefore }] = (
          await db.query<{ paid: string }>(`select count(*) as paid from shop_order where status = 'paid'`)
        ).rows;
        Object.assign(stepTotals, { order: 0, payment: 0, webhook: 0 });
        const { latencies, errors, elapsed } = await run(users, SECONDS, app, stripeSimulator, skus);
        const mean = (total: number): string => (latencies.length ? total / latencies.length : 0).toFixed(1);
        const [{ deadlocks: after }] = (
          await db.query<{ deadlocks: string }>(
            'select deadlocks from pg_stat_database where datname = current_database()',
          )
        ).rows;
        const [{ paid: paidAfter }] = (
          await db.query<{ paid: string }>(`select count(*) as paid from shop_order where status = 'paid'`)
        ).rows;
        const sorted = Float64Array.from(latencies).sort();
        const level: Level = {
          users,
          checkouts: latencies.length,
          perSecond: latencies.length / elapsed,
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
          errors: errors.length,
          ...(errors[0] ? { firstError: errors[0] } : {}),
          deadlocks: Number(after) - Number(before),
          peakRssMb: child.pid ? peakRssMb(child.pid) : NaN,
          paidInDatabase: Number(paidAfter) - Number(paidBefore),
        };
        levels.push(level);
        process.stdout.write(
          `${String(users).padStart(3)} users: ${level.perSecond.toFixed(1)} checkouts/s, p50 ${level.p50.toFixed(1)} ms, ` +
            `p99 ${level.p99.toFixed(1)} ms, ${level.errors} errors, ${level.deadlocks} deadlocks, ` +
            `peak RSS ${level.peakRssMb.toFixed(0)} MB, ${level.paidInDatabase}/${level.checkouts} orders paid in the database` +
            `${level.firstError ? ` (first error: ${level.firstError})` : ''}\n` +
            `           mean per step: place order ${mean(stepTotals.order)} ms, start payment ${mean(stepTotals.payment)} ms, ` +
            `confirm + webhook ${mean(stepTotals.webhook)} ms\n`,
        );
      }

      process.stdout.write(
        '\n| users | checkouts/s | p50 ms | p99 ms | errors | deadlocks | peak RSS MB |\n',
      );
      process.stdout.write('| ----: | ----------: | -----: | -----: | -----: | --------: | ----------: |\n');
      for (const l of levels)
        process.stdout.write(
          `| ${l.users} | ${l.perSecond.toFixed(1)} | ${l.p50.toFixed(1)} | ${l.p99.toFixed(1)} | ${l.errors} | ${l.deadlocks} | ${l.peakRssMb.toFixed(0)} |\n`,
        );
      const unpaid = levels.some((l) => l.paidInDatabase !== l.checkouts);
      if (unpaid)
        process.stdout.write('\nWARNING: the database does not hold one paid order per completed checkout\n');
      process.exitCode = levels.some((l) => l.errors > 0 || l.deadlocks > 0) || unpaid ? 1 : 0;
    } finally {
      agent.destroy();
      await db.end().catch(() => undefined);
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
