import { Inject, Injectable } from '@nestjs/common';
import type {
  BlockedRecord,
  ErasureContext,
  ErasureOutcome,
  ExportRecord,
  ExportSection,
  PersonalDataEraser,
  PersonalDataExporter,
} from '@app/privacy';
import type { EntityManager } from 'typeorm';
import {
  ACCOUNTING_VOUCHERS,
  MANDATE_RECORD,
  PAYMENT_ACTIVITY_ID,
  PAYMENT_CATEGORIES,
  PAYMENT_RECORD,
  REFUND_RECORD,
} from './payments.declarations.js';
import { PAYMENTS_SETUP, type PaymentsSetup } from './payments.setup.js';

interface PaymentExportRow {
  id: string;
  order_id: string;
  provider: string;
  method: string;
  provider_reference: string | null;
  capture_reference: string | null;
  status: string;
  amount_cents: number;
  currency: string;
  received_cents: number | null;
  created_at: Date;
  succeeded_at: Date | null;
}

interface MandateExportRow {
  id: string;
  payment_id: string;
  mandate_reference: string;
  creditor_id: string;
  iban_encrypted: string | null;
  iban_masked: string;
  account_holder: string;
  signed_at: Date;
}

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/**
 * The payments module's part of Art. 15/20 and Art. 17. Payments carry the subject id themselves, so
 * this works whatever the orders module has already erased. A payment through which money moved (it
 * succeeded, or money arrived that did not match) is an accounting voucher: it is blocked with its
 * refunds and its mandate until the statutory date, counted from the day of the payment; every other
 * payment is erased with its mandate, refunds and provider events.
 */
@Injectable()
export class PaymentsRights implements PersonalDataExporter, PersonalDataEraser {
  readonly name = 'payments';

  constructor(@Inject(PAYMENTS_SETUP) private readonly setup: PaymentsSetup) {}

  export(subjectId: string, manager: EntityManager): Promise<ExportSection> {
    return this.exportMany([subjectId], manager);
  }

  /** `export` for several subject ids of one person, in one query per table. */
  async exportMany(subjectIds: readonly string[], manager: EntityManager): Promise<ExportSection> {
    const payments: PaymentExportRow[] = await manager.query(
      `select id, order_id, provider, method, provider_reference, capture_reference, status, amount_cents, currency,
              received_cents, created_at, succeeded_at
         from payment where subject_id = any($1::text[]) order by created_at`,
      [[...subjectIds]],
    );
    const ids = payments.map((p) => p.id);
    const refunds: {
      id: string;
      payment_id: string;
      status: string;
      amount_cents: number;
      currency: string;
      provider_reference: string | null;
      created_at: Date;
    }[] =
      ids.length === 0
        ? []
        : await manager.query(
            `select id, payment_id, status, amount_cents, currency, provider_reference, created_at
               from payment_refund where payment_id = any($1::uuid[]) order by created_at`,
            [ids],
          );
    const mandates: MandateExportRow[] = await manager.query(
      `select id, payment_id, mandate_reference, creditor_id, iban_encrypted, iban_masked, account_holder, signed_at
         from sepa_mandate where subject_id = any($1::text[]) order by signed_at`,
      [[...subjectIds]],
    );
    const events: {
      provider: string;
      event_id: string;
      type: string;
      payment_id: string;
      outcome: string;
      received_at: Date;
    }[] =
      ids.length === 0
        ? []
        : await manager.query(
            `select provider, event_id, type, payment_id, outcome, received_at
               from payment_event where payment_id = any($1::uuid[]) order by received_at`,
            [ids],
          );

    const records: ExportRecord[] = [
      ...payments.map((p) => ({
        recordType: PAYMENT_RECORD,
        recordId: p.id,
        activityId: PAYMENT_ACTIVITY_ID,
        data: {
          orderId: p.order_id,
          method: p.method,
          provider: p.provider,
          status: p.status,
          amountCents: p.amount_cents,
          currency: p.currency.trim(),
          receivedCents: p.received_cents,
          providerReference: p.provider_reference,
          captureReference: p.capture_reference,
          createdAt: iso(p.created_at),
          succeededAt: iso(p.succeeded_at),
          providerEvents: events
            .filter((e) => e.payment_id === p.id)
            .map((e) => ({
              provider: e.provider,
              eventId: e.event_id,
              type: e.type,
              outcome: e.outcome,
              receivedAt: iso(e.received_at),
            })),
        },
      })),
      ...refunds.map((r) => ({
        recordType: REFUND_RECORD,
        recordId: r.id,
        activityId: PAYMENT_ACTIVITY_ID,
        data: {
          paymentId: r.payment_id,
          status: r.status,
          amountCents: r.amount_cents,
          currency: r.currency.trim(),
          providerReference: r.provider_reference,
          createdAt: iso(r.created_at),
        },
      })),
      ...mandates.map((m) => ({
        recordType: MANDATE_RECORD,
        recordId: m.id,
        activityId: PAYMENT_ACTIVITY_ID,
        data: {
          paymentId: m.payment_id,
          mandateReference: m.mandate_reference,
          creditorId: m.creditor_id,
          // The person's own data, as given (Art. 15(3)); null once the period for the full IBAN is over.
          iban: m.iban_encrypted ? this.decrypt(m) : null,
          ibanMasked: m.iban_masked,
          accountHolder: m.account_holder,
          signedAt: iso(m.signed_at),
        },
      })),
    ];
    const categories = new Set<string>();
    if (payments.length > 0) {
      categories.add(PAYMENT_CATEGORIES.amount.id);
      categories.add(PAYMENT_CATEGORIES.orderReference.id);
      categories.add(PAYMENT_CATEGORIES.method.id);
      if (payments.some((p) => p.provider_reference)) categories.add(PAYMENT_CATEGORIES.providerReference.id);
    }
    if (mandates.length > 0) {
      categories.add(PAYMENT_CATEGORIES.iban.id);
      categories.add(PAYMENT_CATEGORIES.accountHolder.id);
      categories.add(PAYMENT_CATEGORIES.mandate.id);
    }
    return {
      activities: records.length > 0 ? [PAYMENT_ACTIVITY_ID] : [],
      categories: [...categories],
      records,
    };
  }

  async erase(subjectId: string, context: ErasureContext): Promise<ErasureOutcome[]> {
    const { manager } = context;
    const payments: { id: string; money_moved: boolean; record_date: Date; created_at: Date }[] =
      await manager.query(
        `select id, (status = 'succeeded' or received_cents is not null) as money_moved,
              coalesce(succeeded_at, updated_at) as record_date, created_at
         from payment where subject_id = $1 order by created_at`,
        [subjectId],
      );
    const outcomes: ErasureOutcome[] = [];
    const erase: string[] = [];
    for (const p of payments) {
      const children = await this.children(manager, p.id);
      if (p.money_moved) {
        const { statute, until } = context.retain(ACCOUNTING_VOUCHERS, p.record_date);
        const blocked = { outcome: 'blocked' as const, activityId: PAYMENT_ACTIVITY_ID, statute, until };
        outcomes.push({
          recordType: PAYMENT_RECORD,
          recordId: p.id,
          ...blocked,
          recordDate: p.record_date,
          reason: 'payment of a paid order (accounting voucher)',
        });
        for (const r of children.refunds)
          outcomes.push({
            recordType: REFUND_RECORD,
            recordId: r.id,
            ...blocked,
            recordDate: r.created_at,
            reason: 'refund of a paid order (accounting voucher)',
          });
        for (const m of children.mandates)
          outcomes.push({
            recordType: MANDATE_RECORD,
            recordId: m.id,
            ...blocked,
            recordDate: p.record_date,
            reason: 'SEPA mandate of a paid order (accounting voucher)',
          });
        continue;
      }
      const holdId = context.heldBy({
        activityId: PAYMENT_ACTIVITY_ID,
        recordType: PAYMENT_RECORD,
        recordId: p.id,
        occurredAt: p.created_at,
      });
      if (holdId) {
        outcomes.push({
          recordType: PAYMENT_RECORD,
          recordId: p.id,
          outcome: 'held',
          activityId: PAYMENT_ACTIVITY_ID,
          holdId,
          recordDate: p.created_at,
        });
        for (const m of children.mandates)
          outcomes.push({
            recordType: MANDATE_RECORD,
            recordId: m.id,
            outcome: 'held',
            activityId: PAYMENT_ACTIVITY_ID,
            holdId,
            recordDate: p.created_at,
          });
        continue;
      }
      erase.push(p.id);
      outcomes.push({ recordType: PAYMENT_RECORD, recordId: p.id, outcome: 'erased' });
      for (const m of children.mandates)
        outcomes.push({ recordType: MANDATE_RECORD, recordId: m.id, outcome: 'erased' });
      for (const r of children.refunds)
        outcomes.push({ recordType: REFUND_RECORD, recordId: r.id, outcome: 'erased' });
    }
    await this.deletePayments(manager, erase);
    return outcomes;
  }

  async eraseBlocked(records: readonly BlockedRecord[], manager: EntityManager): Promise<void> {
    const of = (type: string): string[] =>
      records.filter((r) => r.recordType === type).map((r) => r.recordId);
    await this.deletePayments(manager, of(PAYMENT_RECORD));
    const refunds = of(REFUND_RECORD);
    if (refunds.length > 0)
      await manager.query('delete from payment_refund where id = any($1::uuid[])', [refunds]);
    const mandates = of(MANDATE_RECORD);
    if (mandates.length > 0)
      await manager.query('delete from sepa_mandate where id = any($1::uuid[])', [mandates]);
  }

  /** Deletes payments with their mandates and refunds (cascade), provider events and flags. */
  private async deletePayments(manager: EntityManager, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await manager.query('delete from payment_event where payment_id = any($1::uuid[])', [ids]);
    await manager.query('delete from payment_flag where payment_id = any($1::uuid[])', [ids]);
    await manager.query('delete from payment where id = any($1::uuid[])', [ids]);
  }

  private async children(
    manager: EntityManager,
    paymentId: string,
  ): Promise<{ refunds: { id: string; created_at: Date }[]; mandates: { id: string }[] }> {
    // One after the other: the queries share the erasure's transaction (one connection).
    const refunds = await manager.query<{ id: string; created_at: Date }[]>(
      'select id, created_at from payment_refund where payment_id = $1',
      [paymentId],
    );
    const mandates = await manager.query<{ id: string }[]>(
      'select id from sepa_mandate where payment_id = $1',
      [paymentId],
    );
    return { refunds, mandates };
  }

  private decrypt(mandate: MandateExportRow): string | null {
    try {
      return this.setup.ibanCipher.decrypt(mandate.iban_encrypted ?? '', mandate.id);
    } catch {
      // Encrypted under another key (a development key of an earlier process, or before a rotation).
      return null;
    }
  }
}
