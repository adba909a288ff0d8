import type { MigrationInterface, QueryRunner } from 'typeorm';

const OLD_STATUSES = `'placed', 'awaiting_payment', 'paid', 'picking', 'packed', 'handed_to_carrier', 'delivered', 'cancelled', 'refunded'`;
const STATUSES = `${OLD_STATUSES}, 'partially_shipped', 'partially_refunded'`;

/**
 * Withdrawal and returns (src/modules/orders/order-returns.ts), and the two new order statuses:
 * `partially_refunded` (some lines withdrawn and refunded) and `partially_shipped` (some parcels out).
 *
 * order_return: one withdrawal declared by the buyer (requested → received → refunded), with the
 * amounts refunded once staff refunded it. order_return_line: the lines and quantities withdrawn,
 * what inspection decided (restock or scrap) and the amount and VAT refunded per line.
 * order_return_change: the history of each return (who moved it when), as order_status_change is
 * for orders; credit_note_request.shipping: the delivery charge a credit note reverses. All cascade with the order: they are part of its accounting trail.
 */
export class OrderReturns1795572000000 implements MigrationInterface {
  name = 'OrderReturns1795572000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table shop_order drop constraint shop_order_status,
      add constraint shop_order_status check (status in (${STATUSES}))`);
    await q.query(`alter table order_status_change drop constraint order_status_change_to,
      add constraint order_status_change_to check (to_status in (${STATUSES}))`);
    await q.query(`
      create table order_return (
        id uuid primary key default gen_random_uuid(),
        order_id uuid not null references shop_order (id) on delete cascade,
        number text not null unique,
        status text not null default 'requested',
        requested_at timestamptz not null default now(),
        received_at timestamptz,
        refunded_at timestamptz,
        refund_cents integer,
        refund_vat_cents integer,
        shipping_refund_cents integer,
        constraint order_return_status check (status in ('requested', 'received', 'refunded')),
        constraint order_return_received check ((status = 'requested') = (received_at is null)),
        constraint order_return_refunded check ((status = 'refunded') = (refunded_at is not null and refund_cents is not null))
      )`);
    await q.query(`create index order_return_order on order_return (order_id)`);
    await q.query(
      `create index order_return_open on order_return (status, requested_at) where status <> 'refunded'`,
    );
    await q.query(`
      create table order_return_line (
        return_id uuid not null references order_return (id) on delete cascade,
        order_id uuid not null,
        line_no smallint not null,
        quantity integer not null,
        disposition text,
        amount_cents integer,
        vat_cents integer,
        primary key (return_id, line_no),
        foreign key (order_id, line_no) references order_item (order_id, line_no) on delete cascade,
        constraint order_return_line_quantity check (quantity > 0),
        constraint order_return_line_disposition check (disposition is null or disposition in ('restock', 'scrap'))
      )`);
    await q.query(`create index order_return_line_item on order_return_line (order_id, line_no)`);
    await q.query(`
      create table order_return_change (
        return_id uuid not null references order_return (id) on delete cascade,
        id bigint generated always as identity,
        from_status text,
        to_status text not null,
        at timestamptz not null default now(),
        actor_type text not null,
        actor_id text not null,
        actor_role text,
        note text,
        primary key (return_id, id)
      )`);
    await q.query(`create sequence order_return_number_seq`);
    // The delivery charge a credit note must also reverse (the last lines withdrawn).
    await q.query(`alter table credit_note_request add column shipping jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table credit_note_request drop column shipping`);
    await q.query(`drop sequence order_return_number_seq`);
    await q.query(`drop table order_return_change`);
    await q.query(`drop table order_return_line`);
    await q.query(`drop table order_return`);
    await q.query(`alter table order_status_change drop constraint order_status_change_to,
      add constraint order_status_change_to check (to_status in (${OLD_STATUSES}))`);
    await q.query(`alter table shop_order drop constraint shop_order_status,
      add constraint shop_order_status check (status in (${OLD_STATUSES}))`);
  }
}
