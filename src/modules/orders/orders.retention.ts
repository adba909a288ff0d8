import type { DueRecord, RetentionPolicy, StatutoryPeriods } from '@app/privacy';
import type { EntityManager } from 'typeorm';
import {
  ACCOUNTING_VOUCHERS,
  CANCELLED_ORDER_RETENTION_DAYS,
  IDEMPOTENCY_KEY_RETENTION_DAYS,
  INVOICING,
  ORDER_PROCESSING,
} from './orders.declarations.js';
import { INVOICE_RECORD, ORDER_RECORD } from './orders.rights.js';

/** Records one sweep step takes at most; the next sweep takes the rest. */
const BATCH = 1000;

type Row = { id: string; subject_id: string; occurred_at: Date };
const due = (rows: Row[]): DueRecord[] =>
  rows.map((r) => ({ recordId: r.id, subjectId: r.subject_id, occurredAt: r.occurred_at }));

/**
 * The retention of the orders module without any erasure request (Art. 5(1)(e)), as declared in
 * orders.declarations.ts: cancelled unpaid orders after CANCELLED_ORDER_RETENTION_DAYS; paid orders
 * and invoices at the end of their statutory period (the first instant after StatutoryPeriods'
 * blockedUntil: the end of the calendar year of the invoice plus the period's years, in the shop's
 * time zone); idempotency keys after IDEMPOTENCY_KEY_RETENTION_DAYS. Blocked and held records are
 * left to the sweep's triage.
 */
export function orderRetentionPolicies(periods: StatutoryPeriods): RetentionPolicy[] {
  /** Issued before this instant = the statutory period has ended by `now`. */
  const voucherCutoff = (now: Date, manager: EntityManager): Promise<{ cutoff: Date }[]> =>
    manager.query(
      `select make_timestamptz(extract(year from $1::timestamptz at time zone $2)::int - $3, 1, 1, 0, 0, 0, $2) as cutoff`,
      [now, periods.timeZone, periods.period(ACCOUNTING_VOUCHERS).years],
    );
  return [
    {
      id: 'orders.cancelled-unpaid',
      activityId: ORDER_PROCESSING.id,
      recordType: ORDER_RECORD,
      action: 'erase',
      async findExpired(now, manager) {
        const rows: Row[] = await manager.query(
          `select id, subject_id, updated_at as occurred_at from shop_order
            where status = 'cancelled' and paid_at is null and updated_at < $1::timestamptz - make_interval(days => $2)
            order by updated_at limit $3`,
          [now, CANCELLED_ORDER_RETENTION_DAYS, BATCH],
        );
        return due(rows);
      },
      async erase(ids, manager) {
        await manager.query(`delete from shop_order where id = any($1::uuid[]) and status = 'cancelled'`, [
          ids,
        ]);
      },
    },
    {
      id: 'orders.statutory-period-ended',
      activityId: ORDER_PROCESSING.id,
      recordType: ORDER_RECORD,
      action: 'erase',
      async findExpired(now, manager) {
        const [{ cutoff }] = await voucherCutoff(now, manager);
        const rows: Row[] = await manager.query(
          `select o.id, o.subject_id, i.issued_at as occurred_at
             from shop_order o join invoice i on i.order_id = o.id
            where i.issued_at < $1 order by i.issued_at limit $2`,
          [cutoff, BATCH],
        );
        return due(rows);
      },
      async erase(ids, manager) {
        await manager.query('delete from shop_order where id = any($1::uuid[])', [ids]);
      },
    },
    {
      id: 'invoices.statutory-period-ended',
      activityId: INVOICING.id,
      recordType: INVOICE_RECORD,
      action: 'erase',
      async findExpired(now, manager) {
        const [{ cutoff }] = await voucherCutoff(now, manager);
        const rows: Row[] = await manager.query(
          `select id, subject_id, issued_at as occurred_at from invoice
            where issued_at < $1 order by issued_at limit $2`,
          [cutoff, BATCH],
        );
        return due(rows);
      },
      async erase(ids, manager) {
        await manager.query('delete from invoice where id = any($1::uuid[])', [ids]);
      },
    },
    {
      id: 'orders.idempotency-keys',
      activityId: ORDER_PROCESSING.id,
      recordType: 'idempotency_key',
      table: 'idempotency_key',
      idColumn: 'order_id',
      subjectColumn: 'scope',
      timestampColumn: 'created_at',
      afterDays: IDEMPOTENCY_KEY_RETENTION_DAYS,
    },
  ];
}
