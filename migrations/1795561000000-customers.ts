import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customer accounts, their address book and their sign-in sessions (src/modules/registration).
 * Marketing consent lives in the consent ledger, never in a column here.
 */
export class Customers1795561000000 implements MigrationInterface {
  name = 'Customers1795561000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table customer (
        id uuid primary key default gen_random_uuid(),
        email text not null,
        email_normalized text not null check (email_normalized = lower(btrim(email_normalized))),
        password_hash text not null,
        first_name text not null,
        last_name text not null,
        phone text,
        date_of_birth date,
        company text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    // One account per address, compared case-insensitively (the application stores it normalised).
    await q.query(`create unique index customer_email_normalized on customer (email_normalized)`);

    await q.query(`
      create table customer_address (
        id uuid primary key default gen_random_uuid(),
        customer_id uuid not null references customer (id) on delete cascade,
        label text,
        first_name text not null,
        last_name text not null,
        company text,
        street text not null,
        house_number text,
        address_line2 text,
        postal_code text not null check (btrim(postal_code) <> ''),
        city text not null,
        country char(2) not null check (country ~ '^[A-Z]{2}$'),
        is_default_delivery boolean not null default false,
        is_default_billing boolean not null default false,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    await q.query(`create index customer_address_customer on customer_address (customer_id)`);
    // At most one default delivery and one default billing address per customer.
    await q.query(
      `create unique index customer_address_default_delivery on customer_address (customer_id) where is_default_delivery`,
    );
    await q.query(
      `create unique index customer_address_default_billing on customer_address (customer_id) where is_default_billing`,
    );

    // One row per refresh token. A sign-in starts a family; every refresh marks its token used and adds
    // the successor to the family; a used token presented again revokes the whole family (theft).
    // Only the SHA-256 of a token is stored: a copy of this table signs nobody in.
    await q.query(`
      create table customer_session (
        id uuid primary key default gen_random_uuid(),
        customer_id uuid not null references customer (id) on delete cascade,
        family_id uuid not null,
        token_hash char(64) not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        used_at timestamptz,
        revoked_at timestamptz,
        revoke_reason text check (revoke_reason in ('logout', 'reuse-detected', 'password-changed')),
        check ((revoked_at is null) = (revoke_reason is null))
      )`);
    await q.query(`create unique index customer_session_token_hash on customer_session (token_hash)`);
    await q.query(`create index customer_session_family on customer_session (family_id)`);
    await q.query(`create index customer_session_customer on customer_session (customer_id)`);
    // The retention sweep looks for sessions that ended (expired or revoked) long enough ago.
    await q.query(
      `create index customer_session_ended on customer_session (least(expires_at, coalesce(revoked_at, expires_at)))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table customer_session`);
    await q.query(`drop table customer_address`);
    await q.query(`drop table customer`);
  }
}
