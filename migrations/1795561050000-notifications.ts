import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The development mailbox of src/modules/notifications: every notice the shop sends is written here
 * instead of to an SMTP server. It holds personal data (the address, a salutation), so it is linked
 * to its data subject for access and erasure and swept 30 days after it was written.
 */
export class Notifications1795561050000 implements MigrationInterface {
  name = 'Notifications1795561050000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table outbound_message (
        id uuid primary key default gen_random_uuid(),
        idempotency_key text not null,
        template text not null,
        subject_id text not null,
        to_address text not null,
        subject_line text not null,
        body_text text not null,
        created_at timestamptz not null default now()
      )`);
    // A job delivered twice (pg-boss is at-least-once) writes one message.
    await q.query(
      `create unique index outbound_message_idempotency_key on outbound_message (idempotency_key)`,
    );
    await q.query(`create index outbound_message_subject on outbound_message (subject_id)`);
    await q.query(`create index outbound_message_created on outbound_message (created_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table outbound_message`);
  }
}
