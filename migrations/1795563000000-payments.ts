import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables of src/modules/payments.
 *
 * No foreign key to shop_order: the orders module erases or blocks its rows on its own schedule (an
 * erasure runs every module's eraser, in any order), and a constraint across modules would make one
 * module's erasure fail on the other's rows. Payments carry the order id and the subject id instead,
 * so this module can export and erase its own rows without reading another module's tables.
 */
export class Payments1795563000000 implements MigrationInterface {
  name = 'Payments1795563000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table payment (
        id uuid primary key default gen_random_uuid(),
        order_id uuid not null,
        subject_id text not null,
        provider text not null check (provider in ('stripe', 'paypal', 'sepa', 'invoice')),
        method text not null check (method in ('card', 'paypal', 'sepa_debit', 'invoice')),
        provider_reference text,
        capture_reference text,
        status text not null check (status in ('creating', 'pending', 'succeeded', 'failed', 'cancelled')),
        amount_cents integer not null check (amount_cents > 0),
        currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
        received_cents integer check (received_cents >= 0),
        idempotency_key text not null check (length(idempotency_key) between 1 and 255),
        succeeded_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint payment_order_idempotency_key unique (order_id, idempotency_key)
      )`);
    // At most one payment per order is open at a time: a second start resumes it instead of charging twice.
    await q.query(
      `create unique index payment_one_open_per_order on payment (order_id) where status in ('creating', 'pending')`,
    );
    await q.query(
      `create unique index payment_provider_reference on payment (provider, provider_reference) where provider_reference is not null`,
    );
    await q.query(`create index payment_subject on payment (subject_id)`);

    await q.query(`
      create table payment_refund (
        id uuid primary key default gen_random_uuid(),
        payment_id uuid not null references payment (id) on delete cascade,
        provider_reference text,
        amount_cents integer not null check (amount_cents > 0),
        currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
        status text not null check (status in ('creating', 'pending', 'succeeded', 'failed')),
        idempotency_key text not null check (length(idempotency_key) between 1 and 255),
        requested_by text not null,
        created_at timestamptz not null default now(),
        constraint payment_refund_idempotency_key unique (payment_id, idempotency_key)
      )`);

    // Replay protection: a provider event is applied once; its id is the primary key.
    await q.query(`
      create table payment_event (
        provider text not null check (provider in ('stripe', 'paypal')),
        event_id text not null check (length(event_id) between 1 and 255),
        type text not null,
        order_id uuid,
        payment_id uuid,
        outcome text not null,
        received_at timestamptz not null default now(),
        primary key (provider, event_id)
      )`);
    await q.query(`create index payment_event_received_at on payment_event (received_at)`);

    // For staff: a payment the shop must not accept as it stands. `details` holds amounts, currencies and ids only.
    await q.query(`
      create table payment_flag (
        id uuid primary key default gen_random_uuid(),
        order_id uuid,
        payment_id uuid,
        provider text not null,
        reason text not null check (reason in ('amount-mismatch', 'currency-mismatch', 'unknown-payment', 'order-not-payable')),
        details jsonb not null default '{}'::jsonb,
        created_at timestamptz not null default now(),
        resolved_at timestamptz,
        resolved_by text,
        resolution text check (resolution in ('refunded', 'accepted', 'order-cancelled', 'no-action-needed')),
        check ((resolved_at is null) = (resolution is null))
      )`);
    await q.query(`create index payment_flag_open on payment_flag (created_at) where resolved_at is null`);

    // The SEPA direct debit mandate: the IBAN encrypted (AES-256-GCM), a masked copy for display.
    await q.query(`
      create table sepa_mandate (
        id uuid primary key default gen_random_uuid(),
        payment_id uuid not null unique references payment (id) on delete cascade,
        order_id uuid not null,
        subject_id text not null,
        mandate_reference text not null unique check (length(mandate_reference) <= 35),
        creditor_id text not null,
        -- Null once the SEPA refund period is over (retention policy payments.sepa-iban): the masked copy stays.
        iban_encrypted text,
        iban_key_id text,
        iban_masked text not null,
        account_holder text not null,
        signed_at timestamptz not null,
        created_at timestamptz not null default now()
      )`);
    await q.query(`create index sepa_mandate_subject on sepa_mandate (subject_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists sepa_mandate`);
    await q.query(`drop table if exists payment_flag`);
    await q.query(`drop table if exists payment_event`);
    await q.query(`drop table if exists payment_refund`);
    await q.query(`drop table if exists payment`);
  }
}
