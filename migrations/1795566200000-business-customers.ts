import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Business customers (business-customers module): the company and VAT ID of an account, the
 * answers of the EU's VIES service kept as evidence, customer groups and their net price lists.
 */
export class BusinessCustomers1795566200000 implements MigrationInterface {
  name = 'BusinessCustomers1795566200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table customer_group (
        code text primary key,
        name text not null,
        constraint customer_group_code check (code ~ '^[a-z0-9-]{2,40}$')
      )`);
    // Net prices by SKU: the catalogue's SKU, not its row (another module's table); an SKU without a
    // line here is sold at the catalogue's net price.
    await q.query(`
      create table price_list_entry (
        group_code text not null references customer_group (code) on delete cascade,
        sku text not null,
        net_price_cents integer not null,
        primary key (group_code, sku),
        constraint price_list_entry_price check (net_price_cents > 0)
      )`);
    await q.query(`
      create table business_customer (
        customer_id uuid primary key references customer (id) on delete cascade,
        company_name text not null,
        vat_id text,
        vat_id_country char(2),
        vat_id_status text not null default 'none',
        vat_id_checked_at timestamptz,
        group_code text references customer_group (code) on delete set null,
        updated_at timestamptz not null default now(),
        constraint business_customer_vat_id_status check (
          vat_id_status in ('none', 'unchecked', 'confirmed', 'invalid', 'unavailable')),
        constraint business_customer_vat_id check ((vat_id is null) = (vat_id_country is null))
      )`);
    // Every answer of VIES, as received: the evidence of a confirmed VAT ID (§ 6a(3) UStG, § 17a UStDV).
    await q.query(`
      create table vat_id_check (
        id uuid primary key default gen_random_uuid(),
        customer_id uuid not null references customer (id) on delete cascade,
        vat_id text not null,
        valid boolean,
        outcome text not null,
        request_identifier text,
        trader_name text,
        request_date text,
        response_sha256 char(64),
        response_body text,
        checked_at timestamptz not null default now(),
        constraint vat_id_check_outcome check (outcome in ('valid', 'invalid', 'unavailable'))
      )`);
    await q.query(`create index vat_id_check_customer on vat_id_check (customer_id, checked_at)`);
    await q.query(`insert into customer_group (code, name) values ('practices', 'Medical practices')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table vat_id_check`);
    await q.query(`drop table business_customer`);
    await q.query(`drop table price_list_entry`);
    await q.query(`drop table customer_group`);
  }
}
