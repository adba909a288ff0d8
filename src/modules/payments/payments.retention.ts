import type { RetentionPolicy } from '@app/privacy';
import {
  PAYMENT_ACTIVITY_ID,
  PAYMENT_CATEGORIES,
  PAYMENT_EVENT_RETENTION_DAYS,
  PAYMENT_RECORD,
  RESOLVED_FLAG_RETENTION_DAYS,
  SEPA_IBAN_RETENTION_DAYS,
  UNPAID_PAYMENT_RETENTION_DAYS,
} from './payments.declarations.js';

const SWEEP_BATCH = 1000;

/** The retention the `payment` activity declares, as policies the kernel's sweep runs. */
export const paymentRetentionPolicies = (): RetentionPolicy[] => [
  {
    // Payments that ended without money: erased with their mandate, refunds (none) and events.
    id: 'payments.unpaid',
    activityId: PAYMENT_ACTIVITY_ID,
    recordType: PAYMENT_RECORD,
    async findExpired(now, manager) {
      const rows: { id: string; subject_id: string; created_at: Date }[] = await manager.query(
        `select id, subject_id, created_at from payment
          where status in ('failed', 'cancelled', 'creating') and received_cents is null
            and updated_at < $1::timestamptz - make_interval(days => $2)
          order by updated_at limit $3`,
        [now, UNPAID_PAYMENT_RETENTION_DAYS, SWEEP_BATCH],
      );
      return rows.map((r) => ({ recordId: r.id, subjectId: r.subject_id, occurredAt: r.created_at }));
    },
    async erase(ids, manager) {
      // Checked again here: a payment that received money meanwhile is an accounting record now.
      const [erased] = await manager.query<[{ id: string }[], number]>(
        `delete from payment where id = any($1::uuid[]) and status in ('failed', 'cancelled', 'creating')
           and received_cents is null returning id`,
        [ids],
      );
      const gone = erased.map((r) => r.id);
      if (gone.length > 0) {
        await manager.query('delete from payment_event where payment_id = any($1::uuid[])', [gone]);
        await manager.query('delete from payment_flag where payment_id = any($1::uuid[])', [gone]);
      }
    },
  },
  {
    // After the SEPA refund period only the masked IBAN stays (a blocked mandate included: less, not more).
    id: 'payments.sepa-iban',
    activityId: PAYMENT_ACTIVITY_ID,
    category: PAYMENT_CATEGORIES.iban.id,
    recordType: 'payment.sepa-iban',
    table: 'sepa_mandate',
    idColumn: 'id',
    subjectColumn: 'subject_id',
    timestampColumn: 'signed_at',
    afterDays: SEPA_IBAN_RETENTION_DAYS,
    anonymise: ['iban_encrypted', 'iban_key_id'],
  },
  {
    id: 'payments.provider-events',
    activityId: PAYMENT_ACTIVITY_ID,
    category: PAYMENT_CATEGORIES.providerReference.id,
    recordType: 'payment.event',
    table: 'payment_event',
    idColumn: 'event_id',
    timestampColumn: 'received_at',
    afterDays: PAYMENT_EVENT_RETENTION_DAYS,
  },
  {
    id: 'payments.resolved-flags',
    activityId: PAYMENT_ACTIVITY_ID,
    recordType: 'payment.flag',
    table: 'payment_flag',
    idColumn: 'id',
    timestampColumn: 'resolved_at',
    afterDays: RESOLVED_FLAG_RETENTION_DAYS,
  },
];
