import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Device traceability (src/modules/orders/device-serials.ts): products that are medical devices
 * (`tracks_serials`), and the UDI or serial number of each piece sold, scanned at packing.
 *
 * order_item_serial keeps the link between a serial and its buyer (order, line, subject) beyond the
 * order itself: the statutory period of the medical-device rules (10 years) is longer than the
 * order's (8 years, accounting vouchers), so the order may be erased first (order_id set null; the
 * order number, SKU and subject stay).
 */
export class DeviceSerials1795572200000 implements MigrationInterface {
  name = 'DeviceSerials1795572200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table product add column tracks_serials boolean not null default false`);
    await q.query(`
      create table order_item_serial (
        id uuid primary key default gen_random_uuid(),
        order_id uuid references shop_order (id) on delete set null,
        order_number text not null,
        line_no smallint not null,
        sku text not null,
        subject_id text not null,
        serial text not null,
        kind text not null constraint order_item_serial_kind check (kind in ('udi', 'serial')),
        scanned_at timestamptz not null default now(),
        scanned_by text not null,
        constraint order_item_serial_value check (serial ~ '^[A-Z0-9()./+-]{3,120}$'),
        constraint order_item_serial_once unique (order_id, line_no, serial)
      )`);
    await q.query(`create index order_item_serial_order on order_item_serial (order_id, line_no)`);
    await q.query(`create index order_item_serial_subject on order_item_serial (subject_id)`);
    await q.query(`create index order_item_serial_prefix on order_item_serial (serial text_pattern_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table order_item_serial`);
    await q.query(`alter table product drop column tracks_serials`);
  }
}
