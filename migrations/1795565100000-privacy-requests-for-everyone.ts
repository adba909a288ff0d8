import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Privacy requests from everyone (guests, inquirers, account holders, requests recorded by staff):
 * identity verification by one-time codes, deadlines with extension and refusal, every step as an
 * event, scheduled and retried steps, and the Art. 19 notices to recipients.
 */
export class PrivacyRequestsForEveryone1795565100000 implements MigrationInterface {
  name = 'PrivacyRequestsForEveryone1795565100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table privacy_request drop constraint privacy_request_status_check`);
    await q.query(`alter table privacy_request drop constraint privacy_request_type_check`);
    await q.query(`
      alter table privacy_request
        add constraint privacy_request_type_check
          check (type in ('access', 'portability', 'erasure', 'restriction', 'objection', 'lift-restriction',
                          'consent-withdrawal')),
        add constraint privacy_request_status_check
          check (status in ('awaiting-verification', 'received', 'awaiting-confirmation', 'scheduled',
                            'completed', 'failed', 'refused', 'expired')),
        add column channel text not null default 'account'
          check (channel in ('account', 'email', 'order-link', 'letter', 'phone', 'staff-email')),
        add column consent_purpose text,
        add column contact_email text,
        add column subject_ids text[] not null default '{}',
        add column identity_check text,
        add column recorded_by text,
        add column lang text not null default 'de' check (lang in ('de', 'en')),
        add column reason text,
        add column verified_at timestamptz,
        add column confirmed_at timestamptz,
        add column extended_due_at timestamptz,
        add column extension_reason text,
        add column refusal_reason text,
        add column scheduled_for timestamptz,
        add column attempts integer not null default 0,
        add column next_attempt_at timestamptz,
        add column last_error text`);
    await q.query(`update privacy_request set subject_ids = array[subject_id]`);
    await q.query(`drop index privacy_request_open`);
    await q.query(`
      create index privacy_request_open on privacy_request (coalesce(extended_due_at, due_at))
        where status in ('received', 'awaiting-confirmation', 'scheduled', 'failed')`);
    await q.query(`
      create index privacy_request_due_steps on privacy_request (next_attempt_at)
        where status in ('scheduled', 'failed')`);

    // Art. 18 may concern one activity; null keeps meaning every activity.
    await q.query(`alter table privacy.restriction add column activity_id text`);

    // One-time codes: only a salt is stored; the code is a keyed hash of it (the key is not in the database).
    await q.query(`
      create table privacy_request_code (
        id uuid primary key default gen_random_uuid(),
        request_id uuid not null references privacy_request (id) on delete cascade,
        purpose text not null check (purpose in ('verify', 'confirm')),
        salt bytea not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        failed_attempts integer not null default 0,
        used_at timestamptz,
        voided_at timestamptz
      )`);
    await q.query(
      `create index privacy_request_code_request on privacy_request_code (request_id, created_at)`,
    );

    // Every step of a request, append-only: the proof of how and when it was handled.
    await q.query(`
      create table privacy_request_event (
        id bigserial primary key,
        request_id uuid not null references privacy_request (id) on delete cascade,
        at timestamptz not null default now(),
        step text not null,
        actor_type text not null,
        actor_id text,
        detail jsonb not null default '{}'::jsonb
      )`);
    await q.query(`create index privacy_request_event_request on privacy_request_event (request_id, id)`);
    await q.query(`
      create function privacy_request_event_append_only() returns trigger language plpgsql as $$
      begin
        if tg_op = 'UPDATE' then
          raise exception 'privacy_request_event is append-only';
        end if;
        return old;
      end $$`);
    await q.query(`
      create trigger privacy_request_event_no_update before update on privacy_request_event
        for each row execute function privacy_request_event_append_only()`);

    // Art. 19: each recipient told of a rectification, erasure or restriction, and how it went.
    await q.query(`
      create table privacy_recipient_notice (
        id uuid primary key default gen_random_uuid(),
        request_id uuid not null references privacy_request (id) on delete cascade,
        subject_id text not null,
        recipient_id text not null,
        kind text not null check (kind in ('erasure', 'rectification', 'restriction')),
        refs text[] not null default '{}',
        status text not null default 'pending' check (status in ('pending', 'sent', 'no-channel', 'failed')),
        attempts integer not null default 0,
        last_error text,
        created_at timestamptz not null default now(),
        sent_at timestamptz
      )`);
    await q.query(`create index privacy_recipient_notice_request on privacy_recipient_notice (request_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table privacy_recipient_notice`);
    await q.query(`drop table privacy_request_event`);
    await q.query(`drop function privacy_request_event_append_only`);
    await q.query(`drop table privacy_request_code`);
    await q.query(`alter table privacy.restriction drop column activity_id`);
    await q.query(`drop index privacy_request_due_steps`);
    await q.query(`drop index privacy_request_open`);
    await q.query(`
      alter table privacy_request
        drop constraint privacy_request_type_check,
        drop constraint privacy_request_status_check,
        drop column channel, drop column contact_email, drop column subject_ids, drop column identity_check,
        drop column recorded_by, drop column lang, drop column reason, drop column verified_at,
        drop column confirmed_at, drop column consent_purpose, drop column extended_due_at, drop column extension_reason,
        drop column refusal_reason, drop column scheduled_for, drop column attempts,
        drop column next_attempt_at, drop column last_error`);
    await q.query(`
      alter table privacy_request
        add constraint privacy_request_type_check
          check (type in ('access', 'portability', 'erasure', 'restriction', 'objection')),
        add constraint privacy_request_status_check check (status in ('received', 'completed', 'failed'))`);
    await q.query(`create index privacy_request_open on privacy_request (due_at) where status = 'received'`);
  }
}
