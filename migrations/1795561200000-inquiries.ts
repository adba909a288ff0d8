import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables of src/modules/inquiries: contact-form and product inquiries and the staff answers to them.
 * Rows are deleted outright when handled or withdrawn (no soft delete); answers go with their inquiry.
 */
export class Inquiries1795561200000 implements MigrationInterface {
  name = 'Inquiries1795561200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table inquiry (
        id uuid primary key default gen_random_uuid(),
        name text not null,
        email text not null,
        email_normalized text not null,
        company text,
        phone text,
        message text not null,
        product_sku text,
        status text not null default 'open',
        withdrawal_token_hash bytea not null,
        created_at timestamptz not null default now(),
        answered_at timestamptz,
        closed_at timestamptz,
        delete_after timestamptz,
        withdrawn_at timestamptz,
        constraint inquiry_status_known check (status in ('open', 'answered', 'closed')),
        constraint inquiry_closed_when_closed_at check ((status = 'closed') = (closed_at is not null)),
        constraint inquiry_delete_after_only_when_ended
          check (delete_after is null or closed_at is not null or withdrawn_at is not null),
        constraint inquiry_token_hash_length check (octet_length(withdrawal_token_hash) = 32)
      )`);
    // The support queue: open/answered inquiries oldest first, withdrawn ones out of sight.
    await q.query(
      `create index inquiry_queue on inquiry (status, created_at, id) where withdrawn_at is null`,
    );
    await q.query(`create index inquiry_email_normalized on inquiry (email_normalized)`);
    await q.query(
      `create index inquiry_delete_after on inquiry (delete_after) where delete_after is not null`,
    );
    await q.query(`
      create table inquiry_answer (
        id uuid primary key default gen_random_uuid(),
        inquiry_id uuid not null references inquiry (id) on delete cascade,
        body text not null,
        answered_by text not null,
        created_at timestamptz not null default now(),
        delivered_at timestamptz
      )`);
    await q.query(`create index inquiry_answer_inquiry on inquiry_answer (inquiry_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table inquiry_answer`);
    await q.query(`drop table inquiry`);
  }
}
