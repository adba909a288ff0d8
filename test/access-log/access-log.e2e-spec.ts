import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ActorContext,
  LegalHolds,
  PrivacyRegistryService,
  RightsService,
  type LegalHoldScope,
} from '@app/privacy';
import {
  AccessLogPartitions,
  partitionName,
  utcDay,
} from '../../src/modules/access-log/access-log-partitions.js';
import { AccessLogWriter } from '../../src/modules/access-log/access-log.writer.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { createTestDatabase } from '../helpers/test-database.js';

const DAY_MS = 86_400_000;
const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';

const asOfficer = <T>(work: () => Promise<T>): Promise<T> =>
  ActorContext.run({ type: 'staff', id: 'privacy-officer-1', role: 'privacy-officer' }, work);
const placeHold = (t: TestApp, scope: LegalHoldScope) =>
  asOfficer(() => t.app.get(LegalHolds).create(scope, 'incident: credential stuffing under investigation'));
const release = (t: TestApp, id: string) => asOfficer(() => t.app.get(LegalHolds).release(id));

describe('the access log', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const lineOf = async (requestId: string) =>
    (
      await t.db.query(
        `select tableoid::regclass::text as partition, host(ip) as ip, method, url, status, referrer, browser_name,
                browser_version, os_name, os_version, duration_ms, occurred_at
           from access_log where request_id = $1`,
        [requestId],
      )
    ).rows;

  it('logs a request with browser and OS parsed, the URL stripped of emails and tokens, the referrer reduced', async () => {
    const before = Date.now();
    const res = await t.inject({
      method: 'GET',
      url: '/api/v1/shop/products?email=erika%40example.org&token=eyJhbGciOi.abc.def&page=2',
      remoteAddress: '203.0.113.7',
      headers: {
        'user-agent': CHROME_WINDOWS,
        referer: 'https://www.google.com/search?q=erika+mustermann+willich',
        'x-request-id': 'req-access-log-0001',
      },
    });
    expect(res.statusCode).toBeLessThan(500);
    await t.app.get(AccessLogWriter).flush();

    const [line] = await lineOf('req-access-log-0001');
    expect(line).toMatchObject({
      partition: partitionName(new Date()),
      ip: '203.0.113.7',
      method: 'GET',
      url: '/api/v1/shop/products?email=&token=&page=2',
      status: res.statusCode,
      referrer: 'https://www.google.com/search',
      browser_name: 'Chrome',
      browser_version: '131.0.0.0',
      os_name: 'Windows',
      os_version: '10',
    });
    expect((line.occurred_at as Date).getTime()).toBeGreaterThanOrEqual(before - 5);
    expect((line.occurred_at as Date).getTime()).toBeLessThanOrEqual(Date.now());
    expect(line.duration_ms).toBeGreaterThanOrEqual(0);
    const stored = JSON.stringify(await t.db.query('select * from access_log'));
    expect(stored).not.toContain('erika');
    expect(stored).not.toContain('eyJhbGciOi');
  });

  it('does not log health checks', async () => {
    await t.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'req-health-check-01' } });
    await t.app.get(AccessLogWriter).flush();
    expect(await lineOf('req-health-check-01')).toEqual([]);
  });

  it('has today\u2019s and tomorrow\u2019s partitions from the start, and a default partition', async () => {
    const partitions = (
      await t.db.query<{ name: string }>(
        `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
          where i.inhparent = 'access_log'::regclass order by 1`,
      )
    ).rows.map((r) => r.name);
    expect(partitions).toEqual(
      expect.arrayContaining([
        'access_log_default',
        partitionName(new Date()),
        partitionName(new Date(Date.now() + DAY_MS)),
      ]),
    );
  });

  it('exports the lines of an IP address and erases them on request, except what a legal hold keeps', async () => {
    for (const [n, ua] of [
      [1, CHROME_WINDOWS],
      [2, FIREFOX_LINUX],
    ] as const) {
      await t.inject({
        method: 'GET',
        url: `/api/v1/shop/products?page=${n}`,
        remoteAddress: '192.0.2.44',
        headers: { 'user-agent': ua, 'x-request-id': `req-rights-000${n}` },
      });
    }
    await t.app.get(AccessLogWriter).flush();
    const rights = t.app.get(RightsService);

    const copy = await rights.exportSubject('ip:192.0.2.44');
    const section = copy.sections.find((s) => s.exporter === 'access-log')!;
    expect(section.records.map((r) => r.data.requestId)).toEqual(['req-rights-0001', 'req-rights-0002']);
    expect(section.records[1].data).toMatchObject({
      ip: '192.0.2.44',
      browser: 'Firefox',
      url: '/api/v1/shop/products?page=2',
    });
    expect(section.categories).toContain('network.ip-address');

    const [first, second] = section.records.map((r) => r.recordId);
    const hold = await placeHold(t, { recordType: 'access_log_entry', recordIds: [first] });
    const report = await rights.eraseSubject('ip:192.0.2.44');
    const eraser = report.erasers.find((e) => e.eraser === 'access-log')!;
    expect(eraser.erased).toEqual([{ recordType: 'access_log_entry', recordId: second }]);
    expect(eraser.held).toEqual([
      { recordType: 'access_log_entry', recordId: first, activityId: 'access-log', holdId: hold.id },
    ]);
    expect((await lineOf('req-rights-0001')).length).toBe(1);
    expect((await lineOf('req-rights-0002')).length).toBe(0);
    await release(t, hold.id);
  });

  it('is declared on Art. 6(1)(f) with a balancing test and compelling grounds, and the linter is clean', () => {
    const registry = t.app.get(PrivacyRegistryService);
    const activity = registry.registry.activity('access-log');
    expect(activity).toMatchObject({
      legalBasis: '6(1)(f)',
      disclosures: [],
      retention: [{ kind: 'duration', days: 7 }],
    });
    expect(activity.legitimateInterestAssessment).toContain('C-582/14');
    expect(activity.compellingGrounds).toBeTruthy();
    expect(
      registry.lintFindings().filter((f) => f.activity === 'access-log' || f.severity === 'error'),
    ).toEqual([]);
  });
});

describe('access-log retention by day partitions', () => {
  let t: TestApp;
  // Midday today (UTC): the partitions of today and tomorrow exist since the start.
  const NOW = new Date(utcDay(new Date()).getTime() + 12 * 3_600_000);
  const day = (k: number): Date => new Date(utcDay(NOW).getTime() + k * DAY_MS);
  const at = (k: number, hour: number, minute = 0): Date =>
    new Date(day(k).getTime() + (hour * 60 + minute) * 60_000);

  beforeAll(async () => {
    t = await startTestApp({ env: { ACCESS_LOG_ENABLED: 'false' } });
    // The partitions of the last ten days, as the hourly maintenance would have created them (newest
    // first: a run drops only days older than its own cutoff, and the older days are created after).
    const partitions = t.app.get(AccessLogPartitions);
    for (let k = 1; k <= 10; k++) await partitions.maintainPartitions(new Date(NOW.getTime() - k * DAY_MS));
  });
  afterAll(async () => {
    await t?.close();
  });

  const addLine = async (occurredAt: Date, ip: string, requestId: string): Promise<void> => {
    await t.db.query(
      `insert into access_log (occurred_at, ip, method, url, status, duration_ms, request_id)
       values ($1, $2, 'GET', '/api/v1/shop/products', 200, 1.5, $3)`,
      [occurredAt, ip, requestId],
    );
  };
  const liveLines = async (): Promise<string[]> =>
    (
      await t.db.query<{ request_id: string }>('select request_id from access_log order by request_id')
    ).rows.map((r) => r.request_id);
  const heldLines = async (): Promise<{ request_id: string; hold_id: string }[]> =>
    (
      await t.db.query<{ request_id: string; hold_id: string }>(
        'select request_id, hold_id from access_log_held order by request_id',
      )
    ).rows;
  const partitionExists = async (date: Date): Promise<boolean> =>
    (await t.db.query('select to_regclass($1) is not null as e', [partitionName(date)])).rows[0].e as boolean;

  it('drops the days older than 7 days, keeps the lines legal holds cover, and deletes them once released', async () => {
    await addLine(at(-10, 9), '203.0.113.10', 'd10-other');
    await addLine(at(-10, 22), '198.51.100.23', 'd10-attacker-net');
    await addLine(at(-9, 10, 15), '203.0.113.11', 'd09-incident-1');
    await addLine(at(-9, 10, 45), '203.0.113.12', 'd09-incident-2');
    await addLine(at(-9, 13), '203.0.113.13', 'd09-after-incident');
    await addLine(at(-8, 23, 59), '203.0.113.14', 'd08-last-minute');
    await addLine(at(-7, 0, 1), '203.0.113.15', 'd07-within-its-day');
    await addLine(at(-1, 8), '198.51.100.99', 'd01-attacker-net');
    await addLine(at(0, 11), '203.0.113.16', 'd00-today');
    // An incident on day -9 between 10:00 and 11:00, and a network under investigation.
    const incident = await placeHold(t, { activityId: 'access-log', from: at(-9, 10), to: at(-9, 11) });
    const network = await placeHold(t, { subjectId: 'ip:198.51.100.0/24' });
    const unrelated = await placeHold(t, { subjectId: 'customer:4711' });

    const report = await t.app.get(AccessLogPartitions).maintainPartitions(NOW);

    expect(report.dropped).toEqual([partitionName(day(-10)), partitionName(day(-9)), partitionName(day(-8))]);
    expect(report.held).toBe(3);
    for (const k of [-10, -9, -8]) expect(await partitionExists(day(k))).toBe(false);
    for (const k of [-7, -1, 0, 1]) expect(await partitionExists(day(k))).toBe(true);
    expect(await liveLines()).toEqual(['d00-today', 'd01-attacker-net', 'd07-within-its-day']);
    expect(await heldLines()).toEqual([
      { request_id: 'd09-incident-1', hold_id: incident.id },
      { request_id: 'd09-incident-2', hold_id: incident.id },
      { request_id: 'd10-attacker-net', hold_id: network.id },
    ]);

    // Held lines are still the person's data: an access request by IP finds them.
    const copy = await t.app.get(RightsService).exportSubject('ip:203.0.113.11');
    expect(copy.sections.find((s) => s.exporter === 'access-log')?.records[0].data).toMatchObject({
      keptUnderLegalHold: true,
    });

    await release(t, incident.id);
    const afterRelease = await t.app.get(AccessLogPartitions).maintainPartitions(NOW);
    expect(afterRelease.released).toBe(2);
    expect(await heldLines()).toEqual([{ request_id: 'd10-attacker-net', hold_id: network.id }]);

    await release(t, network.id);
    await release(t, unrelated.id);
    await t.app.get(AccessLogPartitions).maintainPartitions(NOW);
    expect(await heldLines()).toEqual([]);
  });

  it('keeps a held line under another hold that still covers it when its own hold is released', async () => {
    await addLine(at(-2, 3), '192.0.2.77', 'overlap');
    const first = await placeHold(t, { subjectId: 'ip:192.0.2.77' });
    const second = await placeHold(t, { activityId: 'access-log', from: at(-2, 0), to: at(-2, 6) });
    await t.app.get(AccessLogPartitions).maintainPartitions(new Date(NOW.getTime() + 6 * DAY_MS));
    expect(await heldLines()).toEqual([{ request_id: 'overlap', hold_id: first.id }]);

    await release(t, first.id);
    await t.app.get(AccessLogPartitions).maintainPartitions(new Date(NOW.getTime() + 6 * DAY_MS));
    expect(await heldLines()).toEqual([{ request_id: 'overlap', hold_id: second.id }]);

    await release(t, second.id);
    await t.app.get(AccessLogPartitions).maintainPartitions(new Date(NOW.getTime() + 6 * DAY_MS));
    expect(await heldLines()).toEqual([]);
  });

  it('catches lines of a day without partition in the default partition, and moves them in when the day is created', async () => {
    const far = new Date(NOW.getTime() + 20 * DAY_MS);
    await addLine(far, '203.0.113.50', 'future-clock-skew');
    const where = async () =>
      (
        await t.db.query(
          `select tableoid::regclass::text as p from access_log where request_id = 'future-clock-skew'`,
        )
      ).rows[0].p as string;
    expect(await where()).toBe('access_log_default');

    await t.app.get(AccessLogPartitions).maintainPartitions(far);
    expect(await where()).toBe(partitionName(far));
  });

  it('purges expired lines from the default partition line by line, keeping held ones', async () => {
    // A day whose partition was never created (e.g. the shop was down): its lines sit in the default partition.
    const lost = new Date(NOW.getTime() - 30 * DAY_MS);
    await addLine(lost, '203.0.113.60', 'default-expired');
    await addLine(new Date(lost.getTime() + 60_000), '203.0.113.61', 'default-expired-held');
    const hold = await placeHold(t, { subjectId: 'ip:203.0.113.61' });

    const report = await t.app.get(AccessLogPartitions).maintainPartitions(NOW);

    expect(report).toMatchObject({ purgedFromDefault: 2, held: 1 });
    expect((await heldLines()).map((l) => l.request_id)).toEqual(['default-expired-held']);
    expect(await liveLines()).not.toContain('default-expired');
    await release(t, hold.id);
  });
});

describe('the access-log writer', () => {
  it('writes what it has buffered when the application shuts down', async () => {
    const db = await createTestDatabase();
    try {
      const t = await startTestApp({ db, env: { ACCESS_LOG_FLUSH_INTERVAL_MS: '60000' } });
      for (let i = 0; i < 25; i++) {
        await t.inject({
          method: 'GET',
          url: `/docs-json?page=${i}`,
          headers: { 'x-request-id': `req-shutdown-${i}` },
        });
      }
      expect(t.app.get(AccessLogWriter).stats().written).toBe(0);
      await t.close();

      const { rows } = await db.query<{ n: number }>(
        `select count(*)::int as n from access_log where request_id like 'req-shutdown-%'`,
      );
      expect(rows[0].n).toBe(25);
    } finally {
      await db.drop();
    }
  });

  it('writes nothing when ACCESS_LOG_ENABLED is false', async () => {
    const t = await startTestApp({ env: { ACCESS_LOG_ENABLED: 'false' } });
    try {
      await t.inject({
        method: 'GET',
        url: '/api/v1/shop/products',
        headers: { 'x-request-id': 'req-disabled-0001' },
      });
      await t.app.get(AccessLogWriter).flush();
      expect((await t.db.query('select count(*)::int as n from access_log')).rows[0].n).toBe(0);
    } finally {
      await t.close();
    }
  });
});
