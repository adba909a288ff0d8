import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cancellation of paid orders (src/modules/orders/credit-notes.port.ts): every request for a credit
 * note (a cancelled or refunded paid order) with the credit note's number once invoicing issued it.
 * Open rows (no number) are the accountant's worklist while no issuer is deployed. Kept with the
 * order (cascade): it is part of the order's accounting trail.
 */
export class OrderCancellation1795567100000 implements MigrationInterface {
  name = 'OrderCancellation1795567100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table credit_note_request (
        id bigint generated always as identity primary key,
        order_id uuid not null references shop_order (id) on delete cascade,
        reason text not null,
        lines jsonb,
        requested_at timestamptz not null default now(),
        credit_note_id text,
        credit_note_number text
      )`);
    await q.query(`create index credit_note_request_order on credit_note_request (order_id)`);
    await q.query(
      `create index credit_note_request_open on credit_note_request (requested_at) where credit_note_number is null`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table credit_note_request`);
  }
}
