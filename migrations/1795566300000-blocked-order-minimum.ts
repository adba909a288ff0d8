import type { MigrationInterface, QueryRunner } from 'typeorm';

const DELIVERY_REQUIRED = ['first_name', 'last_name', 'street', 'postal_code', 'city'];

/**
 * A paid order blocked after an erasure request keeps only what the statute needs (the accounting
 * voucher: number, dates, items, amounts, payment, billing address; the delivery country for VAT): the
 * delivery name and address and the guest's email are erased, so those columns may now be empty.
 */
export class BlockedOrderMinimum1795566300000 implements MigrationInterface {
  name = 'BlockedOrderMinimum1795566300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `alter table shop_order ${DELIVERY_REQUIRED.map((c) => `alter column delivery_${c} drop not null`).join(', ')}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const c of DELIVERY_REQUIRED) {
      await q.query(`update shop_order set delivery_${c} = '' where delivery_${c} is null`);
    }
    await q.query(
      `alter table shop_order ${DELIVERY_REQUIRED.map((c) => `alter column delivery_${c} set not null`).join(', ')}`,
    );
  }
}
