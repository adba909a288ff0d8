import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables of src/modules/back-office: the staff accounts. Email, name and password hash are nullable
 * because an account is anonymised (not deleted) when it is erased or its retention ends: its id
 * stays the actor of the audit log's entries.
 */
export class BackOffice1795561100000 implements MigrationInterface {
  name = 'BackOffice1795561100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table staff_account (
        id uuid primary key default gen_random_uuid(),
        -- The data-subject id (staff:<id>): legal holds and the retention sweep match on it.
        subject_id text generated always as ('staff:' || id::text) stored,
        email text,
        email_normalized text,
        password_hash text,
        display_name text,
        role text not null
          constraint staff_account_role check (role in ('fulfilment', 'support', 'privacy-officer', 'admin')),
        active boolean not null default true,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        last_login_at timestamptz,
        deactivated_at timestamptz,
        constraint staff_account_deactivation check (active = (deactivated_at is null)),
        constraint staff_account_active_has_credentials
          check (not active or (email_normalized is not null and password_hash is not null))
      )`);
    await q.query(`create unique index staff_account_email_normalized on staff_account (email_normalized)`);
    // The last-admin rule and the retention sweep look these up.
    await q.query(`create index staff_account_active_admin on staff_account (role) where active`);
    await q.query(
      `create index staff_account_deactivated on staff_account (deactivated_at) where deactivated_at is not null`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table staff_account`);
  }
}
