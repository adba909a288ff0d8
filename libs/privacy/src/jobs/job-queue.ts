import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  PgBoss,
  type Job,
  type Queue,
  type ScheduleOptions,
  type SendOptions,
  type WorkOptions,
} from 'pg-boss';
import type { EntityManager, QueryRunner } from 'typeorm';
import { ActorContext } from '../context/actor-context.js';
import { PRIVACY_OPTIONS, type PrivacyKernelOptions } from '../privacy.options.js';
import { transactionalDb } from './transactional-db.js';

/** pg-boss keeps its tables here, apart from the shop's and the kernel's. */
export const JOB_SCHEMA = 'pgboss';

export type JobHandler<T> = (data: T, job: { id: string; name: string }) => Promise<void>;

export type QueueSettings = Omit<Queue, 'name'>;

export type JobScheduleOptions = Pick<ScheduleOptions, 'tz' | 'missed'>;

export type JobSendOptions = Omit<SendOptions, 'db'> & {
  /** Enqueue inside this open transaction (the transactional outbox): a rollback enqueues nothing. */
  db?: EntityManager | QueryRunner;
};

interface Registration {
  handler: JobHandler<unknown>;
  options: WorkOptions;
}

/**
 * The job queue: pg-boss in the application's own PostgreSQL (docs/architecture.md), schema `pgboss`, which
 * pg-boss installs and migrates itself on start (under its advisory lock, so several instances may
 * start at once).
 *
 * Two modes, decided by PRIVACY_OPTIONS.runJobs:
 * - `runJobs: true`: started when the application has bootstrapped (after every module's
 *   `onModuleInit`, so the workers and schedules they registered are all known), with workers,
 *   cron schedules and pg-boss's maintenance; stopped gracefully on shutdown;
 * - otherwise (CLIs, most tests, web-only instances): nothing starts at boot; the first `send`
 *   starts pg-boss as a producer only (no workers, no cron, no maintenance), because every
 *   instance must be able to enqueue in its transactions even if others do the work.
 * pg-boss's workers on every instance share the queues safely (SKIP LOCKED).
 */
@Injectable()
export class JobQueue implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobQueue.name);
  private boss?: PgBoss;
  private starting?: Promise<PgBoss>;
  private readonly queueSettings = new Map<string, QueueSettings>();
  private readonly createdQueues = new Set<string>();
  private readonly registrations = new Map<string, Registration>();
  private readonly attached = new Set<string>();
  /** name → cron, or null: make sure it is not scheduled (a cron removed from the configuration). */
  private readonly schedules = new Map<
    string,
    { cron: string; data: object; options: JobScheduleOptions } | null
  >();

  constructor(@Inject(PRIVACY_OPTIONS) private readonly options: PrivacyKernelOptions) {}

  /** Whether this process runs workers and schedules (PRIVACY_OPTIONS.runJobs). */
  get runsWorkers(): boolean {
    return this.options.runJobs === true;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.runsWorkers) await this.started();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Queue options (policy, retries, expiry) for a queue; declare before the first send or work. */
  declareQueue(name: string, settings: QueueSettings = {}): void {
    this.queueSettings.set(name, settings);
  }

  /** Enqueues a job; with `db`, inside that transaction. Answers the job id (null if a policy dropped it). */
  async send(name: string, data: object | null = null, options: JobSendOptions = {}): Promise<string | null> {
    const boss = await this.started();
    await this.ensureQueue(boss, name);
    const { db, ...rest } = options;
    return boss.send(name, data, db ? { ...rest, db: transactionalDb(db) } : rest);
  }

  /**
   * Handles jobs of `name`, one at a time per fetched job, as the system actor `job:<name>`. Takes
   * effect where workers run (`runJobs`); elsewhere it is recorded and ignored.
   */
  async work<T>(name: string, handler: JobHandler<T>, options: WorkOptions = {}): Promise<void> {
    if (this.registrations.has(name)) throw new Error(`a worker for "${name}" is registered twice`);
    this.registrations.set(name, { handler: handler as JobHandler<unknown>, options });
    if (this.boss && this.runsWorkers) await this.attach(this.boss, name);
  }

  /**
   * Runs `name` on a cron schedule (pg-boss's, shared by all instances: one job per tick), read in
   * `options.tz` (pg-boss's default is UTC). `missed: 'once'` sends one job for ticks missed while
   * no instance ran.
   */
  async schedule(
    name: string,
    cron: string,
    data: object = {},
    options: JobScheduleOptions = {},
  ): Promise<void> {
    this.schedules.set(name, { cron, data, options });
    if (this.boss && this.runsWorkers) await this.applySchedule(this.boss, name);
  }

  /** Makes sure `name` is not scheduled (any more). */
  async unschedule(name: string): Promise<void> {
    this.schedules.set(name, null);
    if (this.boss && this.runsWorkers) await this.applySchedule(this.boss, name);
  }

  async stop(): Promise<void> {
    const starting = this.starting;
    this.starting = undefined;
    const boss = this.boss ?? (starting ? await starting.catch(() => undefined) : undefined);
    this.boss = undefined;
    this.attached.clear();
    this.createdQueues.clear();
    if (boss) await boss.stop({ graceful: true, timeout: 10_000 });
  }

  private started(): Promise<PgBoss> {
    if (this.boss) return Promise.resolve(this.boss);
    this.starting ??= this.start().catch((e: unknown) => {
      this.starting = undefined;
      throw e;
    });
    return this.starting;
  }

  private async start(): Promise<PgBoss> {
    const workers = this.runsWorkers;
    const boss = new PgBoss({
      connectionString: this.options.databaseUrl,
      schema: JOB_SCHEMA,
      application_name: workers ? 'storefront-jobs' : 'storefront-jobs-producer',
      max: workers ? 4 : 2,
      migrate: true,
      supervise: workers,
      schedule: workers,
    });
    boss.on('error', (error: unknown) =>
      this.logger.error(error instanceof Error ? error.message : String(error)),
    );
    await boss.start();
    try {
      for (const name of new Set([
        ...this.queueSettings.keys(),
        ...this.registrations.keys(),
        ...this.schedules.keys(),
      ])) {
        await this.ensureQueue(boss, name);
      }
      if (workers) {
        for (const name of this.registrations.keys()) await this.attach(boss, name);
        for (const name of this.schedules.keys()) await this.applySchedule(boss, name);
      }
    } catch (e) {
      // A half-started queue must not keep its pool and timers: the next call starts afresh.
      this.attached.clear();
      this.createdQueues.clear();
      await boss.stop({ graceful: false }).catch(() => undefined);
      throw e;
    }
    this.boss = boss;
    return boss;
  }

  private async ensureQueue(boss: PgBoss, name: string): Promise<void> {
    if (this.createdQueues.has(name)) return;
    // create_queue is idempotent (ON CONFLICT DO NOTHING): every instance may run it.
    await boss.createQueue(name, this.queueSettings.get(name) ?? {});
    this.createdQueues.add(name);
  }

  private async attach(boss: PgBoss, name: string): Promise<void> {
    const registration = this.registrations.get(name);
    if (!registration || this.attached.has(name)) return;
    await this.ensureQueue(boss, name);
    this.attached.add(name);
    await boss.work<unknown>(name, registration.options, async (jobs: Job<unknown>[]) => {
      for (const job of jobs) {
        await ActorContext.run({ type: 'system', id: `job:${name}` }, () =>
          registration.handler(job.data, { id: job.id, name: job.name }),
        );
      }
    });
  }

  private async applySchedule(boss: PgBoss, name: string): Promise<void> {
    const entry = this.schedules.get(name);
    await this.ensureQueue(boss, name);
    if (entry) await boss.schedule(name, entry.cron, entry.data, entry.options);
    else await boss.unschedule(name);
  }
}
