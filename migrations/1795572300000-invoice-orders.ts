import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders on invoice and by SEPA direct debit (src/modules/orders/invoice-orders.ts): released for
 * fulfilment once the credit check passed (`released_at`), before they are paid, with a payment due
 * date; the payment reminders sent (order_dunning, one row per level); and the bank statements
 * (CAMT.053) whose credit entries were matched to orders (bank_statement_entry: the bank's entry
 * reference, amount and outcome only; no payer names or accounts are stored).
 */
export class InvoiceOrders1795572300000 implements MigrationInterface {
  name = 'InvoiceOrders1795572300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table shop_order add column released_at timestamptz, add column payment_due_date date,
      drop constraint shop_order_paid,
      add constraint shop_order_paid check (
        status in ('placed', 'awaiting_payment', 'cancelled') or paid_at is not null or released_at is not null)`);
    await q.query(
      `create index shop_order_unpaid_released on shop_order (payment_due_date) where released_at is not null and paid_at is null`,
    );
    await q.query(`
      create table order_dunning (
        order_id uuid not null references shop_order (id) on delete cascade,
        level smallint not null constraint order_dunning_level check (level > 0),
        sent_at timestamptz not null default now(),
        due_date date not null,
        primary key (order_id, level)
      )`);
    await q.query(`
      create table bank_statement_entry (
        id bigint generated always as identity primary key,
        entry_reference text not null constraint bank_statement_entry_once unique,
        statement_id text not null,
        booked_on date,
        amount_cents integer not null,
        currency char(3) not null,
        order_id uuid references shop_order (id) on delete set null,
        outcome text not null constraint bank_statement_entry_outcome check (outcome in
          ('paid', 'already-paid', 'no-order', 'amount-mismatch', 'not-payable')),
        imported_at timestamptz not null default now(),
        imported_by text not null
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table bank_statement_entry`);
    await q.query(`drop table order_dunning`);
    await q.query(`drop index shop_order_unpaid_released`);
    await q.query(`alter table shop_order drop constraint shop_order_paid,
      add constraint shop_order_paid check (status in ('placed', 'awaiting_payment', 'cancelled') or paid_at is not null),
      drop column released_at, drop column payment_due_date`);
  }
}
