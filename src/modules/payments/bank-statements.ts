import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type Actor } from '@app/privacy';
import { DataSource } from 'typeorm';
import { ValidationProblem } from '../../common/problem/problem.js';
import { OrderReader, PaymentMismatchError } from '../orders/index.js';
import { PaymentNotSettleableError, SettlementMismatchError } from './payments.problems.js';
import { CamtProblem, orderNumbersIn, parseCamt053 } from './camt053.js';
import { PaymentAdmin } from './payment-admin.service.js';

export type EntryOutcome =
  'paid' | 'already-paid' | 'no-order' | 'amount-mismatch' | 'not-payable' | 'duplicate';

export interface ImportedEntry {
  reference: string;
  amountCents: number;
  currency: string;
  bookedOn: string | null;
  orderNumber: string | null;
  outcome: EntryOutcome;
}

export interface StatementImport {
  statementId: string;
  entries: ImportedEntry[];
  /** Debits and entries not booked yet: not looked at. */
  skipped: number;
}

/**
 * Bank statements (CAMT.053): each booked credit is matched to an order by the order number the
 * payer wrote (the payment reference on the invoice) and settles that order's open invoice or SEPA
 * payment when the amount is exactly due (PaymentAdmin.settle: the order is marked paid, whatever
 * its fulfilment status). Every credit is recorded once by the bank's reference, so the same file
 * (or an overlapping one) imported again changes nothing; what did not match is answered for staff
 * (amount-mismatch, no-order) and stays open. The whole file is parsed before anything is written: a
 * malformed one is a 400 and imports nothing. Payer names and accounts are not read or stored.
 */
@Injectable()
export class BankStatements {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: OrderReader,
    private readonly admin: PaymentAdmin,
  ) {}

  async import(xml: string, staff: Actor): Promise<StatementImport> {
    let parsed;
    try {
      parsed = parseCamt053(xml);
    } catch (error) {
      if (error instanceof CamtProblem)
        throw new ValidationProblem([{ field: error.field, reason: error.reason }]);
      throw error;
    }
    const entries: ImportedEntry[] = [];
    for (const credit of parsed.credits) {
      const known: { outcome: EntryOutcome }[] = await this.dataSource.query(
        'select outcome from bank_statement_entry where entry_reference = $1',
        [credit.reference],
      );
      const numbers = orderNumbersIn(credit.texts);
      const base = {
        reference: credit.reference,
        amountCents: credit.amountCents,
        currency: credit.currency,
        bookedOn: credit.bookedOn,
        orderNumber: numbers[0] ?? null,
      };
      if (known[0]) {
        entries.push({ ...base, outcome: 'duplicate' });
        continue;
      }
      const orderId = numbers[0] ? await this.orders.idByNumber(numbers[0]) : null;
      const outcome = orderId ? await this.settle(orderId, credit.amountCents, credit.currency) : 'no-order';
      await this.dataSource.query(
        `insert into bank_statement_entry (entry_reference, statement_id, booked_on, amount_cents, currency, order_id,
                                           outcome, imported_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (entry_reference) do nothing`,
        [
          credit.reference,
          parsed.statementId,
          credit.bookedOn,
          credit.amountCents,
          credit.currency,
          orderId,
          outcome,
          `${staff.type}:${staff.id}`,
        ],
      );
      entries.push({ ...base, outcome });
    }
    return { statementId: parsed.statementId, entries, skipped: parsed.skipped };
  }

  /** Settles the order's open bank payment (invoice or SEPA) with the credit. */
  private async settle(orderId: string, amountCents: number, currency: string): Promise<EntryOutcome> {
    const payments: { id: string; status: string }[] = await this.dataSource.query(
      `select id, status from payment where order_id = $1 and provider in ('invoice', 'sepa')
        order by (status = 'succeeded') desc, created_at desc`,
      [orderId],
    );
    if (payments[0]?.status === 'succeeded') return 'already-paid';
    const open = payments.find((p) => p.status === 'pending');
    if (!open) return 'not-payable';
    try {
      const settled = await this.admin.settle(open.id, { amountCents, currency });
      return settled.status === 'succeeded' ? 'paid' : 'not-payable';
    } catch (error) {
      if (error instanceof PaymentMismatchError || error instanceof SettlementMismatchError)
        return 'amount-mismatch';
      if (error instanceof PaymentNotSettleableError) return 'not-payable';
      throw error;
    }
  }
}
