import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { withCliDatabase } from '../scripts/cli-database.js';
import { TokenService } from '../src/common/auth/token.service.js';
import { validateConfig } from '../src/config/app-config.js';
import { createApp } from '../src/create-app.js';
import { runMigrations } from '../src/database/migrate.js';
import { machine } from './lib/app-under-test.js';
import { createScratchDatabase } from './lib/scratch-database.js';

/**
 * npm run bench:rights
 *
 * The Art. 15 answer for one person with many records, through the whole application (HTTP, auth, the
 * request record, every module's exporter, the access answer composer, the audit appends): a signed-in
 * customer with BENCH_ORDERS orders (default 1,000) and BENCH_INQUIRIES inquiries (default 50) sends
 * POST /api/v1/shop/privacy-requests { type: 'access' } BENCH_RUNS times (default 30, after 3 warm-ups),
 * one after the other; then the readable page (GET …/:id/answer?format=html) as often. Prints p50, p95,
 * max and the size of the answer. Goal (issue 12): < 300 ms at p50.
 *
 * Everything is seeded through the API (orders with Idempotency-Key, inquiries from the contact form),
 * on a database of its own on DATABASE_URL's server (the embedded server when unset), dropped at the end.
 */
const ORDERS = Number(process.env.BENCH_ORDERS ?? 1000);
const INQUIRIES = Number(process.env.BENCH_INQUIRIES ?? 50);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARM_UP = 3;

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

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

function summary(label: string, times: number[], bytes: number): string {
  const sorted = [...times].sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(1).padStart(7);
  return `| ${label.padEnd(34)} | ${String(times.length).padStart(4)} | ${f(percentile(sorted, 50))} | ${f(percentile(sorted, 95))} | ${f(sorted[sorted.length - 1])} | ${String(Math.round(bytes / 1024)).padStart(6)} |`;
}

async function boot(url: string): Promise<NestFastifyApplication> {
  const config = validateConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JOBS_ENABLED: 'false',
    OPENAPI_ENABLED: 'false',
    AUTH_TOKEN_SECRET: randomBytes(32).toString('hex'),
    INQUIRY_RATE_LIMIT_MAX: String(INQUIRIES * 2),
    DATABASE_URL: url,
  });
  const app = await createApp({ config, databaseUrl: url });
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

async function seed(
  app: NestFastifyApplication,
): Promise<{ headers: { authorization: string }; email: string }> {
  const db = app.get(DataSource);
  await db.query(
    `insert into product (sku, name, price_cents, vat_rate_bp, stock, active)
     values ('BENCH-RIGHTS', 'Bench product', 1990, 1900, 100000000, true)`,
  );
  const id = randomUUID();
  const email = `erika.${id.slice(0, 8)}@example.org`;
  await db.query(
    `insert into customer (id, email, email_normalized, password_hash, first_name, last_name)
     values ($1, $2, $2, 'not-a-real-hash', 'Erika', 'Mustermann')`,
    [id, email],
  );
  const { token } = app.get(TokenService).sign({ sub: id, kind: 'customer' });
  const headers = { authorization: `Bearer ${token}` };
  const started = performance.now();
  for (let i = 0; i < ORDERS; i++) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/shop/orders',
      headers: { ...headers, 'idempotency-key': randomUUID() },
      payload: {
        items: [{ sku: 'BENCH-RIGHTS', quantity: 1 + (i % 3) }],
        deliveryAddress: ADDRESS,
        paymentMethod: 'card',
      },
    });
    if (res.statusCode !== 201) throw new Error(`order ${i} answered ${res.statusCode}: ${res.body}`);
  }
  for (let i = 0; i < INQUIRIES; i++) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/shop/inquiries',
      payload: { name: 'Erika Mustermann', email, message: `Question number ${i} about the DV-GO device.` },
      remoteAddress: `10.50.${Math.floor(i / 200)}.${(i % 200) + 1}`,
    });
    if (res.statusCode !== 202) throw new Error(`inquiry ${i} answered ${res.statusCode}: ${res.body}`);
  }
  process.stdout.write(
    `seeded ${ORDERS} orders and ${INQUIRIES} inquiries in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return { headers, email };
}

await withCliDatabase(async (serverUrl) => {
  const database = await createScratchDatabase(serverUrl, 'rights_bench');
  try {
    await runMigrations(database.url);
    const app = await boot(database.url);
    try {
      const { headers } = await seed(app);
      const access: number[] = [];
      const html: number[] = [];
      let answerBytes = 0;
      let htmlBytes = 0;
      let records = 0;
      let lastId = '';
      for (let i = 0; i < WARM_UP + RUNS; i++) {
        const t0 = performance.now();
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/shop/privacy-requests',
          headers,
          payload: { type: 'access' },
        });
        const elapsed = performance.now() - t0;
        if (res.statusCode !== 200) throw new Error(`access answered ${res.statusCode}: ${res.body}`);
        if (i < WARM_UP) continue;
        access.push(elapsed);
        answerBytes = res.rawPayload.length;
        const body = res.json<{
          request: { id: string };
          result: { answer: { copy: { sections: { records: unknown[] }[] } } };
        }>();
        records = body.result.answer.copy.sections.reduce((n, s) => n + s.records.length, 0);
        lastId = body.request.id;
      }
      for (let i = 0; i < WARM_UP + RUNS; i++) {
        const t0 = performance.now();
        const res = await app.inject({
          method: 'GET',
          url: `/api/v1/shop/privacy-requests/${lastId}/answer?format=html&lang=en`,
          headers,
        });
        const elapsed = performance.now() - t0;
        if (res.statusCode !== 200) throw new Error(`the page answered ${res.statusCode}`);
        if (i < WARM_UP) continue;
        html.push(elapsed);
        htmlBytes = res.rawPayload.length;
      }
      process.stdout.write(`\n${machine()}; ${records} records in the copy\n\n`);
      process.stdout.write(
        `| request                            | runs |  p50 ms |  p95 ms |  max ms | KiB    |\n`,
      );
      process.stdout.write(
        `| ---------------------------------- | ---: | ------: | ------: | ------: | -----: |\n`,
      );
      process.stdout.write(`${summary('POST privacy-requests (access)', access, answerBytes)}\n`);
      process.stdout.write(`${summary('GET …/answer?format=html', html, htmlBytes)}\n`);
    } finally {
      await app.close();
    }
  } finally {
    await database.drop();
  }
  return 0;
});
