import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource, type EntityManager } from 'typeorm';
import { JobQueue } from '../../libs/privacy/src/jobs/job-queue.js';
import { RetentionPolicies } from '../../libs/privacy/src/retention/retention-policy.js';
import { RETENTION_SWEEP_JOB, RetentionSweep } from '../../libs/privacy/src/retention/retention-sweep.js';
import { RetentionModule } from '../../libs/privacy/src/retention/retention.module.js';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const NOW = new Date('2026-06-15T04:00:00Z');
const daysBefore = (days: number): Date => new Date(NOW.getTime() - days * 86_400_000);

/** A module as the shop's modules will be: its own tables, its retention policies registered at boot. */
@Injectable()
class FakeRetentionRegistrations implements OnModuleInit {
  constructor(private readonly policies: RetentionPolicies) {}

  onModuleInit(): void {
    // The web server's access log: 7 days, then deleted (activity `access-log`).
    this.policies.register({
      id: 'fixture-access-log.lines',
      activityId: 'access-log',
      category: 'network.ip-address',
      recordType: 'access_log_line',
      table: 'fixture_access_log',
      idColumn: 'id',
      timestampColumn: 'requested_at',
      afterDays: 7,
    });
    // Visits kept for statistics: after 30 days the row stays, the person in it goes.
    this.policies.register({
      id: 'fixture-visits.identifiers',
      activityId: 'cookies',
      recordType: 'visit',
      table: 'fixture_visit',
      idColumn: 'id',
      subjectColumn: 'customer_id',
      timestampColumn: 'visited_at',
      afterDays: 30,
      anonymise: ['ip', 'user_agent', 'customer_id'],
    });
    // A policy in code: handled inquiries, 30 days after they were handled.
    this.policies.register({
      id: 'fixture-inquiries.handled',
      activityId: 'inquiries',
      recordType: 'inquiry',
      async findExpired(now: Date, manager: EntityManager) {
        const rows: { id: string; customer_id: string | null; handled_at: Date }[] = await manager.query(
          `select id::text, customer_id, handled_at from fixture_inquiry where handled_at < $1::timestamptz - interval '30 days'`,
          [now],
        );
        return rows.map((r) => ({ recordId: r.id, subjectId: r.customer_id, occurredAt: r.handled_at }));
      },
      async erase(ids: string[], manager: EntityManager) {
        await manager.query('delete from fixture_inquiry where id = any($1::int[])', [ids]);
      },
    });
  }
}

@Module({ imports: [RetentionModule], providers: [FakeRetentionRegistrations] })
class FakeShopModule {}

/** The real application (PrivacyModule included) with the fake shop module mounted. */
function boot(db: TestDatabase, env: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp({ db, env, modules: [FakeShopModule] });
}

describe('retention sweep and legal holds', () => {
  let db: TestDatabase;
  let testApp: TestApp;
  let app: NestFastifyApplication;
  let sweep: RetentionSweep;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.query(`
      create table fixture_access_log (id bigserial primary key, ip text not null, path text not null, requested_at timestamptz not null);
      create table fixture_visit (id uuid primary key default gen_random_uuid(), ip text, user_agent text, customer_id text,
                          page text not null, visited_at timestamptz not null);
      create table fixture_inquiry (id serial primary key, customer_id text, message text not null, handled_at timestamptz);
      create table outbox_probe (id serial primary key, note text not null);`);
    testApp = await boot(db);
    app = testApp.app;
    sweep = app.get(RetentionSweep);
  });

  afterEach(async () => {
    await db.query(
      'update privacy.legal_hold set released_at = now(), released_by_type = $1, released_by_id = $2 where released_at is null',
      ['system', 'test-cleanup'],
    );
    await db.query('truncate fixture_access_log, fixture_visit, fixture_inquiry, privacy.blocked_record');
  });

  afterAll(async () => {
    await testApp?.close();
    await db?.drop();
  });

  const addLogLine = async (ip: string, at: Date): Promise<string> => {
    const { rows } = await db.query<{ id: string }>(
      `insert into fixture_access_log (ip, path, requested_at) values ($1, '/products', $2) returning id::text`,
      [ip, at],
    );
    return rows[0].id;
  };
  const logIps = async (): Promise<string[]> =>
    (await db.query<{ ip: string }>('select ip from fixture_access_log order by ip')).rows.map((r) => r.ip);

  const placeHold = (payload: unknown) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/admin/privacy/legal-holds',
      headers: auth,
      payload: payload as object,
    });

  it('erases access-log lines older than their 7 days and keeps the recent ones', async () => {
    await addLogLine('203.0.113.1', daysBefore(8));
    await addLogLine('203.0.113.2', daysBefore(7.01));
    await addLogLine('203.0.113.3', daysBefore(6));

    await sweep.runSweep(NOW);

    expect(await logIps()).toEqual(['203.0.113.3']);
  });

  it('keeps rows under a legal hold and erases them after the hold is released', async () => {
    // An incident on 2026-06-01 between 10:00 and 11:00: its access-log lines are evidence (Art. 33).
    await addLogLine('198.51.100.7', new Date('2026-06-01T10:15:00Z'));
    await addLogLine('198.51.100.8', new Date('2026-06-01T10:45:00Z'));
    await addLogLine('203.0.113.9', new Date('2026-06-01T13:00:00Z'));
    const created = await placeHold({
      scope: { activityId: 'access-log', from: '2026-06-01T10:00:00Z', to: '2026-06-01T11:00:00Z' },
      reason: 'incident 2026-06-01: credential stuffing under investigation',
    });
    expect(created.statusCode).toBe(201);
    const holdId = created.json().id as string;

    const first = await sweep.runSweep(NOW);
    expect(await logIps()).toEqual(['198.51.100.7', '198.51.100.8']);
    const accessLog = first.details.policies.find((p) => p.policyId === 'fixture-access-log.lines')!;
    expect(accessLog).toMatchObject({ due: 3, erased: 1, held: 2, heldBy: { [holdId]: 2 } });

    const released = await app.inject({
      method: 'DELETE',
      url: `/api/v1/admin/privacy/legal-holds/${holdId}`,
      headers: auth,
    });
    expect(released.statusCode).toBe(200);

    await sweep.runSweep(NOW);
    expect(await logIps()).toEqual([]);
  });

  it('keeps what a subject hold covers, in a policy written in code, until released', async () => {
    await db.query(
      `insert into fixture_inquiry (customer_id, message, handled_at) values
         ('c-17', 'Where is my parcel?', $1), ('c-18', 'Do you ship to Austria?', $1), ('c-19', 'Open question', null)`,
      [daysBefore(40)],
    );
    const hold = await placeHold({
      scope: { subjectId: 'c-17' },
      reason: 'dispute with customer c-17 (court case 3 O 12/26)',
    });

    const report = await sweep.runSweep(NOW);

    const remaining = (
      await db.query<{ customer_id: string }>('select customer_id from fixture_inquiry order by 1')
    ).rows;
    expect(remaining.map((r) => r.customer_id)).toEqual(['c-17', 'c-19']);
    expect(report.details.policies.find((p) => p.policyId === 'fixture-inquiries.handled')).toMatchObject({
      due: 2,
      erased: 1,
      held: 1,
      heldBy: { [hold.json().id as string]: 1 },
    });
  });

  it('anonymises the columns a policy names instead of deleting the row, and only once', async () => {
    await db.query(
      `insert into fixture_visit (ip, user_agent, customer_id, page, visited_at) values
         ('203.0.113.20', 'Firefox/140', 'c-1', '/products/dermascope', $1),
         ('203.0.113.21', 'Safari/19', null, '/', $2)`,
      [daysBefore(31), daysBefore(2)],
    );

    const first = await sweep.runSweep(NOW);
    const second = await sweep.runSweep(NOW);

    const rows = (await db.query('select ip, user_agent, customer_id, page from fixture_visit order by page'))
      .rows;
    expect(rows).toEqual([
      { ip: '203.0.113.21', user_agent: 'Safari/19', customer_id: null, page: '/' },
      { ip: null, user_agent: null, customer_id: null, page: '/products/dermascope' },
    ]);
    expect(first.details.policies.find((p) => p.policyId === 'fixture-visits.identifiers')).toMatchObject({
      action: 'anonymise',
      erased: 1,
    });
    expect(second.details.policies.find((p) => p.policyId === 'fixture-visits.identifiers')).toMatchObject({
      due: 0,
      erased: 0,
    });
  });

  it('leaves a record a statute blocks alone even when its own retention policy finds it due', async () => {
    const id = await addLogLine('192.0.2.44', daysBefore(30));
    await db.query(
      `insert into privacy.blocked_record (record_type, record_id, activity_id, eraser, statute, blocked_until, reason)
       values ('access_log_line', $1, 'access-log', 'access-log', '§ 147 AO', '2030-12-31T22:59:59.999Z', 'test')`,
      [id],
    );

    const report = await sweep.runSweep(NOW);

    expect(await logIps()).toEqual(['192.0.2.44']);
    expect(report.details.policies.find((p) => p.policyId === 'fixture-access-log.lines')).toMatchObject({
      due: 1,
      erased: 0,
      blocked: 1,
    });
  });

  it('writes a report row of what each sweep did, per policy, naming no record and no person', async () => {
    await addLogLine('203.0.113.50', daysBefore(10));
    await addLogLine('203.0.113.51', daysBefore(9));

    const report = await sweep.runSweep(NOW, 'manual');

    const { rows } = await db.query('select * from privacy.retention_sweep where id = $1', [report.id]);
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row).toMatchObject({ trigger: 'manual', erased: 2, held: 0, errors: 0 });
    expect(row.as_of).toEqual(NOW);
    expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    const fixturePolicies = row.details.policies.filter((p: { policyId: string }) =>
      p.policyId.startsWith('fixture-'),
    );
    expect(fixturePolicies.map((p: { policyId: string }) => p.policyId)).toEqual([
      'fixture-access-log.lines',
      'fixture-visits.identifiers',
      'fixture-inquiries.handled',
    ]);
    expect(fixturePolicies[0]).toEqual({
      policyId: 'fixture-access-log.lines',
      activityId: 'access-log',
      category: 'network.ip-address',
      recordType: 'access_log_line',
      action: 'erase',
      due: 2,
      erased: 2,
      held: 0,
      heldBy: {},
      blocked: 0,
      errors: [],
    });
    expect(row.details.blocked).toEqual({ due: 0, erased: 0, held: 0, heldBy: {}, byEraser: {}, errors: [] });
    expect(JSON.stringify(row.details)).not.toContain('203.0.113.5');
  });

  it('reports a failing policy as an error and still runs the others', async () => {
    await addLogLine('203.0.113.60', daysBefore(10));
    await db.query('alter table fixture_inquiry rename to inquiry_gone');
    try {
      const report = await sweep.runSweep(NOW);
      expect(report.errors).toBe(1);
      expect(
        report.details.policies.find((p) => p.policyId === 'fixture-inquiries.handled')!.errors[0],
      ).toMatch(/relation "fixture_inquiry" does not exist/);
      expect(report.erased).toBe(1);
      expect(await logIps()).toEqual([]);
    } finally {
      await db.query('alter table inquiry_gone rename to fixture_inquiry');
    }
  });

  describe('the legal-hold API', () => {
    it('creates a hold with its scope, its reason and the acting admin as creator', async () => {
      const res = await placeHold({
        scope: { activityId: 'order-processing', from: '2025-01-01T00:00:00Z', to: '2025-12-31T23:59:59Z' },
        reason: 'tax audit of fiscal year 2025 (§ 147 AO): assessment still open',
      });

      expect(res.statusCode).toBe(201);
      const hold = res.json();
      expect(hold).toMatchObject({
        scope: {
          activityId: 'order-processing',
          from: '2025-01-01T00:00:00.000Z',
          to: '2025-12-31T23:59:59.000Z',
        },
        reason: 'tax audit of fiscal year 2025 (§ 147 AO): assessment still open',
        active: true,
        createdBy: { type: 'staff', id: 'bootstrap-admin' },
        releasedAt: null,
        releasedBy: null,
      });
      const row = (
        await db.query('select created_by_type, created_by_id from privacy.legal_hold where id = $1', [
          hold.id,
        ])
      ).rows[0];
      expect(row).toEqual({ created_by_type: 'staff', created_by_id: 'bootstrap-admin' });
    });

    it('refuses a hold that covers nothing, a reversed range, a blank reason and unknown fields', async () => {
      for (const payload of [
        { scope: {}, reason: 'x' },
        { scope: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, reason: 'x' },
        { scope: { activityId: 'access-log' }, reason: '   ' },
        { scope: { activityId: 'access-log', everything: true }, reason: 'x' },
        { scope: { activityId: 'access-log' }, reason: 'x', createdBy: 'someone-else' },
      ]) {
        const res = await placeHold(payload);
        expect(res.statusCode).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      expect(
        (await db.query('select count(*)::int as n from privacy.legal_hold where reason = $1', ['x']))
          .rows[0],
      ).toEqual({
        n: 0,
      });
    });

    it('answers 401 without the admin token', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/v1/admin/privacy/legal-holds' });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('releases a hold recording who and when, answers a second release with the first, and keeps the row', async () => {
      const hold = (
        await placeHold({ scope: { recordType: 'order', recordIds: ['1001'] }, reason: 'chargeback dispute' })
      ).json();
      const url = `/api/v1/admin/privacy/legal-holds/${hold.id as string}`;

      const first = await app.inject({ method: 'DELETE', url, headers: auth });
      const second = await app.inject({ method: 'DELETE', url, headers: auth });

      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({
        id: hold.id,
        active: false,
        releasedBy: { type: 'staff', id: 'bootstrap-admin' },
      });
      expect(Date.parse(first.json().releasedAt as string)).not.toBeNaN();
      expect(second.json()).toEqual(first.json());
      const fetched = await app.inject({ method: 'GET', url, headers: auth });
      expect(fetched.json()).toEqual(first.json());
    });

    it('cannot lose a hold: the database refuses to delete one or to rewrite its scope', async () => {
      const hold = (await placeHold({ scope: { subjectId: 'c-99' }, reason: 'litigation hold' })).json();
      await expect(db.query('delete from privacy.legal_hold where id = $1', [hold.id])).rejects.toThrow(
        /never deleted/,
      );
      await expect(
        db.query(`update privacy.legal_hold set subject_id = 'c-98' where id = $1`, [hold.id]),
      ).rejects.toThrow(/cannot change/);
    });

    it('lists holds newest first, filtered by status', async () => {
      const active = (await placeHold({ scope: { activityId: 'inquiries' }, reason: 'still open' })).json();
      const released = (await placeHold({ scope: { activityId: 'cookies' }, reason: 'closed' })).json();
      await app.inject({
        method: 'DELETE',
        url: `/api/v1/admin/privacy/legal-holds/${released.id as string}`,
        headers: auth,
      });

      const list = async (query: string) =>
        (
          await app.inject({ method: 'GET', url: `/api/v1/admin/privacy/legal-holds${query}`, headers: auth })
        ).json().items as { id: string; active: boolean }[];

      const activeIds = (await list('?status=active')).map((h) => h.id);
      const releasedIds = (await list('?status=released')).map((h) => h.id);
      expect(activeIds).toEqual([active.id]);
      expect(releasedIds).toContain(released.id);
      expect(releasedIds).not.toContain(active.id);
      const all = await list('');
      expect(all.findIndex((h) => h.id === released.id)).toBeLessThan(
        all.findIndex((h) => h.id === active.id),
      );
      const bad = await app.inject({
        method: 'GET',
        url: '/api/v1/admin/privacy/legal-holds?status=all',
        headers: auth,
      });
      expect(bad.statusCode).toBe(400);
      const unknown = await app.inject({
        method: 'DELETE',
        url: '/api/v1/admin/privacy/legal-holds/00000000-0000-4000-8000-000000000000',
        headers: auth,
      });
      expect(unknown.statusCode).toBe(404);
    });
  });

  describe('jobs on pg-boss', () => {
    const jobCount = async (name: string): Promise<number> =>
      (await db.query<{ n: number }>('select count(*)::int as n from pgboss.job where name = $1', [name]))
        .rows[0].n;

    it('enqueues a job in the same transaction as the write it follows: a rollback enqueues nothing', async () => {
      const jobs = app.get(JobQueue);
      const dataSource = app.get(DataSource);

      await expect(
        dataSource.transaction(async (manager) => {
          await manager.query(`insert into outbox_probe (note) values ('rolled back')`);
          await jobs.send('test.outbox', { note: 'rolled back' }, { db: manager });
          throw new Error('the write fails after the enqueue');
        }),
      ).rejects.toThrow('the write fails after the enqueue');
      expect(await jobCount('test.outbox')).toBe(0);

      await dataSource.transaction(async (manager) => {
        await manager.query(`insert into outbox_probe (note) values ('committed')`);
        await jobs.send('test.outbox', { note: 'committed' }, { db: manager });
      });
      expect(await jobCount('test.outbox')).toBe(1);
      expect((await db.query('select note from outbox_probe')).rows).toEqual([{ note: 'committed' }]);
    });

    it('refuses to enqueue "in a transaction" through a manager that is not in one', async () => {
      const jobs = app.get(JobQueue);
      await expect(jobs.send('test.outbox', {}, { db: app.get(DataSource).manager })).rejects.toThrow(
        /open transaction/,
      );
    });

    it('schedules the sweep on the configured cron and runs it as a pg-boss job where workers run', async () => {
      const worker = await boot(db, { JOBS_ENABLED: 'true', RETENTION_SWEEP_CRON: '17 3 * * *' });
      try {
        const schedule = await db.query('select cron, timezone from pgboss.schedule where name = $1', [
          RETENTION_SWEEP_JOB,
        ]);
        // In the shop's time zone: 03:17 in Willich, not in UTC.
        expect(schedule.rows).toEqual([{ cron: '17 3 * * *', timezone: 'Europe/Berlin' }]);

        await addLogLine('203.0.113.70', new Date(Date.now() - 8 * 86_400_000));
        await worker.app.get(JobQueue).send(RETENTION_SWEEP_JOB, {});

        let reports: { trigger: string; erased: number }[] = [];
        for (let i = 0; i < 60 && reports.length === 0; i++) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          const result = await db.query<{ trigger: string; erased: number }>(
            `select trigger, erased from privacy.retention_sweep where trigger = 'job'`,
          );
          reports = result.rows;
        }
        expect(reports).toEqual([{ trigger: 'job', erased: 1 }]);
        expect(await logIps()).toEqual([]);
      } finally {
        await worker.close();
      }
    });
  });
});
