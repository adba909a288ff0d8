import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention, legal holds, blocked records (libs/privacy/src/retention).
 *
 * pg-boss keeps its own tables in the `pgboss` schema and installs or upgrades them itself when it
 * starts (under its own advisory lock): they are not part of these migrations.
 */
export class PrivacyRetention1795560200000 implements MigrationInterface {
  name = 'PrivacyRetention1795560200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table privacy.legal_hold (
        id uuid primary key default gen_random_uuid(),
        activity_id text,
        subject_id text,
        record_type text,
        record_ids text[],
        range_from timestamptz,
        range_to timestamptz,
        reason text not null,
        created_by_type text not null,
        created_by_id text not null,
        created_at timestamptz not null default now(),
        released_at timestamptz,
        released_by_type text,
        released_by_id text,
        constraint legal_hold_reason_given check (length(btrim(reason)) > 0),
        constraint legal_hold_scope_not_empty check (
          activity_id is not null or subject_id is not null or record_type is not null
          or cardinality(record_ids) > 0 or range_from is not null or range_to is not null),
        constraint legal_hold_range_ordered check (range_from is null or range_to is null or range_from <= range_to),
        constraint legal_hold_release_complete check (
          (released_at is null and released_by_type is null and released_by_id is null)
          or (released_at is not null and released_by_type is not null and released_by_id is not null))
      )`);
    await q.query(
      `create index legal_hold_active on privacy.legal_hold (created_at) where released_at is null`,
    );
    // A hold is evidence of what was kept and why (Art. 5(2), 33(5)): it is released, never deleted
    // nor rewritten, whatever the code above the database does.
    await q.query(`
      create function privacy.legal_hold_guard() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          raise exception 'legal holds are never deleted; release the hold instead' using errcode = 'P0001';
        end if;
        if old.released_at is not null then
          raise exception 'legal hold % is already released', old.id using errcode = 'P0001';
        end if;
        if (new.id, new.activity_id, new.subject_id, new.record_type, new.record_ids, new.range_from, new.range_to,
            new.reason, new.created_by_type, new.created_by_id, new.created_at)
           is distinct from
           (old.id, old.activity_id, old.subject_id, old.record_type, old.record_ids, old.range_from, old.range_to,
            old.reason, old.created_by_type, old.created_by_id, old.created_at) then
          raise exception 'a legal hold''s scope, reason and creator cannot change' using errcode = 'P0001';
        end if;
        return new;
      end $$`);
    await q.query(`
      create trigger legal_hold_guard before update or delete on privacy.legal_hold
      for each row execute function privacy.legal_hold_guard()`);

    await q.query(`
      create table privacy.blocked_record (
        record_type text not null,
        record_id text not null,
        subject_id text,
        activity_id text not null,
        eraser text not null,
        statute text not null,
        blocked_until timestamptz not null,
        record_date timestamptz,
        blocked_at timestamptz not null default now(),
        reason text not null,
        primary key (record_type, record_id)
      )`);
    await q.query(`create index blocked_record_due on privacy.blocked_record (blocked_until)`);
    await q.query(`create index blocked_record_subject on privacy.blocked_record (subject_id)`);

    await q.query(`
      create table privacy.retention_sweep (
        id uuid primary key default gen_random_uuid(),
        trigger text not null check (trigger in ('schedule', 'job', 'manual')),
        as_of timestamptz not null,
        started_at timestamptz not null,
        finished_at timestamptz not null,
        erased integer not null check (erased >= 0),
        held integer not null check (held >= 0),
        errors integer not null check (errors >= 0),
        details jsonb not null
      )`);
    await q.query(`create index retention_sweep_started on privacy.retention_sweep (started_at desc)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists privacy.retention_sweep`);
    await q.query(`drop table if exists privacy.blocked_record`);
    await q.query(`drop table if exists privacy.legal_hold`);
    await q.query(`drop function if exists privacy.legal_hold_guard()`);
  }
}
