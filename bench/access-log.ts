import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { withCliDatabase } from '../scripts/cli-database.js';
import { createScratchDatabase } from './lib/scratch-database.js';
import { validateConfig } from '../src/config/app-config.js';
import { createApp } from '../src/create-app.js';
import { runMigrations } from '../src/database/migrate.js';
import { AccessLogWriter } from '../src/modules/access-log/access-log.writer.js';

/**
 * npm run bench:access-log
 *
 * What the access log adds to a request: two instances of the real application (createApp, every
 * module) on one database, one with ACCESS_LOG_ENABLED=true and one with false, each answering a
 * cheap route through Fastify's in-process injection (the whole request pipeline without a socket).
 * Requests run one after the other in rounds that alternate between the two, so that drift of the
 * machine hits both alike; every request is timed. The enabled instance flushes on its own timer
 * (ACCESS_LOG_FLUSH_INTERVAL_MS, default 1 s) during its rounds, so the flusher's work (URL
 * sanitising, User-Agent parsing, the INSERT) is inside its figures too; its buffer is emptied
 * before each round of the other. Goal: < 0.2 ms added at p50.
 *
 * Runs on its own database, created on DATABASE_URL's server (or the embedded server when unset)
 * and dropped at the end. BENCH_REQUESTS sets the requests per instance (default 40,000).
 */

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 40_000);
const ROUNDS = 20;
const PER_ROUND = Math.max(1, Math.floor(REQUESTS / ROUNDS));
const WARM_UP = 3_000;

const REQUEST = {
  method: 'GET' as const,
  url: '/bench/ping?page=2&email=erika%40example.org&token=abc123',
  headers: {
    'user-agent':
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    referer: 'https://www.google.com/search?q=dermascope',
  },
  remoteAddress: '203.0.113.7',
};

/** The cheapest route the application can have: what is measured is the pipeline and the hook. */
@Controller('bench')
class PingController {
  @Get('ping')
  ping(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [PingController] })
class BenchProbeModule {}

interface Summary {
  label: string;
  requests: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

function summarise(label: string, latencies: number[]): Summary {
  const sorted = Float64Array.from(latencies).sort();
  return {
    label,
    requests: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    mean: latencies.reduce((a, b) => a + b, 0) / latencies.length,
  };
}

async function run(app: NestFastifyApplication, n: number, into?: number[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await app.inject(REQUEST);
    const elapsed = performance.now() - t0;
    if (res.statusCode !== 200) throw new Error(`the probe answered ${res.statusCode}`);
    into?.push(elapsed);
  }
}

async function boot(url: string, accessLog: boolean): Promise<NestFastifyApplication> {
  const config = validateConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JOBS_ENABLED: 'false',
    OPENAPI_ENABLED: 'false',
    AUTH_TOKEN_SECRET: randomBytes(32).toString('hex'),
    ACCESS_LOG_ENABLED: String(accessLog),
    DATABASE_URL: url,
  });
  const app = await createApp({ config, databaseUrl: url, extraModules: [BenchProbeModule] });
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

const ms = (x: number): string => x.toFixed(3).padStart(8);

await withCliDatabase(async (serverUrl, cliConfig) => {
  const database = await createScratchDatabase(serverUrl, 'access_log_bench');
  try {
    await runMigrations(database.url);
    const enabled = await boot(database.url, true);
    const disabled = await boot(database.url, false).catch(async (error: unknown) => {
      await enabled.close();
      throw error;
    });
    try {
      const writer = enabled.get(AccessLogWriter);
      await run(enabled, WARM_UP);
      await run(disabled, WARM_UP);
      await writer.flush();

      const withLog: number[] = [];
      const withoutLog: number[] = [];
      let flushMs = 0;
      const writtenBefore = writer.stats().written;
      const started = performance.now();
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate which goes first, so neither always runs on a warmer or busier machine.
        const order: [NestFastifyApplication, number[]][] =
          round % 2 === 0
            ? [
                [enabled, withLog],
                [disabled, withoutLog],
              ]
            : [
                [disabled, withoutLog],
                [enabled, withLog],
              ];
        for (const [app, into] of order) {
          await run(app, PER_ROUND, into);
          if (app === enabled) {
            // What the timer has not written yet: timed here, as the flusher's cost off the request path.
            const t0 = performance.now();
            await writer.flush();
            flushMs += performance.now() - t0;
          }
        }
      }
      const seconds = (performance.now() - started) / 1000;
      await writer.flush();

      const dataSource = enabled.get(DataSource);
      const [{ lines }] = await dataSource.query<{ lines: number }[]>(
        `select count(*)::int as lines from access_log where url = '/bench/ping?page=2&email=&token='`,
      );
      const stats = writer.stats();
      const on = summarise('access log on', withLog);
      const off = summarise('access log off', withoutLog);

      const [server] = await dataSource.query<{ version: string }[]>('select version() as version');
      const cpus = os.cpus();
      const out: string[] = [];
      out.push('Access log: latency added to a request (Fastify inject, one request at a time)');
      out.push(
        `${server.version.split(' on ')[0]} (${cliConfig.DATABASE_URL ? 'DATABASE_URL' : 'embedded'}) | Node ${process.version} | ` +
          `${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'} | ${ROUNDS} rounds × ${PER_ROUND} requests per instance, ${seconds.toFixed(1)} s`,
      );
      out.push('');
      out.push(`${'instance'.padEnd(16)} requests   p50 ms   p90 ms   p99 ms  mean ms`);
      for (const s of [off, on]) {
        out.push(
          `${s.label.padEnd(16)} ${String(s.requests).padStart(8)} ${ms(s.p50)} ${ms(s.p90)} ${ms(s.p99)} ${ms(s.mean)}`,
        );
      }
      const added = on.p50 - off.p50;
      out.push(
        `${'added'.padEnd(16)} ${''.padStart(8)} ${ms(added)} ${ms(on.p90 - off.p90)} ${ms(on.p99 - off.p99)} ${ms(on.mean - off.mean)}`,
      );
      const measuredLines = stats.written - writtenBefore;
      const onTotal = withLog.reduce((a, b) => a + b, 0) + flushMs;
      out.push(
        `${'on, incl. flush'.padEnd(16)} ${''.padStart(8)} ${''.padStart(8)} ${''.padStart(8)} ${''.padStart(8)} ${ms(onTotal / on.requests)}`,
      );
      out.push('');
      out.push(
        `explicit flushes between rounds: ${flushMs.toFixed(0)} ms for the lines the 1 s timer had not written ` +
          `(${((flushMs * 1000) / Math.max(1, measuredLines)).toFixed(1)} µs per measured line, amortised)`,
      );
      out.push(
        `lines written: ${stats.written.toLocaleString('en-US')} (${lines.toLocaleString('en-US')} of the measured route ` +
          `in the table, URL sanitised), dropped: ${stats.dropped}, failed writes: ${stats.failedWrites}`,
      );
      out.push(`goal < 0.2 ms added at p50: ${added.toFixed(3)} ms ${added < 0.2 ? 'met' : 'NOT MET'}`);
      process.stdout.write(`${out.join('\n')}\n`);
    } finally {
      await enabled.close();
      await disabled.close();
    }
  } finally {
    await database.drop();
  }
});
