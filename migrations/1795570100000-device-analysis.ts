import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables of src/modules/device-analysis. Nothing here holds a plaintext image, gender, age, result or
 * patient email: those are AES-256-GCM ciphertexts under the subject's data key, and the data keys are
 * stored wrapped by a key-encryption key from configuration (device_subject_key, a schema of its own
 * so that operators can back it up apart from the data). Deleting a subject's key row crypto-shreds
 * every ciphertext of that subject, in backups too once the key backups have rotated.
 */
export class DeviceAnalysis1795570100000 implements MigrationInterface {
  name = 'DeviceAnalysis1795570100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table device (
        id uuid primary key default gen_random_uuid(),
        practice_id uuid not null,
        serial_number text not null constraint device_serial_format check (serial_number ~ '^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$'),
        created_at timestamptz not null default now(),
        created_by text not null
      )`);
    await q.query(`create unique index device_serial on device (upper(serial_number))`);
    await q.query(`create index device_practice on device (practice_id)`);
    await q.query(`
      create table device_credential (
        id uuid primary key default gen_random_uuid(),
        device_id uuid not null references device (id) on delete cascade,
        prefix text not null constraint device_credential_prefix check (char_length(prefix) = 8),
        secret_hash text not null constraint device_credential_hash check (secret_hash ~ '^[0-9a-f]{64}$'),
        created_at timestamptz not null default now(),
        created_by text not null,
        last_used_at timestamptz,
        revoked_at timestamptz,
        revoked_by text
      )`);
    await q.query(`create unique index device_credential_hash on device_credential (secret_hash)`);
    await q.query(`create index device_credential_device on device_credential (device_id)`);

    await q.query(`
      create table device_subject (
        id uuid primary key default gen_random_uuid(),
        subject_id text generated always as ('device-subject:' || id::text) stored,
        practice_id uuid not null,
        reference text not null constraint device_subject_reference_format check (reference ~ '^[A-Za-z0-9][A-Za-z0-9-]{5,63}$'),
        -- The patient's email (voluntary), encrypted under the subject's data key. No lookup hash: the
        -- patient is found by the reference on the receipt, never by email.
        email_ct bytea,
        created_at timestamptz not null default now()
      )`);
    // Unique across practices: the patient names themself by the reference alone (privacy requests).
    await q.query(`create unique index device_subject_reference on device_subject (upper(reference))`);

    await q.query(`create schema if not exists device_keys`);
    await q.query(`
      create table device_keys.subject_key (
        subject_id uuid primary key references device_subject (id) on delete cascade,
        kek_id text not null,
        wrapped bytea not null,
        created_at timestamptz not null default now(),
        rewrapped_at timestamptz
      )`);
    await q.query(`create index device_subject_key_kek on device_keys.subject_key (kek_id)`);

    await q.query(`
      create table device_analysis (
        id uuid primary key,
        subject_id uuid not null references device_subject (id) on delete cascade,
        practice_id uuid not null,
        device_id uuid not null,
        created_at timestamptz not null default now(),
        -- The result was first read by the practice: the image retention counts from here.
        delivered_at timestamptz,
        image_format text constraint device_analysis_image_format check (image_format in ('jpeg', 'png')),
        image_ct bytea,
        image_deleted_at timestamptz,
        -- Gender, age and the metrics, as one ciphertext.
        payload_ct bytea not null,
        constraint device_analysis_image_state check ((image_ct is null) = (image_format is null))
      )`);
    // Ciphertext does not compress: store it out of line without trying (saves a pglz pass per insert).
    await q.query(`alter table device_analysis alter column image_ct set storage external`);
    await q.query(`alter table device_analysis alter column payload_ct set storage external`);
    await q.query(`create index device_analysis_subject on device_analysis (subject_id)`);
    await q.query(`create index device_analysis_practice on device_analysis (practice_id, created_at)`);
    await q.query(
      `create index device_analysis_image_due on device_analysis (delivered_at) where image_ct is not null`,
    );
    await q.query(`create index device_analysis_created on device_analysis (created_at)`);

    // Improvement statistics: metrics of consenting subjects only, never an image; coarse groups.
    await q.query(`
      create table device_improvement_sample (
        analysis_id uuid primary key references device_analysis (id) on delete cascade,
        subject_id uuid not null references device_subject (id) on delete cascade,
        gender text not null,
        age_band text not null,
        ita_deg real not null,
        redness real not null,
        evenness real not null,
        spot_count integer not null,
        spot_area_pct real not null,
        created_at timestamptz not null default now()
      )`);
    await q.query(`create index device_improvement_subject on device_improvement_sample (subject_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table device_improvement_sample`);
    await q.query(`drop table device_analysis`);
    await q.query(`drop table device_keys.subject_key`);
    await q.query(`drop schema device_keys`);
    await q.query(`drop table device_subject`);
    await q.query(`drop table device_credential`);
    await q.query(`drop table device`);
  }
}
