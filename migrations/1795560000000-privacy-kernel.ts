import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The processing registry's versions, the consent ledger, restrictions, objections, the disclosure log. */
export class PrivacyKernel1795560000000 implements MigrationInterface {
  name = 'PrivacyKernel1795560000000';

  async up(q: QueryRunner): Promise<void> {
    // Every version of every declaration, keyed by content hash; the current one has valid_to null.
    await q.query(`
      create table privacy.declaration_version (
        id bigserial primary key,
        kind text not null check (kind in ('activity', 'recipient')),
        declaration_id text not null,
        version integer not null,
        content_hash char(64) not null,
        body jsonb not null,
        valid_from timestamptz not null default now(),
        valid_to timestamptz,
        unique (kind, declaration_id, version)
      )`);
    await q.query(
      `create unique index declaration_version_current on privacy.declaration_version (kind, declaration_id) where valid_to is null`,
    );

    // Append-only: the current consent state is derived from the latest event per subject and purpose.
    await q.query(`
      create table privacy.consent_event (
        id bigserial primary key,
        subject_id text not null,
        purpose text not null,
        action text not null check (action in ('grant', 'withdraw')),
        occurred_at timestamptz not null default clock_timestamp(),
        wording_version text not null,
        wording_hash char(64) not null,
        channel text not null,
        evidence jsonb not null default '{}'::jsonb
      )`);
    await q.query(
      `create index consent_event_latest on privacy.consent_event (subject_id, purpose, id desc)`,
    );

    // Art. 18 restriction: open while lifted_at is null.
    await q.query(`
      create table privacy.restriction (
        id uuid primary key default gen_random_uuid(),
        subject_id text not null,
        reason text not null,
        requested_by text not null,
        since timestamptz not null default now(),
        lifted_at timestamptz,
        lifted_by text
      )`);
    await q.query(
      `create index restriction_open on privacy.restriction (subject_id) where lifted_at is null`,
    );

    // Art. 21 objection to one (f)-based activity, or to all of them ('*'); open while withdrawn_at is null.
    await q.query(`
      create table privacy.objection (
        id uuid primary key default gen_random_uuid(),
        subject_id text not null,
        activity_id text not null,
        channel text not null,
        since timestamptz not null default now(),
        withdrawn_at timestamptz
      )`);
    await q.query(
      `create index objection_open on privacy.objection (subject_id, activity_id) where withdrawn_at is null`,
    );

    // What left the system, to whom, about whom: the actual recipients of Art. 15(1)(c) and Art. 19.
    await q.query(`
      create table privacy.disclosure_log (
        id bigserial primary key,
        occurred_at timestamptz not null default clock_timestamp(),
        recipient_id text not null,
        activity_id text not null,
        subject_id text not null,
        fields text[] not null,
        payload_hash char(64) not null,
        outcome text not null check (outcome in ('sent', 'failed')),
        actor_type text not null,
        actor_id text not null
      )`);
    await q.query(`create index disclosure_log_subject on privacy.disclosure_log (subject_id, occurred_at)`);

    // The ledger and the disclosure log are evidence: the database itself refuses to rewrite them.
    // Only the kernel's erasure of a person, when their evidence is due, may delete rows: it runs
    // `set local privacy.erasing_subject = 'on'`, which lifts the rule for its own transaction only.
    await q.query(`
      create function privacy.refuse_rewrite() returns trigger language plpgsql as $$
      begin
        if current_setting('privacy.erasing_subject', true) = 'on' and tg_op = 'DELETE' then
          return old;
        end if;
        raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = 'P0001';
      end $$`);
    for (const table of ['consent_event', 'disclosure_log']) {
      await q.query(`create trigger ${table}_append_only before update or delete on privacy.${table}
                     for each row execute function privacy.refuse_rewrite()`);
      await q.query(`create trigger ${table}_no_truncate before truncate on privacy.${table}
                     for each statement execute function privacy.refuse_rewrite()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table privacy.disclosure_log`);
    await q.query(`drop function privacy.refuse_rewrite cascade`);
    await q.query(`drop table privacy.objection`);
    await q.query(`drop table privacy.restriction`);
    await q.query(`drop table privacy.consent_event`);
    await q.query(`drop table privacy.declaration_version`);
  }
}
