import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Several parcels per order (src/modules/carrier-handoff): a shipment is one parcel, numbered per
 * order (`parcel_no`; the first keeps the order number as its carrier-side reference, the next ones
 * `<order number>-<n>`), and `shipment_line` says which lines and pieces it carries. A shipment
 * without lines (one made before this migration) carries the whole order.
 */
export class Parcels1795572100000 implements MigrationInterface {
  name = 'Parcels1795572100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table shipment drop constraint shipment_order,
      add column parcel_no smallint not null default 1 constraint shipment_parcel_no check (parcel_no > 0),
      add constraint shipment_order_parcel unique (order_id, parcel_no)`);
    await q.query(`
      create table shipment_line (
        shipment_id uuid not null references shipment (id) on delete cascade,
        order_id uuid not null,
        line_no smallint not null,
        quantity integer not null constraint shipment_line_quantity check (quantity > 0),
        primary key (shipment_id, line_no),
        foreign key (order_id, line_no) references order_item (order_id, line_no) on delete cascade
      )`);
    await q.query(`create index shipment_line_order on shipment_line (order_id, line_no)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table shipment_line`);
    await q.query(`delete from shipment where parcel_no > 1`);
    await q.query(`alter table shipment drop constraint shipment_order_parcel, drop column parcel_no,
      add constraint shipment_order unique (order_id)`);
  }
}
