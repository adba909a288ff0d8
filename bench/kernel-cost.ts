import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import {
  AUDIT_TABLE,
  GENESIS_HASH,
  canonicalFields,
  hashRow,
} from '../libs/privacy/src/audit/audit-chain.js';
import { AUDIT_CHAIN_LOCK, AuditLog } from '../libs/privacy/src/audit/audit-log.service.js';
import { ConsentLedger } from '../libs/privacy/src/consent/consent-ledger.js';
import { ActorContext, type Actor } from '../libs/privacy/src/context/actor-context.js';
import { defineActivity } from '../libs/privacy/src/declarations.js';
import { ProcessingGuard } from '../libs/privacy/src/guard/processing-guard.js';
import { PrivacyModule } from '../libs/privacy/src/privacy.module.js';
import { withCliDatabase } from '../scripts/cli-database.js';
import { createScratchDatabase } from './lib/scratch-database.js';
import { runMigrations } from '../src/database/migrate.js';
import { typeOrmOptions } from '../src/database/typeorm-options.js';

/**
 * npm run bench:kernel
 *
 * The privacy kernel's cost on one request that reads a person's data: the processing guard (for a
 * consent-based activity: the registry lookup in memory plus one indexed query) and one access audit
 * append. Measures requests per second at 1 and 32 concurrent writers and each request's latency
 * (p50, p99), which is the latency the kernel adds. Goal: ≥ 2,000 appends/s at 32 writers, < 1 ms at p50.
 *
 * Runs on its own database, created on DATABASE_URL's server (or the embedded server when unset) and
 * dropped at the end. BENCH_SECONDS sets the length of each run (default 5).
 */

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SUBJECTS = 500;
const STAFF: Actor = { type: 'staff', id: 'staff-bench', role: 'support' };
const FIELDS = ['contact.email', 'contact.phone', 'address.street', 'address.city'];

const BENCH_ACTIVITY = defineActivity({
  id: 'bench-newsletter',
  name: 'Newsletter (benchmark)',
  purposes: ['Send the newsletter the person asked for'],
  legalBasis: '6(1)(a)',
  consentPurpose: 'bench-newsletter',
  dataSubjects: ['customers'],
  dataCategories: [{ id: 'bench.email', description: 'email address', collection: 'mandatory' }],
  source: { kind: 'data-subject' },
  disclosures: [],
  processors: [],
  retention: [{ kind: 'event', event: 'consent withdrawn', description: 'until consent is withdrawn' }],
  measures: ['TLS', 'access control'],
});

@Module({})
class KernelBenchModule {
  static forDatabase(url: string): DynamicModule {
    return {
      module: KernelBenchModule,
      imports: [
        TypeOrmModule.forRoot({
          ...typeOrmOptions({ url, poolSize: 40, applicationName: 'storefront-kernel-bench' }),
          autoLoadEntities: true,
        }),
        PrivacyModule.forRoot({
          databaseUrl: url,
          runJobs: false,
          controller: {
            name: 'Benchmark Shop',
            address: 'nowhere',
            contact: 'bench@example.org',
            supervisoryAuthority: 'none',
          },
        }),
        PrivacyModule.forFeature({ activities: [BENCH_ACTIVITY] }),
      ],
    };
  }
}

interface Measurement {
  scenario: string;
  writers: number;
  perSecond: number;
  p50: number;
  p99: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** `writers` loops, each doing one request after the other, for `seconds`; every request timed. */
async function measure(
  scenario: string,
  writers: number,
  seconds: number,
  request: (i: number) => Promise<unknown>,
): Promise<Measurement> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        await request(next++);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    scenario,
    writers,
    perSecond: latencies.length / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  };
}

/**
 * The design the appender does not use, measured for comparison: every append its own transaction
 * holding the chain lock (same lock, same hashing, same table), concurrent appends queueing on the lock.
 */
function appendWithLockPerAppend(dataSource: DataSource, subjectId: string): Promise<void> {
  return dataSource.transaction(async (em) => {
    await em.query(`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
    const tail = await em.query<{ seq: string; hash: string }[]>(
      `select log.seq::text as seq, log.hash from ${AUDIT_TABLE} log order by log.seq desc limit 1`,
    );
    const row = {
      seq: (BigInt(tail[0]?.seq ?? '0') + 1n).toString(),
      occurredAt: new Date(),
      actor: STAFF,
      subjectId,
      activityId: BENCH_ACTIVITY.id,
      action: 'read',
      fields: canonicalFields(FIELDS),
      prevHash: tail[0]?.hash ?? GENESIS_HASH,
    };
    await em.query(
      `insert into ${AUDIT_TABLE}
         (seq, occurred_at, actor_type, actor_id, actor_role, subject_id, activity_id, action, fields, prev_hash, hash)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        row.seq,
        row.occurredAt,
        STAFF.type,
        STAFF.id,
        STAFF.role,
        subjectId,
        row.activityId,
        row.action,
        row.fields,
        row.prevHash,
        hashRow(row),
      ],
    );
  });
}

const ms = (x: number): string => x.toFixed(2).padStart(8);
const count = (x: number): string => Math.round(x).toLocaleString('en-US').padStart(12);

await withCliDatabase(async (appUrl, config) => {
  const database = await createScratchDatabase(appUrl, 'kernel_bench');
  try {
    await runMigrations(database.url);
    const app = await NestFactory.createApplicationContext(KernelBenchModule.forDatabase(database.url), {
      logger: false,
    });
    try {
      const dataSource = app.get(DataSource);
      const guard = app.get(ProcessingGuard);
      const auditLog = app.get(AuditLog);
      const ledger = app.get(ConsentLedger);

      for (let i = 0; i < SUBJECTS; i++) {
        await ledger.grant({
          subjectId: `customer-${i}`,
          purpose: 'bench-newsletter',
          channel: 'bench',
          wording: { version: '1', text: 'Yes, send me the newsletter.' },
        });
      }
      const subject = (i: number): string => `customer-${i % SUBJECTS}`;
      const append = (i: number) =>
        auditLog.append({
          subjectId: subject(i),
          activityId: BENCH_ACTIVITY.id,
          action: 'read',
          fields: FIELDS,
        });
      const guardOnly = (i: number) => guard.assertMayProcess(BENCH_ACTIVITY.id, subject(i));
      // A request as a controller runs it: the actor set by the auth guard, then check, then log the read.
      const request = (i: number) =>
        ActorContext.run(STAFF, async () => {
          await guardOnly(i);
          await append(i);
        });

      await measure('warm-up', 8, 1, request);
      const results: Measurement[] = [];
      for (const writers of [1, 32]) {
        results.push(await measure('guard + audit append (the request’s cost)', writers, SECONDS, request));
        results.push(await measure('audit append alone (batching appender)', writers, SECONDS, append));
        results.push(await measure('guard alone (consent-based activity)', writers, SECONDS, guardOnly));
        results.push(
          await measure('audit append, lock per append (comparison)', writers, SECONDS, (i) =>
            appendWithLockPerAppend(dataSource, subject(i)),
          ),
        );
      }

      const verifyStarted = performance.now();
      const verification = await auditLog.verify();
      const verifySeconds = (performance.now() - verifyStarted) / 1000;

      const [server] = await dataSource.query<{ version: string; synchronous_commit: string }[]>(
        `select version() as version, current_setting('synchronous_commit') as synchronous_commit`,
      );
      const cpus = os.cpus();
      const out: string[] = [];
      out.push('Privacy kernel cost per request: processing guard + one access audit append');
      out.push(
        `${server.version.split(' on ')[0]} (${config.DATABASE_URL ? 'DATABASE_URL' : 'embedded'}, synchronous_commit=${server.synchronous_commit})` +
          ` | Node ${process.version} | ${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'} | ${SECONDS} s per run`,
      );
      out.push('');
      out.push(`${'scenario'.padEnd(46)} writers   per second   p50 ms   p99 ms`);
      for (const r of results) {
        out.push(
          `${r.scenario.padEnd(46)} ${String(r.writers).padStart(7)} ${count(r.perSecond)} ${ms(r.p50)} ${ms(r.p99)}`,
        );
      }
      out.push('');
      out.push(
        `verification: ${verification.rows.toLocaleString('en-US')} rows ${verification.valid ? 'valid' : `BROKEN at seq ${verification.firstBroken?.seq}`}` +
          ` in ${verifySeconds.toFixed(2)} s (${count(verification.rows / verifySeconds).trim()} rows/s)`,
      );
      const at = (scenario: string, writers: number) =>
        results.find((r) => r.scenario.startsWith(scenario) && r.writers === writers)!;
      const throughput = at('audit append alone', 32).perSecond;
      const added = at('guard + audit append', 1).p50;
      out.push(
        `goal ≥ 2,000 appends/s at 32 writers: ${count(throughput).trim()} ${throughput >= 2000 ? 'met' : 'NOT MET'}; ` +
          `goal < 1 ms added at p50 (guard + append, 1 writer): ${added.toFixed(2)} ms ${added < 1 ? 'met' : 'NOT MET'}`,
      );
      process.stdout.write(`${out.join('\n')}\n`);
      if (!verification.valid) process.exitCode = 1;
    } finally {
      await app.close();
    }
  } finally {
    await database.drop();
  }
});
