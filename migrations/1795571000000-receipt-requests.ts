import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Privacy requests by the receipt reference of a device analysis: the channel `receipt`, and the
 * status `awaiting-identity-check` for a person the shop holds no address for (staff check who they are).
 */
export class ReceiptRequests1795571000000 implements MigrationInterface {
  name = 'ReceiptRequests1795571000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table privacy_request
        drop constraint privacy_request_status_check,
        drop constraint privacy_request_channel_check,
        add constraint privacy_request_status_check
          check (status in ('awaiting-verification', 'awaiting-identity-check', 'received', 'awaiting-confirmation',
                            'scheduled', 'completed', 'failed', 'refused', 'expired')),
        add constraint privacy_request_channel_check
          check (channel in ('account', 'email', 'receipt', 'order-link', 'letter', 'phone', 'staff-email'))`);
    await q.query(`drop index privacy_request_open`);
    await q.query(`
      create index privacy_request_open on privacy_request (coalesce(extended_due_at, due_at))
        where status in ('awaiting-identity-check', 'received', 'awaiting-confirmation', 'scheduled', 'failed')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index privacy_request_open`);
    await q.query(`
      create index privacy_request_open on privacy_request (coalesce(extended_due_at, due_at))
        where status in ('received', 'awaiting-confirmation', 'scheduled', 'failed')`);
    await q.query(`update privacy_request set status = 'expired' where status = 'awaiting-identity-check'`);
    await q.query(`update privacy_request set channel = 'email' where channel = 'receipt'`);
    await q.query(`
      alter table privacy_request
        drop constraint privacy_request_status_check,
        drop constraint privacy_request_channel_check,
        add constraint privacy_request_status_check
          check (status in ('awaiting-verification', 'received', 'awaiting-confirmation', 'scheduled',
                            'completed', 'failed', 'refused', 'expired')),
        add constraint privacy_request_channel_check
          check (channel in ('account', 'email', 'order-link', 'letter', 'phone', 'staff-email'))`);
  }
}
