import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Real email (src/modules/notifications/smtp) and the order notices (src/modules/orders):
 * - mail_delivery: one row per message handed to the SMTP server, keyed by the notice job, so a job
 *   pg-boss delivers twice sends once. No personal data: the key, the template and the times.
 * - shop_order.locale: the language the buyer ordered in; the order's emails are written in it.
 */
export class OrderMail1795567000000 implements MigrationInterface {
  name = 'OrderMail1795567000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table mail_delivery (
        idempotency_key text primary key,
        template text not null,
        claimed_at timestamptz not null default now(),
        sent_at timestamptz,
        message_id text
      )`);
    await q.query(`create index mail_delivery_claimed on mail_delivery (claimed_at)`);
    await q.query(
      `alter table shop_order add column locale text not null default 'de' check (locale in ('de', 'en'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table shop_order drop column locale`);
    await q.query(`drop table mail_delivery`);
  }
}
