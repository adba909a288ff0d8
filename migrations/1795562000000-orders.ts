import type { MigrationInterface, QueryRunner } from 'typeorm';

const ORDER_STATUSES = `'placed', 'awaiting_payment', 'paid', 'picking', 'packed', 'handed_to_carrier', 'delivered', 'cancelled', 'refunded'`;
const PAYMENT_METHODS = `'card', 'paypal', 'sepa_debit', 'invoice'`;

/** The columns of one address snapshot, `delivery_…` or `billing_…`. */
const address = (prefix: string): string => `
        ${prefix}_first_name text not null,
        ${prefix}_last_name text not null,
        ${prefix}_company text,
        ${prefix}_street text not null,
        ${prefix}_house_number text,
        ${prefix}_address_line2 text,
        ${prefix}_postal_code text not null,
        ${prefix}_city text not null,
        ${prefix}_country char(2) not null`;

/**
 * Tables of src/modules/orders: the catalogue, orders with their items and status history,
 * idempotency keys of order placement, and invoices with their gap-free number counter.
 */
export class Orders1795562000000 implements MigrationInterface {
  name = 'Orders1795562000000';

  async up(q: QueryRunner): Promise<void> {
    // Secrets the application creates itself where configuration gives none (development and tests
    // only: production must configure them). Shared by every instance on the database.
    await q.query(`
      create table app_secret (
        name text primary key,
        value bytea not null,
        created_at timestamptz not null default now()
      )`);

    // Stock is updated by every order: a lower fill factor leaves room on the page for HOT updates
    // (no index covers stock or updated_at), so a sale does not touch the indexes.
    await q.query(`
      create table product (
        id uuid primary key default gen_random_uuid(),
        sku text not null,
        name text not null,
        description text not null default '',
        price_cents integer not null,
        currency char(3) not null default 'EUR',
        vat_rate_bp integer not null,
        stock integer not null default 0,
        active boolean not null default true,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint product_sku_unique unique (sku),
        constraint product_sku_format check (sku ~ '^[A-Z0-9][A-Z0-9-]{2,39}$'),
        constraint product_price_positive check (price_cents > 0),
        constraint product_currency_iso check (currency ~ '^[A-Z]{3}$'),
        constraint product_vat_rate check (vat_rate_bp in (1900, 700)),
        constraint product_stock_not_negative check (stock >= 0)
      ) with (fillfactor = 70)`);
    await q.query(`create index product_catalogue_page on product (name, id) where active`);

    // Checkout places an order in one statement (src/modules/orders/checkout.ts); when it finds an
    // item unknown or short of stock it calls this, so the whole statement, the idempotency claim
    // included, rolls back. SQLSTATE SO001; the message is the refusal, the detail JSON for the client.
    await q.query(`
      create function refuse_order_placement(reason text, detail text) returns boolean
        language plpgsql as $$
      begin
        raise exception using errcode = 'SO001', message = reason, detail = detail;
      end $$`);

    // Order numbers need not be gap-free (invoice numbers must, see invoice_number_counter).
    await q.query(`create sequence shop_order_number_seq`);
    await q.query(`
      create table shop_order (
        id uuid primary key,
        number text not null,
        customer_id uuid references customer (id) on delete set null,
        guest_email text,
        subject_id text not null,
        status text not null,
        payment_method text not null,
        carrier_notification_consent boolean not null default false,
        ${address('delivery')},
        ${address('billing')},
        subtotal_cents integer not null,
        vat_cents integer not null,
        total_cents integer not null,
        currency char(3) not null,
        payment_provider text,
        payment_reference text,
        placed_at timestamptz not null default now(),
        paid_at timestamptz,
        updated_at timestamptz not null default now(),
        version integer not null default 1,
        constraint shop_order_number_unique unique (number),
        constraint shop_order_status check (status in (${ORDER_STATUSES})),
        constraint shop_order_payment_method check (payment_method in (${PAYMENT_METHODS})),
        constraint shop_order_one_buyer check (customer_id is null or guest_email is null),
        constraint shop_order_totals check (
          subtotal_cents >= 0 and vat_cents >= 0 and total_cents > 0 and total_cents = subtotal_cents + vat_cents),
        constraint shop_order_paid check (status in ('placed', 'awaiting_payment', 'cancelled') or paid_at is not null)
      )`);
    await q.query(`create index shop_order_subject on shop_order (subject_id)`);
    await q.query(
      `create index shop_order_customer on shop_order (customer_id) where customer_id is not null`,
    );
    await q.query(`create index shop_order_status_placed on shop_order (status, placed_at)`);

    await q.query(`
      create table order_item (
        order_id uuid not null references shop_order (id) on delete cascade,
        line_no smallint not null,
        product_id uuid not null references product (id),
        sku text not null,
        name text not null,
        unit_price_cents integer not null,
        vat_rate_bp integer not null,
        quantity integer not null,
        line_total_cents integer not null,
        vat_cents integer not null,
        primary key (order_id, line_no),
        constraint order_item_quantity check (quantity > 0),
        constraint order_item_amounts check (
          unit_price_cents > 0 and line_total_cents = unit_price_cents * quantity and vat_cents >= 0)
      )`);

    await q.query(`
      create table order_status_change (
        order_id uuid not null references shop_order (id) on delete cascade,
        id bigint generated always as identity,
        from_status text,
        to_status text not null,
        at timestamptz not null default now(),
        actor_type text not null,
        actor_id text not null,
        actor_role text,
        reason text,
        primary key (order_id, id),
        constraint order_status_change_to check (to_status in (${ORDER_STATUSES}))
      )`);

    // One row per (scope, key): the unique index makes a concurrent duplicate wait for the first
    // request to commit. No foreign key: the row is written before the order, in the same transaction.
    await q.query(`
      create table idempotency_key (
        scope text not null,
        key text not null,
        request_hash char(64) not null,
        order_id uuid not null,
        created_at timestamptz not null default now(),
        primary key (scope, key)
      )`);

    // Gap-free invoice numbers (§ 14(4) Nr. 4 UStG asks for a unique, consecutive number): the
    // counter row of the year is incremented in the transaction that inserts the invoice, so a
    // rollback takes the number back. The price: invoices of one year are issued one at a time.
    await q.query(`
      create table invoice_number_counter (
        year integer primary key,
        last integer not null,
        constraint invoice_number_counter_last check (last >= 0)
      )`);

    await q.query(`
      create table invoice (
        id uuid primary key default gen_random_uuid(),
        number text not null,
        order_id uuid references shop_order (id) on delete set null,
        subject_id text not null,
        issued_at timestamptz not null,
        payment_method text not null,
        currency char(3) not null,
        subtotal_cents integer not null,
        vat_cents integer not null,
        total_cents integer not null,
        ${address('billing')},
        lines jsonb not null,
        constraint invoice_number_unique unique (number),
        constraint invoice_order_unique unique (order_id),
        constraint invoice_totals check (total_cents = subtotal_cents + vat_cents)
      )`);
    await q.query(`create index invoice_subject on invoice (subject_id)`);
    // An issued invoice is a voucher and never changes (GoBD); only the link to its order may go
    // (set null when the order is erased after its own period). Deleting is the retention sweep's.
    await q.query(`
      create function invoice_immutable() returns trigger language plpgsql as $$
      begin
        if (to_jsonb(new) - 'order_id') is distinct from (to_jsonb(old) - 'order_id') then
          raise exception 'invoice % is immutable: issue a credit note instead', old.number
            using errcode = 'integrity_constraint_violation';
        end if;
        return new;
      end $$`);
    await q.query(`
      create trigger invoice_immutable before update on invoice
        for each row execute function invoice_immutable()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table invoice`);
    await q.query(`drop function invoice_immutable()`);
    await q.query(`drop table invoice_number_counter`);
    await q.query(`drop table idempotency_key`);
    await q.query(`drop table order_status_change`);
    await q.query(`drop table order_item`);
    await q.query(`drop table shop_order`);
    await q.query(`drop sequence shop_order_number_seq`);
    await q.query(`drop function refuse_order_placement(text, text)`);
    await q.query(`drop table product`);
    await q.query(`drop table app_secret`);
  }
}
