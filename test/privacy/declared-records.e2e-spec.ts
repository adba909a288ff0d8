import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { EntityManager } from 'typeorm';
import { PrivacyModule } from '../../libs/privacy/src/privacy.module.js';
import { LegalHolds } from '../../libs/privacy/src/retention/legal-holds.service.js';
import { RetentionSweep } from '../../libs/privacy/src/retention/retention-sweep.js';
import { declareRecords } from '../../libs/privacy/src/rights/declared-records.js';
import { RightsService } from '../../libs/privacy/src/rights/rights.service.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const iso = (d: unknown): string => (d as Date).toISOString();

/** Who took the declaration's lock, and for whom: the lock runs first in each erasure. */
const locked: string[] = [];

/**
 * A fake module, as the shop's modules declare their records: profiles (anonymised), letters (erased,
 * with their notes, deleted 30 days after sending), vouchers (blocked for the accounting period) and
 * checks (erased on their own date). Subjects are `member:<name>`; profiles know the name only.
 */
const FIXTURE_RECORDS = declareRecords({
  name: 'fixture-declared',
  lock: async (subjectId: string, manager: EntityManager) => {
    await manager.query(`select pg_advisory_xact_lock(hashtext('fixture-declared:' || $1))`, [subjectId]);
    locked.push(subjectId);
  },
  records: [
    {
      recordType: 'fixture_profile',
      activityId: 'registration',
      table: 'fixture_profile',
      subjectColumn: 'member',
      subjectValue: (subjectId) => (subjectId.startsWith('member:') ? subjectId.slice(7) : undefined),
      where: 'email is not null',
      dateColumn: 'created_at',
      onErasure: { anonymise: { email: 'null', display_name: `'(erased)'` } },
      async beforeErase(ids, manager) {
        const rows = await manager.query<{ n: number }[]>(
          'select count(*)::int as n from fixture_profile where id = any($1::uuid[]) and protected',
          [ids],
        );
        if (rows[0].n > 0) throw new Error('a protected profile cannot be erased');
      },
      export: {
        columns: ['email', 'display_name'],
        computed: { has_email: 'email is not null' },
        categories: ['contact.email', 'identity.name'],
        toData: (r) => ({
          email: r.email as string,
          name: r.display_name as string,
          hasEmail: r.has_email as boolean,
        }),
      },
    },
    {
      recordType: 'fixture_letter',
      activityId: 'order-processing',
      table: 'fixture_letter',
      subjectColumn: 'subject_id',
      dateColumn: 'sent_at',
      onErasure: 'erase',
      dependents: [
        { recordType: 'fixture_letter_note', table: 'fixture_letter_note', parentColumn: 'letter_id' },
      ],
      export: {
        columns: ['body', 'sent_at'],
        orderBy: ['sent_at'],
        categories: (r) => (r.body ? ['notification.content'] : []),
        toData: (r) => ({ body: r.body as string | null, sentAt: iso(r.sent_at) }),
      },
      retention: { id: 'fixture-declared.letters', afterDays: 30 },
    },
    {
      recordType: 'fixture_voucher',
      activityId: 'order-processing',
      table: 'fixture_voucher',
      subjectColumn: 'subject_id',
      dateColumn: 'issued_at',
      onErasure: { block: 'accounting-vouchers', reason: 'a voucher, kept for the statutory period' },
      export: {
        columns: ['amount_cents'],
        categories: ['payment.amount'],
        toData: (r) => ({ amountCents: r.amount_cents as number }),
      },
      retention: { id: 'fixture-declared.vouchers', statutoryPeriod: 'accounting-vouchers' },
    },
    {
      recordType: 'fixture_check',
      activityId: 'order-processing',
      table: 'fixture_check',
      idType: 'bigint',
      subjectColumn: 'subject_id',
      dateColumn: 'checked_at',
      onErasure: 'erase',
      // A hold on a household (`household:<name>+<name>`) covers each member's checks: judged in SQL.
      holdIdSql(holds, firstParameter) {
        const params: unknown[] = [];
        const cases: string[] = [];
        for (const hold of holds) {
          const household = /^household:(.+)$/.exec(hold.scope.subjectId ?? '');
          if (!household) continue;
          params.push(
            household[1].split('+').map((name) => `member:${name}`),
            hold.id,
          );
          const n = firstParameter + params.length;
          cases.push(`when subject_id = any($${n - 2}::text[]) then $${n - 1}::uuid`);
        }
        return cases.length > 0 ? { sql: `case ${cases.join(' ')} end`, params } : null;
      },
      retention: { id: 'fixture-declared.checks', dueColumn: 'delete_after', category: 'payment.amount' },
    },
  ],
});

@Module({ imports: [PrivacyModule.forFeature({ records: [FIXTURE_RECORDS] })] })
class FixtureDeclaredModule {}

describe('declared records: the kernel exports, erases, blocks, holds and retains them', () => {
  let db: TestDatabase;
  let testApp: TestApp;
  let app: NestFastifyApplication;
  let rights: RightsService;
  let sweep: RetentionSweep;
  let holds: LegalHolds;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.query(`
      create table fixture_profile (id uuid primary key default gen_random_uuid(), member text not null,
        email text, display_name text, protected boolean not null default false,
        created_at timestamptz not null default now());
      create table fixture_letter (id uuid primary key default gen_random_uuid(), subject_id text not null,
        body text, sent_at timestamptz not null);
      create table fixture_letter_note (id uuid primary key default gen_random_uuid(),
        letter_id uuid not null references fixture_letter (id) on delete cascade, note text not null);
      create table fixture_voucher (id uuid primary key default gen_random_uuid(), subject_id text not null,
        amount_cents integer not null, issued_at timestamptz not null);
      create table fixture_check (id bigserial primary key, subject_id text not null,
        checked_at timestamptz not null, delete_after timestamptz not null);`);
    testApp = await startTestApp({ db, modules: [FixtureDeclaredModule] });
    app = testApp.app;
    rights = app.get(RightsService);
    sweep = app.get(RetentionSweep);
    holds = app.get(LegalHolds);
  });

  afterEach(async () => {
    locked.length = 0;
    await db.query(
      `update privacy.legal_hold set released_at = now(), released_by_type = 'system', released_by_id = 'test-cleanup'
        where released_at is null`,
    );
    await db.query(
      `truncate fixture_profile, fixture_letter, fixture_letter_note, fixture_voucher, fixture_check,
        privacy.blocked_record`,
    );
  });

  afterAll(async () => {
    await testApp?.close();
    await db?.drop();
  });

  /** Erika (`member:erika`) has a profile, two letters (one with a note), a voucher and a check; Max has his own. */
  async function seed(): Promise<Record<string, string>> {
    const one = async (sql: string, params: unknown[]): Promise<string> =>
      (await db.query<{ id: string }>(`${sql} returning id::text`, params)).rows[0].id;
    const ids = {
      profile: await one(
        `insert into fixture_profile (member, email, display_name, created_at) values ($1, $2, $3, $4)`,
        ['erika', 'erika@example.org', 'Erika', '2026-01-10T10:00:00Z'],
      ),
      maxProfile: await one(`insert into fixture_profile (member, email, display_name) values ($1, $2, $3)`, [
        'max',
        'max@example.org',
        'Max',
      ]),
      letter: await one(`insert into fixture_letter (subject_id, body, sent_at) values ($1, $2, $3)`, [
        'member:erika',
        'Your order has shipped',
        '2026-05-02T08:00:00Z',
      ]),
      emptyLetter: await one(`insert into fixture_letter (subject_id, body, sent_at) values ($1, null, $2)`, [
        'member:erika',
        '2026-05-01T08:00:00Z',
      ]),
      maxLetter: await one(`insert into fixture_letter (subject_id, body, sent_at) values ($1, $2, $3)`, [
        'member:max',
        'Welcome',
        '2026-05-03T08:00:00Z',
      ]),
      voucher: await one(
        `insert into fixture_voucher (subject_id, amount_cents, issued_at) values ($1, $2, $3)`,
        ['member:erika', 24900, '2026-03-05T12:00:00Z'],
      ),
      check: await one(
        `insert into fixture_check (subject_id, checked_at, delete_after) values ($1, $2, $3)`,
        ['member:erika', '2026-04-01T00:00:00Z', '2026-07-01T00:00:00Z'],
      ),
    };
    return {
      ...ids,
      note: await one(`insert into fixture_letter_note (letter_id, note) values ($1, $2)`, [
        ids.letter,
        'fragile',
      ]),
    };
  }

  it("exports the subject's declared records, in their order, and nothing of anyone else", async () => {
    const ids = await seed();
    const result = await rights.exportSubject('member:erika');
    const section = result.sections.find((s) => s.exporter === 'fixture-declared');
    expect(section).toEqual({
      exporter: 'fixture-declared',
      activities: ['registration', 'order-processing'],
      categories: ['contact.email', 'identity.name', 'notification.content', 'payment.amount'],
      records: [
        {
          recordType: 'fixture_profile',
          recordId: ids.profile,
          activityId: 'registration',
          data: { email: 'erika@example.org', name: 'Erika', hasEmail: true },
        },
        {
          recordType: 'fixture_letter',
          recordId: ids.emptyLetter,
          activityId: 'order-processing',
          data: { body: null, sentAt: '2026-05-01T08:00:00.000Z' },
        },
        {
          recordType: 'fixture_letter',
          recordId: ids.letter,
          activityId: 'order-processing',
          data: { body: 'Your order has shipped', sentAt: '2026-05-02T08:00:00.000Z' },
        },
        {
          recordType: 'fixture_voucher',
          recordId: ids.voucher,
          activityId: 'order-processing',
          data: { amountCents: 24900 },
        },
      ],
    });
    // A subject the declaration cannot have records of: an empty section, no query error.
    const stranger = await rights.exportSubject('customer:nobody');
    expect(stranger.sections.find((s) => s.exporter === 'fixture-declared')).toEqual({
      exporter: 'fixture-declared',
      activities: [],
      categories: [],
      records: [],
    });
  });

  it('erases, anonymises and blocks with the statutory date, under the lock, and marks the block on access', async () => {
    const ids = await seed();
    const report = await rights.eraseSubject('member:erika');
    const eraser = report.erasers.find((e) => e.eraser === 'fixture-declared');
    expect(locked).toEqual(['member:erika']);
    expect(eraser).toEqual({
      eraser: 'fixture-declared',
      erased: expect.arrayContaining([
        { recordType: 'fixture_letter', recordId: ids.letter },
        { recordType: 'fixture_letter_note', recordId: ids.note },
        { recordType: 'fixture_letter', recordId: ids.emptyLetter },
        { recordType: 'fixture_check', recordId: ids.check },
      ]),
      anonymised: [{ recordType: 'fixture_profile', recordId: ids.profile }],
      blocked: [
        {
          recordType: 'fixture_voucher',
          recordId: ids.voucher,
          activityId: 'order-processing',
          statute: '§ 257(1) Nr. 4, (4) HGB; § 147(1) Nr. 4, (3) AO',
          until: new Date('2034-12-31T22:59:59.999Z'),
        },
      ],
      held: [],
    });
    expect(eraser?.erased).toHaveLength(4);
    expect((await db.query('select subject_id from fixture_letter')).rows).toEqual([
      { subject_id: 'member:max' },
    ]);
    expect((await db.query('select * from fixture_letter_note')).rows).toEqual([]);
    expect((await db.query('select * from fixture_check')).rows).toEqual([]);
    expect(
      (await db.query('select member, email, display_name from fixture_profile order by member')).rows,
    ).toEqual([
      { member: 'erika', email: null, display_name: '(erased)' },
      { member: 'max', email: 'max@example.org', display_name: 'Max' },
    ]);
    expect((await db.query('select count(*)::int as n from fixture_voucher')).rows).toEqual([{ n: 1 }]);
    expect(
      (
        await db.query(
          'select record_type, record_id, subject_id, eraser, reason, record_date from privacy.blocked_record',
        )
      ).rows,
    ).toEqual([
      {
        record_type: 'fixture_voucher',
        record_id: ids.voucher,
        subject_id: 'member:erika',
        eraser: 'fixture-declared',
        reason: 'a voucher, kept for the statutory period',
        record_date: new Date('2026-03-05T12:00:00Z'),
      },
    ]);

    // Erasure is idempotent: a second run finds the anonymised profile gone from its records (`where`)
    // and blocks the voucher again, without shortening its date.
    const again = (await rights.eraseSubject('member:erika')).erasers.find(
      (e) => e.eraser === 'fixture-declared',
    );
    expect(again).toMatchObject({ erased: [], anonymised: [], held: [] });
    expect(again?.blocked).toHaveLength(1);

    const access = await rights.exportSubject('member:erika');
    expect(access.sections.find((s) => s.exporter === 'fixture-declared')?.records).toEqual([
      expect.objectContaining({
        recordType: 'fixture_voucher',
        blocked: {
          statute: '§ 257(1) Nr. 4, (4) HGB; § 147(1) Nr. 4, (3) AO',
          until: new Date('2034-12-31T22:59:59.999Z'),
        },
      }),
    ]);

    // The sweep deletes the voucher the first instant after its date (2035-01-01 in the shop's zone).
    const lastDay = await sweep.runSweep(new Date('2034-12-31T22:59:59.000Z'));
    expect(lastDay.details.blocked).toMatchObject({ due: 0, erased: 0 });
    const newYear = await sweep.runSweep(new Date('2034-12-31T23:00:00.000Z'));
    expect(newYear.details.blocked).toMatchObject({ due: 1, erased: 1, byEraser: { 'fixture-declared': 1 } });
    expect((await db.query('select count(*)::int as n from fixture_voucher')).rows).toEqual([{ n: 0 }]);
  });

  it('keeps what a legal hold covers (held, blocked meanwhile); the sweep erases or anonymises it after the release', async () => {
    const ids = await seed();
    const hold = await holds.create(
      {
        subjectId: 'member:erika',
        from: new Date('2026-01-01T00:00:00Z'),
        to: new Date('2026-05-01T23:59:59Z'),
      },
      'dispute over the spring orders',
    );

    const report = await rights.eraseSubject('member:erika');
    const eraser = report.erasers.find((e) => e.eraser === 'fixture-declared');
    // The profile (January), the empty letter (1 May) and the check (April) fall in the hold's range;
    // the letter of 2 May does not; the voucher is blocked for its statute whether held or not.
    expect(eraser?.held).toEqual(
      expect.arrayContaining([
        { recordType: 'fixture_profile', recordId: ids.profile, activityId: 'registration', holdId: hold.id },
        {
          recordType: 'fixture_letter',
          recordId: ids.emptyLetter,
          activityId: 'order-processing',
          holdId: hold.id,
        },
        { recordType: 'fixture_check', recordId: ids.check, activityId: 'order-processing', holdId: hold.id },
      ]),
    );
    expect(eraser?.held).toHaveLength(3);
    expect(eraser?.erased).toEqual([
      { recordType: 'fixture_letter', recordId: ids.letter },
      { recordType: 'fixture_letter_note', recordId: ids.note },
    ]);
    expect(eraser?.anonymised).toEqual([]);
    expect(eraser?.blocked.map((b) => b.recordId)).toEqual([ids.voucher]);
    expect((await db.query('select email from fixture_profile where id = $1', [ids.profile])).rows).toEqual([
      { email: 'erika@example.org' },
    ]);

    const whileHeld = await sweep.runSweep();
    expect(whileHeld.details.blocked).toMatchObject({ due: 3, erased: 0, held: 3, heldBy: { [hold.id]: 3 } });

    await holds.release(hold.id);
    const released = await sweep.runSweep();
    expect(released.details.blocked).toMatchObject({ due: 3, erased: 3, held: 0 });
    expect(
      (await db.query('select id::text from fixture_letter where subject_id = $1', ['member:erika'])).rows,
    ).toEqual([]);
    expect((await db.query('select * from fixture_check')).rows).toEqual([]);
    expect(
      (await db.query('select email, display_name from fixture_profile where id = $1', [ids.profile])).rows,
    ).toEqual([{ email: null, display_name: '(erased)' }]);
    expect((await db.query('select record_type from privacy.blocked_record')).rows).toEqual([
      { record_type: 'fixture_voucher' },
    ]);
  });

  it('keeps what a hold judged in SQL covers (holdIdSql), and nothing else', async () => {
    const ids = await seed();
    const hold = await holds.create({ subjectId: 'household:erika+max' }, 'household dispute');
    const report = await rights.eraseSubject('member:erika');
    const eraser = report.erasers.find((e) => e.eraser === 'fixture-declared');
    expect(eraser?.held).toEqual([
      { recordType: 'fixture_check', recordId: ids.check, activityId: 'order-processing', holdId: hold.id },
    ]);
    expect(eraser?.erased.map((e) => e.recordType).sort()).toEqual([
      'fixture_letter',
      'fixture_letter',
      'fixture_letter_note',
    ]);
    expect((await db.query('select id::text from fixture_check')).rows).toEqual([{ id: ids.check }]);
  });

  it("lets the module refuse an erasure (beforeErase): nothing of the declaration's erasure is committed", async () => {
    const ids = await seed();
    await db.query('update fixture_profile set protected = true where id = $1', [ids.profile]);
    const report = await rights.eraseSubject('member:erika');
    const eraser = report.erasers.find((e) => e.eraser === 'fixture-declared');
    expect(report.complete).toBe(false);
    expect(eraser?.error).toBe('a protected profile cannot be erased');
    expect((await db.query('select email from fixture_profile where id = $1', [ids.profile])).rows).toEqual([
      { email: 'erika@example.org' },
    ]);
    expect((await db.query('select count(*)::int as n from fixture_letter')).rows).toEqual([{ n: 3 }]);
    expect((await db.query('select count(*)::int as n from privacy.blocked_record')).rows).toEqual([
      { n: 0 },
    ]);
  });

  it('retains by days, by statutory period and by own erasure date, and respects a legal hold', async () => {
    const ids = await seed();
    const policy = (report: Awaited<ReturnType<RetentionSweep['runSweep']>>, id: string) =>
      report.details.policies.find((p) => p.policyId === id);

    // 2026-05-31: the letters of early May are younger than 30 days, the check's date (1 July) is to come.
    const june = await sweep.runSweep(new Date('2026-05-31T00:00:00Z'));
    expect(policy(june, 'fixture-declared.letters')).toMatchObject({ due: 0, erased: 0 });
    expect(policy(june, 'fixture-declared.checks')).toMatchObject({
      due: 0,
      erased: 0,
      category: 'payment.amount',
    });
    expect(policy(june, 'fixture-declared.vouchers')).toMatchObject({ due: 0, erased: 0 });

    // A hold on Max's records keeps his letter; Erika's go, with the note.
    const hold = await holds.create({ subjectId: 'member:max' }, 'complaint by Max');
    const july = await sweep.runSweep(new Date('2026-07-02T00:00:00Z'));
    expect(policy(july, 'fixture-declared.letters')).toMatchObject({
      due: 3,
      erased: 2,
      held: 1,
      heldBy: { [hold.id]: 1 },
    });
    expect(policy(july, 'fixture-declared.checks')).toMatchObject({ due: 1, erased: 1 });
    expect((await db.query('select id::text from fixture_letter')).rows).toEqual([{ id: ids.maxLetter }]);
    expect((await db.query('select * from fixture_letter_note')).rows).toEqual([]);
    expect((await db.query('select * from fixture_check')).rows).toEqual([]);

    // The voucher of March 2026 goes at the end of 2034 (8 years after the end of 2026, in the shop's zone).
    const lastDay = await sweep.runSweep(new Date('2034-12-31T22:59:59.000Z'));
    expect(policy(lastDay, 'fixture-declared.vouchers')).toMatchObject({ due: 0, erased: 0 });
    const newYear = await sweep.runSweep(new Date('2034-12-31T23:00:00.000Z'));
    expect(policy(newYear, 'fixture-declared.vouchers')).toMatchObject({
      due: 1,
      erased: 1,
      action: 'erase',
    });
    expect((await db.query('select * from fixture_voucher')).rows).toEqual([]);
    // The profile has no retention policy of its own: it stays.
    expect((await db.query('select count(*)::int as n from fixture_profile')).rows).toEqual([{ n: 2 }]);
  });

  it('refuses a declaration with an identifier that is not a plain column or a record type out of pattern', () => {
    const base = {
      recordType: 'fixture_x',
      activityId: 'registration',
      table: 'fixture_x',
      subjectColumn: 'subject_id',
      dateColumn: 'created_at',
      onErasure: 'erase' as const,
    };
    expect(() => declareRecords({ name: 'x', records: [{ ...base, table: 'x; drop table y' }] })).toThrow(
      /plain lower-case SQL identifier/,
    );
    expect(() => declareRecords({ name: 'x', records: [{ ...base, recordType: 'Not A Type' }] })).toThrow(
      /record type/,
    );
    expect(() => declareRecords({ name: 'x', records: [{ ...base, onErasure: { anonymise: {} } }] })).toThrow(
      /anonymise lists no column/,
    );
    expect(() => declareRecords({ name: 'x', records: [] })).toThrow(/empty/);
  });
});
