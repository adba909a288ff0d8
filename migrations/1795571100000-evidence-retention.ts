import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The evidence tables get periods. The retention sweep may now delete rows of the consent ledger and
 * the disclosure log, and prune the access audit log, but only when it says so for its own
 * transaction (`set local privacy.pruning_evidence = 'on'`), and the audit log only up to a sealed
 * checkpoint: a checkpoint records the seq and hash of the last pruned row after the chain up to it
 * was verified, so the chain after it stays verifiable (checkpoints are hash-chained and append-only).
 */
export class EvidenceRetention1795571100000 implements MigrationInterface {
  name = 'EvidenceRetention1795571100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table privacy.audit_checkpoint (
        id bigserial primary key,
        sealed_at timestamptz(3) not null,
        through_seq bigint not null check (through_seq > 0),
        through_hash char(64) not null check (through_hash ~ '^[0-9a-f]{64}$'),
        prev_hash char(64) not null check (prev_hash ~ '^[0-9a-f]{64}$'),
        hash char(64) not null check (hash ~ '^[0-9a-f]{64}$'),
        rows_pruned bigint not null default 0
      )`);
    await q.query(`
      create function privacy.refuse_checkpoint_change() returns trigger language plpgsql as $$
      begin
        raise exception 'privacy.audit_checkpoint is append-only: % refused', tg_op
          using errcode = 'insufficient_privilege';
      end $$`);
    await q.query(`
      create trigger audit_checkpoint_append_only before update or delete on privacy.audit_checkpoint
        for each row execute function privacy.refuse_checkpoint_change()`);
    await q.query(`
      create trigger audit_checkpoint_no_truncate before truncate on privacy.audit_checkpoint
        for each statement execute function privacy.refuse_checkpoint_change()`);

    // Rows up to the last sealed checkpoint may be deleted by the pruning transaction; nothing else.
    await q.query(`
      create or replace function privacy.refuse_audit_log_change() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' and current_setting('privacy.pruning_evidence', true) = 'on'
           and old.seq <= coalesce((select max(through_seq) from privacy.audit_checkpoint), 0) then
          return old;
        end if;
        raise exception 'privacy.access_audit_log is append-only: % refused', tg_op
          using errcode = 'insufficient_privilege';
      end
      $$`);
    await q.query(`
      create or replace function privacy.refuse_rewrite() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' and (current_setting('privacy.erasing_subject', true) = 'on'
                                 or current_setting('privacy.pruning_evidence', true) = 'on') then
          return old;
        end if;
        raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = 'P0001';
      end $$`);
    await q.query(
      `create index restriction_lifted on privacy.restriction (lifted_at) where lifted_at is not null`,
    );
    await q.query(
      `create index objection_withdrawn on privacy.objection (withdrawn_at) where withdrawn_at is not null`,
    );
    await q.query(`create index disclosure_log_occurred on privacy.disclosure_log (occurred_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index privacy.disclosure_log_occurred`);
    await q.query(`drop index privacy.objection_withdrawn`);
    await q.query(`drop index privacy.restriction_lifted`);
    await q.query(`
      create or replace function privacy.refuse_rewrite() returns trigger language plpgsql as $$
      begin
        if current_setting('privacy.erasing_subject', true) = 'on' and tg_op = 'DELETE' then
          return old;
        end if;
        raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = 'P0001';
      end $$`);
    await q.query(`
      create or replace function privacy.refuse_audit_log_change() returns trigger language plpgsql as $$
      begin
        raise exception 'privacy.access_audit_log is append-only: % refused', tg_op
          using errcode = 'insufficient_privilege';
      end
      $$`);
    await q.query(`drop table privacy.audit_checkpoint`);
    await q.query(`drop function privacy.refuse_checkpoint_change()`);
  }
}
