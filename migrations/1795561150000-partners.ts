import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables of src/modules/partners: partner accounts and their API keys. A key is stored only as its
 * SHA-256 hash (unique: the lookup) and its first 8 characters (to recognise it in lists).
 */
export class Partners1795561150000 implements MigrationInterface {
  name = 'Partners1795561150000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table partner (
        id uuid primary key default gen_random_uuid(),
        -- The data subject of the contact data (partner-contact:<id>): legal holds and the sweep match on it.
        subject_id text generated always as ('partner-contact:' || id::text) stored,
        name text not null,
        kind text not null constraint partner_kind check (kind in ('carrier', 'logistics')),
        recipient_id text not null,
        contact_name text,
        contact_email text,
        active boolean not null default true,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        deactivated_at timestamptz,
        constraint partner_deactivation check (active = (deactivated_at is null))
      )`);
    await q.query(`create unique index partner_name on partner (lower(name))`);
    await q.query(
      `create index partner_deactivated on partner (deactivated_at) where deactivated_at is not null`,
    );
    await q.query(`
      create table partner_api_key (
        id uuid primary key default gen_random_uuid(),
        partner_id uuid not null references partner (id) on delete cascade,
        label text,
        prefix text not null constraint partner_api_key_prefix check (char_length(prefix) = 8),
        key_hash text not null constraint partner_api_key_hash_format check (key_hash ~ '^[0-9a-f]{64}$'),
        scopes text[] not null constraint partner_api_key_scopes check (cardinality(scopes) > 0),
        created_at timestamptz not null default now(),
        created_by text not null,
        last_used_at timestamptz,
        revoked_at timestamptz,
        revoked_by text
      )`);
    await q.query(`create unique index partner_api_key_hash on partner_api_key (key_hash)`);
    await q.query(`create index partner_api_key_partner on partner_api_key (partner_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table partner_api_key`);
    await q.query(`drop table partner`);
  }
}
