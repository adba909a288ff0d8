import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The access audit log: who (staff, partner, subject, system) read whose personal data, for which
 * activity, which fields, when. Append-only and hash-chained (see libs/privacy/src/audit/audit-chain.ts).
 *
 * - `seq` is assigned by the appender under a lock, without gaps, so a deleted row shows as a gap.
 * - Rows hold subject ids and field names, never personal values: erasing a person leaves the chain intact.
 * - `occurred_at` keeps milliseconds only, the precision the hash covers (a JavaScript Date's).
 * - Triggers refuse UPDATE, DELETE and TRUNCATE for everyone, the application included; only someone who
 *   can disable triggers (the table's owner, a superuser) can change a row, and verification finds that.
 */
export class PrivacyAudit1795560100000 implements MigrationInterface {
  name = 'PrivacyAudit1795560100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table privacy.access_audit_log (
        seq bigint primary key check (seq > 0),
        occurred_at timestamptz(3) not null,
        actor_type text not null check (actor_type in ('staff', 'partner', 'subject', 'system')),
        actor_id text not null,
        actor_role text,
        subject_id text not null,
        activity_id text not null,
        action text not null,
        fields text[] not null,
        prev_hash char(64) not null check (prev_hash ~ '^[0-9a-f]{64}$'),
        hash char(64) not null check (hash ~ '^[0-9a-f]{64}$')
      )`);
    // Who accessed this person's data (Art. 15 answers, a data protection officer's inquiry).
    await q.query(`create index access_audit_log_subject on privacy.access_audit_log (subject_id, seq)`);
    await q.query(`
      create function privacy.refuse_audit_log_change() returns trigger language plpgsql as $$
      begin
        raise exception 'privacy.access_audit_log is append-only: % refused', tg_op
          using errcode = 'insufficient_privilege';
      end
      $$`);
    await q.query(`
      create trigger access_audit_log_append_only
        before update or delete on privacy.access_audit_log
        for each row execute function privacy.refuse_audit_log_change()`);
    await q.query(`
      create trigger access_audit_log_no_truncate
        before truncate on privacy.access_audit_log
        for each statement execute function privacy.refuse_audit_log_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table privacy.access_audit_log`);
    await q.query(`drop function privacy.refuse_audit_log_change()`);
  }
}
