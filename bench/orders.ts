import 'reflect-metadata';
import autocannon from 'autocannon';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { PLACE_ORDER_SQL } from '../src/modules/orders/checkout.js';
import { withCliDatabase } from '../scripts/cli-database.js';
import { runMigrations } from '../src/database/migrate.js';
import { machine, startApp } from './lib/app-under-test.js';
import { createScratchDatabase } from './lib/scratch-database.js';

/**
 * npm run bench:orders
 *
 * Order placement through the whole running app (HTTP, validation, address check, auth, the one
 * placement statement, access log) at 1, 8 and 32 connections, against its ceiling: pgbench running
 * the very statement the app sends (PLACE_ORDER_SQL, prepared) on the same server. Prints orders/s,
 * p50, p99, errors, the app's peak RSS and the ratio app/ceiling.
 *
 * BENCH_SECONDS (default 10) per phase; BENCH_CONNECTIONS (default 1,8,32); DATABASE_URL picks the
 * server (the embedded one when unset). Needs `pgbench` on the PATH for the ceiling.
 * BENCH_PRINT_SCRIPT=1 prints the pgbench script and exits.
 */
const execFileAsync = promisify(execFile);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,8,32').split(',').map(Number);
const PRODUCTS = 1000;
const CUSTOMERS = 32;

const DE_ADDRESS = {
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

const sku = (i: number): string => `BENCH-${String(i).padStart(4, '0')}`;

async function seedProducts(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(
    `insert into product (sku, name, price_cents, vat_rate_bp, stock, active)
     select 'BENCH-' || lpad(i::text, 4, '0'), 'Bench product ' || i, 1000 + i, case when i % 5 = 0 then 700 else 1900 end, 100000000, true
       from generate_series(1, $1) i`,
    [PRODUCTS],
  );
  await client.end();
}

/** Customers for the customer half of the load: registered and signed in through the API. */
async function customerTokens(baseUrl: string): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const email = `bench-${i}-${Date.now()}@example.org`;
    const password = `Bench-password-${i}-xyz!`;
    const reg = await fetch(`${baseUrl}/api/v1/shop/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, firstName: 'Erika', lastName: 'Mustermann' }),
    });
    if (reg.status >= 300) throw new Error(`registration failed: ${reg.status}`);
    const login = await fetch(`${baseUrl}/api/v1/shop/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (!login.ok) throw new Error(`login failed: ${login.status}`);
    tokens.push(((await login.json()) as { accessToken: string }).accessToken);
  }
  return tokens;
}

interface Phase {
  connections: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  peakRssMb: number;
}

async function loadApp(
  baseUrl: string,
  connections: number,
  tokens: string[],
  seconds: number,
): Promise<Omit<Phase, 'peakRssMb'>> {
  let n = 0;
  const result = await autocannon({
    url: baseUrl,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/shop/orders',
        setupRequest: (req) => {
          n += 1;
          const a = (n * 7919) % PRODUCTS;
          const items = [
            { sku: sku(a + 1), quantity: 1 },
            { sku: sku(((a + 1) % PRODUCTS) + 1), quantity: 2 },
          ];
          const customer = n % 2 === 0;
          const headers: Record<string, string> = {
            'content-type': 'application/json',
            'idempotency-key': randomUUID(),
          };
          if (customer) headers.authorization = `Bearer ${tokens[n % tokens.length]}`;
          const body = {
            ...(customer ? {} : { email: `guest-${n}@example.org` }),
            items,
            deliveryAddress: DE_ADDRESS,
            paymentMethod: 'card',
          };
          return { ...req, headers, body: JSON.stringify(body) };
        },
      },
    ],
  });
  return {
    connections,
    perSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/**
 * The ceiling: the app's own placement statement under pgbench, with the same shape of parameters
 * (two distinct products, quantities 1 and 2, a fresh idempotency key and order id per transaction).
 */
function pgbenchScript(): string {
  const address = (p: string) =>
    [
      `'${DE_ADDRESS.firstName}'`,
      `'${DE_ADDRESS.lastName}'`,
      'null',
      `'${DE_ADDRESS.street}'`,
      `'${DE_ADDRESS.houseNumber}'`,
      'null',
      `'${DE_ADDRESS.postalCode}'`,
      `'${DE_ADDRESS.city}'`,
      `'${DE_ADDRESS.country}'`,
    ].map((v) => `${v}::text /* ${p} */`);
  const params: string[] = [
    `array['BENCH-' || lpad(:a::text, 4, '0'), 'BENCH-' || lpad(:b::text, 4, '0')]::text[]`,
    `array[1, 2]::int[]`,
    `('pgbench-guest-' || :client_id::text || '-' || :r::text)`,
    `md5('k' || :client_id::text || '-' || :r::text)`,
    `md5('h' || :client_id::text || '-' || :r::text)`,
    `md5('o' || :client_id::text || '-' || :r::text)::uuid`,
    `'Europe/Berlin'::text`,
    `null::uuid`,
    `'guest@example.org'::text`,
    `'card'::text`,
    `false`,
    ...address('delivery'),
    ...address('billing'),
  ];
  let sql = PLACE_ORDER_SQL;
  const used = new Set([...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
  if (Math.max(...used) !== params.length)
    throw new Error(`PLACE_ORDER_SQL takes ${Math.max(...used)} parameters; the bench maps ${params.length}`);
  for (let i = params.length; i >= 1; i--)
    sql = sql.replace(new RegExp(`\\$${i}(?!\\d)`, 'g'), `(${params[i - 1]})`);
  return [
    `\\set a random(1, ${PRODUCTS})`,
    `\\set b (:a % ${PRODUCTS}) + 1`,
    `\\set r random(1, 2000000000)`,
    sql.replace(/\s*\n\s*/g, ' ').trim() + ';',
    '',
  ].join('\n');
}

async function ceiling(url: string, connections: number, seconds: number): Promise<number | null> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-orders-'));
  const file = path.join(dir, 'place-order.sql');
  await writeFile(file, pgbenchScript());
  try {
    const { stdout } = await execFileAsync(
      'pgbench',
      [
        '-n',
        '-M',
        'prepared',
        '-c',
        String(connections),
        '-j',
        String(Math.min(connections, os.cpus().length)),
        '-T',
        String(seconds),
        '-f',
        file,
        url,
      ],
      { maxBuffer: 10 * 1024 * 1024 },
    );
    const tps = /tps = ([\d.]+)/.exec(stdout)?.[1];
    return tps ? Number(tps) : null;
  } catch (error) {
    const e = error as { code?: string; stderr?: string };
    if (e.code === 'ENOENT') {
      process.stderr.write('pgbench not found on the PATH: no ceiling measured\n');
      return null;
    }
    throw new Error(`pgbench failed: ${e.stderr ?? String(error)}`, { cause: error });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number, d = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main(serverUrl: string): Promise<void> {
  const db = await createScratchDatabase(serverUrl, 'bench_orders');
  await runMigrations(db.url);
  const pool = String(Math.max(...CONNECTIONS) + 4);
  const app = await startApp(db.url, {
    DATABASE_POOL_SIZE: pool,
    REGISTRATION_MAX_PER_CLIENT: '10000',
    JOBS_ENABLED: 'false',
  });
  try {
    await seedProducts(db.url);
    const tokens = await customerTokens(app.baseUrl);
    await loadApp(app.baseUrl, 8, tokens, 2); // warm-up: JIT, pool, prepared statements

    const rows: (Phase & { ceiling: number | null })[] = [];
    for (const connections of CONNECTIONS) {
      app.resetPeak();
      const phase = await loadApp(app.baseUrl, connections, tokens, SECONDS);
      const peakRssMb = app.peakRssMb();
      const top = await ceiling(db.url, connections, SECONDS);
      rows.push({ ...phase, peakRssMb, ceiling: top });
    }

    process.stdout.write(
      `\nOrder placement, ${SECONDS} s per phase, guest and customer mixed, 2-item carts, DE addresses\n`,
    );
    process.stdout.write(`machine: ${machine()}\n\n`);
    process.stdout.write(
      '| connections | orders/s | p50 ms | p99 ms | errors | non-2xx | peak RSS MB | ceiling tps (pgbench) | app/ceiling |\n',
    );
    process.stdout.write('|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n');
    for (const r of rows) {
      const ratio = r.ceiling ? fmt(r.perSecond / r.ceiling, 2) : 'n/a';
      process.stdout.write(
        `| ${r.connections} | ${fmt(r.perSecond)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${r.errors} | ${r.non2xx} | ${fmt(r.peakRssMb)} | ${r.ceiling ? fmt(r.ceiling) : 'n/a'} | ${ratio} |\n`,
      );
    }
    const orders = new pg.Client({ connectionString: db.url });
    await orders.connect();
    const placed = (
      await orders.query<{ n: number }>(
        `select count(*)::int as n from shop_order where subject_id not like 'pgbench-guest-%'`,
      )
    ).rows[0].n;
    await orders.end();
    process.stdout.write(`\norders placed through the app: ${fmt(placed)}\n`);
  } finally {
    await app.stop();
    await db.drop();
  }
}

if (process.env.BENCH_PRINT_SCRIPT) process.stdout.write(pgbenchScript());
else await withCliDatabase((serverUrl) => main(serverUrl));
