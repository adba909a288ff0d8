import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Invoicing module: what a credit note credits, `{ lines, shipping }` with gross amounts and VAT as
 * the orders module asked (null for the reversal of the whole invoice), so that its document can be
 * rendered after the issuing transaction from the issued row alone, and later requests credit only
 * what is left. Rows issued before this column existed were full reversals (the only kind issued
 * then): null is right for them.
 */
export class CreditNoteLines1795573100000 implements MigrationInterface {
  name = 'CreditNoteLines1795573100000';

  async up(q: QueryRunner): Promise<void> {
    // Adding a nullable column rewrites no row (the immutability trigger fires on UPDATE only).
    await q.query(`alter table credit_note add column credited jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table credit_note drop column credited`);
  }
}
