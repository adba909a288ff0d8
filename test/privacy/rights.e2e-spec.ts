import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  Controller,
  Get,
  Global,
  Injectable,
  Module,
  Param,
  Query,
  type DynamicModule,
  type OnModuleInit,
} from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource, type EntityManager } from 'typeorm';
import { RETENTION_PURPOSE } from '../../libs/privacy/src/declarations.js';
import { ProcessingRefused } from '../../libs/privacy/src/errors.js';
import {
  BlockedRecords,
  notBlockedClause,
  type BlockedRecord,
} from '../../libs/privacy/src/retention/blocked-records.js';
import { LegalHolds } from '../../libs/privacy/src/retention/legal-holds.service.js';
import { RetentionSweep } from '../../libs/privacy/src/retention/retention-sweep.js';
import { RetentionModule } from '../../libs/privacy/src/retention/retention.module.js';
import {
  RIGHTS_HOOKS,
  type ErasureContext,
  type ErasureOutcome,
  type ErasureReport,
  type ExportSection,
  type PersonalDataEraser,
  type PersonalDataExporter,
  type RightsHooks,
  type SubjectExport,
} from '../../libs/privacy/src/rights/rights.contracts.js';
import { RightsRegistry } from '../../libs/privacy/src/rights/rights.registry.js';
import { RightsService } from '../../libs/privacy/src/rights/rights.service.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/** The section of one fixture exporter (the application's own exporters run beside them). */
function fixtureSection<S extends { exporter: string }>(result: { sections: S[] }, exporter: string): S {
  const section = result.sections.find((s) => s.exporter === exporter);
  if (!section) throw new Error(`no section of ${exporter}`);
  return section;
}

// ---- the audit seam, recorded ------------------------------------------------------------------------

class RecordingHooks implements RightsHooks {
  exports: SubjectExport[] = [];
  erasures: ErasureReport[] = [];
  afterExport(result: SubjectExport): Promise<void> {
    this.exports.push(result);
    return Promise.resolve();
  }
  afterErasure(report: ErasureReport): Promise<void> {
    this.erasures.push(report);
    return Promise.resolve();
  }
}

@Global()
@Module({})
class TestRightsHooksModule {
  static register(hooks: RightsHooks): DynamicModule {
    return {
      module: TestRightsHooksModule,
      providers: [{ provide: RIGHTS_HOOKS, useValue: hooks }],
      exports: [RIGHTS_HOOKS],
    };
  }
}

// ---- a fake shop: accounts and orders, each module with its own exporter and eraser ------------------

interface OrderRow {
  id: number;
  account_id: string;
  number: string;
  status: 'paid' | 'cart';
  total_cents: number;
  invoice_date: string | null;
}

@Injectable()
class AccountsRights implements PersonalDataExporter, PersonalDataEraser {
  readonly name = 'fixture-accounts';

  async export(subjectId: string, manager: EntityManager): Promise<ExportSection> {
    const rows: { id: string; email: string; name: string }[] = await manager.query(
      'select id, email, name from fixture_shop_account where id = $1',
      [subjectId],
    );
    return {
      activities: ['registration'],
      categories: ['contact.email', 'identity.name'],
      records: rows.map((r) => ({
        recordType: 'account',
        recordId: r.id,
        activityId: 'registration',
        data: r,
      })),
    };
  }

  async erase(subjectId: string, { manager }: ErasureContext): Promise<ErasureOutcome[]> {
    const [rows] = await manager.query<[{ id: string }[], number]>(
      'delete from fixture_shop_account where id = $1 returning id',
      [subjectId],
    );
    return rows.map((r) => ({ recordType: 'account', recordId: r.id, outcome: 'erased' }));
  }

  async eraseBlocked(records: readonly BlockedRecord[], manager: EntityManager): Promise<void> {
    await manager.query('delete from fixture_shop_account where id = any($1::text[])', [
      records.map((r) => r.recordId),
    ]);
  }
}

@Injectable()
class OrdersRights implements PersonalDataExporter, PersonalDataEraser {
  readonly name = 'fixture-orders';

  async export(subjectId: string, manager: EntityManager): Promise<ExportSection> {
    // Art. 15 covers restricted data too: the export reads every order, the kernel marks the blocked ones.
    const rows: OrderRow[] = await manager.query(
      `select id, account_id, number, status, total_cents, to_char(invoice_date, 'YYYY-MM-DD') as invoice_date
         from fixture_shop_order where account_id = $1 order by id`,
      [subjectId],
    );
    return {
      activities: ['order-processing'],
      categories: ['order.items', 'payment.amount'],
      records: rows.map((r) => ({
        recordType: 'order',
        recordId: String(r.id),
        activityId: 'order-processing',
        data: { number: r.number, status: r.status, totalCents: r.total_cents, invoiceDate: r.invoice_date },
      })),
    };
  }

  /** A paid order is an accounting voucher: blocked for 8 years. Anything else goes at once. */
  async erase(subjectId: string, context: ErasureContext): Promise<ErasureOutcome[]> {
    const { manager } = context;
    const orders: OrderRow[] = await manager.query(
      `select id, status, to_char(invoice_date, 'YYYY-MM-DD') as invoice_date from fixture_shop_order where account_id = $1`,
      [subjectId],
    );
    const outcomes: ErasureOutcome[] = [];
    for (const order of orders) {
      const recordId = String(order.id);
      const recordDate = order.invoice_date ? new Date(`${order.invoice_date}T12:00:00Z`) : undefined;
      if (order.status === 'paid' && order.invoice_date) {
        // Kept for the statute in any case; a hold that outlasts it is the sweep's to respect.
        const { statute, until } = context.retain('accounting-vouchers', order.invoice_date);
        outcomes.push({
          recordType: 'order',
          recordId,
          outcome: 'blocked',
          activityId: 'order-processing',
          statute,
          until,
          recordDate,
        });
        continue;
      }
      const holdId = context.heldBy({
        activityId: 'order-processing',
        recordType: 'order',
        recordId,
        occurredAt: recordDate ?? null,
      });
      if (holdId) {
        outcomes.push({
          recordType: 'order',
          recordId,
          outcome: 'held',
          activityId: 'order-processing',
          holdId,
          recordDate,
        });
      } else {
        await manager.query('delete from fixture_shop_order where id = $1', [order.id]);
        outcomes.push({ recordType: 'order', recordId, outcome: 'erased' });
      }
    }
    return outcomes;
  }

  async eraseBlocked(records: readonly BlockedRecord[], manager: EntityManager): Promise<void> {
    await manager.query('delete from fixture_shop_order where id::text = any($1::text[])', [
      records.map((r) => r.recordId),
    ]);
  }
}

/** An eraser that erases, then fails: nothing it did may stay. */
@Injectable()
class NewsletterRights implements PersonalDataEraser {
  readonly name = 'fixture-newsletter';
  failing = false;

  async erase(subjectId: string, { manager }: ErasureContext): Promise<ErasureOutcome[]> {
    await manager.query('delete from fixture_newsletter_subscription where account_id = $1', [subjectId]);
    if (this.failing) throw new Error('mail provider unreachable');
    return [{ recordType: 'newsletter_subscription', recordId: subjectId, outcome: 'erased' }];
  }

  async eraseBlocked(): Promise<void> {}
}

/** How the orders module reads: blocked orders drop out of every purpose but statutory retention. */
@Injectable()
class OrdersReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly blocked: BlockedRecords,
  ) {}

  async numbersFor(accountId: string, purpose: string): Promise<string[]> {
    const visible = purpose === RETENTION_PURPOSE ? 'true' : notBlockedClause('order', 'o.id');
    const rows: { number: string }[] = await this.dataSource.query(
      `select o.number from fixture_shop_order o where o.account_id = $1 and ${visible} order by o.number`,
      [accountId],
    );
    return rows.map((r) => r.number);
  }

  async byId(id: string, purpose: string): Promise<{ number: string } | undefined> {
    await this.blocked.assertReadable('order', id, purpose, 'order-processing');
    const rows: { number: string }[] = await this.dataSource.query(
      'select number from fixture_shop_order where id = $1',
      [id],
    );
    return rows[0];
  }
}

@Controller('probe/orders')
class OrdersProbeController {
  constructor(private readonly orders: OrdersReader) {}

  @Get(':id')
  async get(
    @Param('id') id: string,
    @Query('purpose') purpose: string,
  ): Promise<{ number: string } | undefined> {
    return this.orders.byId(id, purpose);
  }
}

@Injectable()
class FakeShopRegistrations implements OnModuleInit {
  constructor(
    private readonly rights: RightsRegistry,
    private readonly accounts: AccountsRights,
    private readonly orders: OrdersRights,
    private readonly newsletter: NewsletterRights,
  ) {}

  onModuleInit(): void {
    this.rights.registerExporter(this.accounts);
    this.rights.registerExporter(this.orders);
    this.rights.registerEraser(this.accounts);
    this.rights.registerEraser(this.newsletter);
    this.rights.registerEraser(this.orders);
  }
}

@Module({
  imports: [RetentionModule],
  controllers: [OrdersProbeController],
  providers: [AccountsRights, OrdersRights, NewsletterRights, OrdersReader, FakeShopRegistrations],
})
class FakeShopModule {}

// ---- the tests ---------------------------------------------------------------------------------------

describe('rights: export and erasure across modules, blocked records', () => {
  let db: TestDatabase;
  let testApp: TestApp;
  let app: NestFastifyApplication;
  let rights: RightsService;
  let sweep: RetentionSweep;
  let reader: OrdersReader;
  let holds: LegalHolds;
  const hooks = new RecordingHooks();

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.query(`
      create table fixture_shop_account (id text primary key, email text not null, name text not null);
      create table fixture_shop_order (id serial primary key, account_id text not null, number text not null,
        status text not null, total_cents integer not null, invoice_date date);
      create table fixture_newsletter_subscription (account_id text primary key, email text not null);`);
    testApp = await startTestApp({ db, modules: [TestRightsHooksModule.register(hooks), FakeShopModule] });
    app = testApp.app;
    rights = app.get(RightsService);
    sweep = app.get(RetentionSweep);
    reader = app.get(OrdersReader);
    holds = app.get(LegalHolds);
  });

  afterEach(async () => {
    app.get(NewsletterRights).failing = false;
    await db.query(
      `update privacy.legal_hold set released_at = now(), released_by_type = 'system', released_by_id = 'test-cleanup'
        where released_at is null`,
    );
    await db.query(
      'truncate fixture_shop_account, fixture_shop_order, fixture_newsletter_subscription, privacy.blocked_record',
    );
  });

  afterAll(async () => {
    await testApp?.close();
    await db?.drop();
  });

  /** Erika has an account, a paid order invoiced on 2026-03-05 and an abandoned cart; Max has his own. */
  async function seed(): Promise<{ paid: string; cart: string; other: string }> {
    await db.query(`insert into fixture_shop_account values ('erika', 'erika@example.org', 'Erika Mustermann'),
                                                     ('max', 'max@example.org', 'Max Mustermann')`);
    await db.query(`insert into fixture_newsletter_subscription values ('erika', 'erika@example.org')`);
    const { rows } = await db.query<{ id: number }>(
      `insert into fixture_shop_order (account_id, number, status, total_cents, invoice_date) values
         ('erika', 'SO-1001', 'paid', 24900, '2026-03-05'),
         ('erika', 'SO-1002', 'cart', 1990, null),
         ('max', 'SO-1003', 'paid', 4900, '2026-04-01')
       returning id`,
    );
    const [paid, cart, other] = rows.map((r) => String(r.id));
    return { paid: paid, cart: cart, other: other };
  }

  it("exports every module's section for the subject, and nothing of anyone else", async () => {
    const { paid, cart } = await seed();

    const result = await rights.exportSubject('erika');

    expect(result.subjectId).toBe('erika');
    // The real modules' exporters run too (and find nothing of 'erika'); these are the fixtures'.
    expect(result.sections.map((s) => s.exporter).filter((n) => n.startsWith('fixture-'))).toEqual([
      'fixture-accounts',
      'fixture-orders',
    ]);
    expect(fixtureSection(result, 'fixture-accounts').records).toEqual([
      {
        recordType: 'account',
        recordId: 'erika',
        activityId: 'registration',
        data: { id: 'erika', email: 'erika@example.org', name: 'Erika Mustermann' },
      },
    ]);
    expect(fixtureSection(result, 'fixture-orders')).toMatchObject({
      activities: ['order-processing'],
      categories: ['order.items', 'payment.amount'],
    });
    expect(fixtureSection(result, 'fixture-orders').records.map((r) => r.recordId)).toEqual([paid, cart]);
    expect(JSON.stringify(result)).not.toContain('max@example.org');
    expect(JSON.stringify(result)).not.toContain('SO-1003');
    expect(result.blocked).toEqual([]);
    expect(hooks.exports.at(-1)).toBe(result);
  });

  it('erases the account and the unpaid order, and blocks the paid order until the end of its 8th year', async () => {
    const { paid, cart } = await seed();

    const report = await rights.eraseSubject('erika');

    expect(report.complete).toBe(true);
    const byEraser = Object.fromEntries(report.erasers.map((e) => [e.eraser.replace(/^fixture-/, ''), e]));
    expect(byEraser.accounts.erased).toEqual([{ recordType: 'account', recordId: 'erika' }]);
    expect(byEraser.orders.erased).toEqual([{ recordType: 'order', recordId: cart }]);
    expect(byEraser.orders.blocked).toEqual([
      {
        recordType: 'order',
        recordId: paid,
        activityId: 'order-processing',
        statute: '§ 257(1) Nr. 4, (4) HGB; § 147(1) Nr. 4, (3) AO',
        until: new Date('2034-12-31T22:59:59.999Z'),
      },
    ]);
    expect((await db.query('select id from fixture_shop_account')).rows).toEqual([{ id: 'max' }]);
    expect((await db.query('select number from fixture_shop_order order by number')).rows).toEqual([
      { number: 'SO-1001' },
      { number: 'SO-1003' },
    ]);
    const block = (await db.query('select * from privacy.blocked_record')).rows;
    expect(block).toEqual([
      expect.objectContaining({
        record_type: 'order',
        record_id: paid,
        subject_id: 'erika',
        activity_id: 'order-processing',
        eraser: 'fixture-orders',
        statute: '§ 257(1) Nr. 4, (4) HGB; § 147(1) Nr. 4, (3) AO',
        blocked_until: new Date('2034-12-31T22:59:59.999Z'),
      }),
    ]);
    expect(hooks.erasures.at(-1)).toBe(report);
  });

  it('makes a blocked order invisible to every purpose but statutory retention', async () => {
    const { paid } = await seed();
    await rights.eraseSubject('erika');
    const blocked = app.get(BlockedRecords);

    expect(await reader.numbersFor('erika', 'order-processing')).toEqual([]);
    expect(await reader.numbersFor('erika', 'customer-support')).toEqual([]);
    expect(await reader.numbersFor('erika', RETENTION_PURPOSE)).toEqual(['SO-1001']);
    expect(await reader.numbersFor('max', 'order-processing')).toEqual(['SO-1003']);

    await expect(reader.byId(paid, 'order-processing')).rejects.toBeInstanceOf(ProcessingRefused);
    await expect(reader.byId(paid, 'order-processing')).rejects.toMatchObject({ reason: 'blocked' });
    await expect(reader.byId(paid, RETENTION_PURPOSE)).resolves.toEqual({ number: 'SO-1001' });
    expect(await blocked.isBlocked('order', paid)).toBe(true);
    expect(await blocked.filterReadable('order', [paid, '424242'], 'marketing')).toEqual(['424242']);
    expect(await blocked.filterReadable('order', [paid], RETENTION_PURPOSE)).toEqual([paid]);

    const res = await app.inject({ method: 'GET', url: `/probe/orders/${paid}?purpose=order-processing` });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      type: 'urn:storefront:problem:processing-refused',
      reason: 'blocked',
    });
  });

  it('shows the subject, on access, what is kept, under which statute and until when', async () => {
    const { paid } = await seed();
    await rights.eraseSubject('erika');

    const result = await rights.exportSubject('erika');

    expect(fixtureSection(result, 'fixture-accounts').records).toEqual([]);
    expect(fixtureSection(result, 'fixture-orders').records).toEqual([
      expect.objectContaining({
        recordId: paid,
        data: { number: 'SO-1001', status: 'paid', totalCents: 24900, invoiceDate: '2026-03-05' },
        blocked: {
          statute: '§ 257(1) Nr. 4, (4) HGB; § 147(1) Nr. 4, (3) AO',
          until: new Date('2034-12-31T22:59:59.999Z'),
        },
      }),
    ]);
    expect(result.blocked).toEqual([
      {
        recordType: 'order',
        recordId: paid,
        activityId: 'order-processing',
        statute: '§ 257(1) Nr. 4, (4) HGB; § 147(1) Nr. 4, (3) AO',
        until: new Date('2034-12-31T22:59:59.999Z'),
      },
    ]);
  });

  it('has the sweep erase a blocked order once its date has passed, not before, and lift the block', async () => {
    const { paid } = await seed();
    await rights.eraseSubject('erika');

    const lastDay = await sweep.runSweep(new Date('2034-12-31T22:59:59.000Z'));
    expect(lastDay.details.blocked).toMatchObject({ due: 0, erased: 0 });
    expect((await db.query('select id from fixture_shop_order where id = $1', [paid])).rows).toHaveLength(1);

    const newYear = await sweep.runSweep(new Date('2034-12-31T23:00:00.000Z')); // 2035-01-01 00:00 in Willich
    expect(newYear.details.blocked).toEqual({
      due: 1,
      erased: 1,
      held: 0,
      heldBy: {},
      byEraser: { 'fixture-orders': 1 },
      errors: [],
    });
    expect(newYear.erased).toBe(1);
    expect((await db.query('select number from fixture_shop_order')).rows).toEqual([{ number: 'SO-1003' }]);
    expect((await db.query('select * from privacy.blocked_record')).rows).toEqual([]);
  });

  it('keeps a blocked order past its date while a legal hold covers it, and erases it after the release', async () => {
    const { paid } = await seed();
    await rights.eraseSubject('erika');
    // The tax assessment for 2026 is still open (§ 147(3) AO: the period does not end meanwhile).
    const hold = await holds.create(
      {
        recordType: 'order',
        from: new Date('2026-01-01T00:00:00+01:00'),
        to: new Date('2026-12-31T23:59:59+01:00'),
      },
      'tax assessment 2026 open',
    );
    const after = new Date('2035-06-01T00:00:00Z');

    const held = await sweep.runSweep(after);
    expect(held.details.blocked).toMatchObject({ due: 1, erased: 0, held: 1, heldBy: { [hold.id]: 1 } });
    expect(await reader.numbersFor('erika', RETENTION_PURPOSE)).toEqual(['SO-1001']);

    await holds.release(hold.id);
    const released = await sweep.runSweep(after);
    expect(released.details.blocked).toMatchObject({ due: 1, erased: 1, held: 0 });
    expect((await db.query('select id from fixture_shop_order where id = $1', [paid])).rows).toEqual([]);
  });

  it('keeps, on erasure, what a legal hold covers, blocked meanwhile, and the sweep erases it after the release', async () => {
    const { cart } = await seed();
    const hold = await holds.create(
      { subjectId: 'erika', activityId: 'order-processing' },
      'chargeback dispute SO-1002',
    );

    const report = await rights.eraseSubject('erika');

    const orders = report.erasers.find((e) => e.eraser === 'fixture-orders')!;
    expect(orders.held).toEqual([
      { recordType: 'order', recordId: cart, activityId: 'order-processing', holdId: hold.id },
    ]);
    expect(orders.erased).toEqual([]);
    expect(report.erasers.find((e) => e.eraser === 'fixture-accounts')!.erased).toHaveLength(1);
    expect(await reader.numbersFor('erika', 'order-processing')).toEqual([]);

    const whileHeld = await sweep.runSweep();
    expect(whileHeld.details.blocked).toMatchObject({ due: 1, held: 1, erased: 0 });
    expect(
      (await db.query('select number from fixture_shop_order where account_id = $1 order by 1', ['erika']))
        .rows,
    ).toEqual([{ number: 'SO-1001' }, { number: 'SO-1002' }]);

    await holds.release(hold.id);
    await sweep.runSweep();
    // The cart goes; the paid order stays blocked for its statute.
    expect(
      (await db.query('select number from fixture_shop_order where account_id = $1', ['erika'])).rows,
    ).toEqual([{ number: 'SO-1001' }]);
    const block = (await db.query('select statute from privacy.blocked_record')).rows;
    expect(block).toEqual([{ statute: '§ 257(1) Nr. 4, (4) HGB; § 147(1) Nr. 4, (3) AO' }]);
    expect(orders.blocked.map((b) => b.statute)).toEqual(['§ 257(1) Nr. 4, (4) HGB; § 147(1) Nr. 4, (3) AO']);
  });

  it('reports an eraser that fails, commits nothing of it, and still runs the others', async () => {
    await seed();
    app.get(NewsletterRights).failing = true;

    const report = await rights.eraseSubject('erika');

    expect(report.complete).toBe(false);
    expect(
      report.erasers.filter((e) => e.eraser.startsWith('fixture-')).map((e) => [e.eraser, e.error]),
    ).toEqual([
      ['fixture-accounts', undefined],
      ['fixture-newsletter', 'mail provider unreachable'],
      ['fixture-orders', undefined],
    ]);
    expect((await db.query('select account_id from fixture_newsletter_subscription')).rows).toEqual([
      { account_id: 'erika' },
    ]);
    expect((await db.query(`select id from fixture_shop_account where id = 'erika'`)).rows).toEqual([]);

    app.get(NewsletterRights).failing = false;
    const again = await rights.eraseSubject('erika');
    expect(again.complete).toBe(true);
    expect((await db.query('select account_id from fixture_newsletter_subscription')).rows).toEqual([]);
  });

  it('never shortens a running statutory period when a record is blocked again', async () => {
    const blocked = app.get(BlockedRecords);
    const base = {
      recordType: 'order',
      recordId: '777',
      subjectId: 'erika',
      activityId: 'order-processing',
      eraser: 'fixture-orders',
      reason: 'test',
    };
    await blocked.block({
      ...base,
      statute: '§ 257 HGB (books)',
      blockedUntil: new Date('2036-12-31T22:59:59.999Z'),
    });
    await blocked.block({
      ...base,
      statute: '§ 257 HGB (vouchers)',
      blockedUntil: new Date('2034-12-31T22:59:59.999Z'),
    });

    expect(await blocked.get('order', '777')).toMatchObject({
      statute: '§ 257 HGB (books)',
      blockedUntil: new Date('2036-12-31T22:59:59.999Z'),
    });
  });
});
