import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Requests under Art. 15-21 and how they were answered: kept as proof of the answer. */
export class DataSubjectRights1795565000000 implements MigrationInterface {
  name = 'DataSubjectRights1795565000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table privacy_request (
        id uuid primary key default gen_random_uuid(),
        subject_id text not null,
        type text not null check (type in ('access', 'portability', 'erasure', 'restriction', 'objection')),
        status text not null check (status in ('received', 'completed', 'failed')),
        activity_id text,
        received_at timestamptz not null default now(),
        due_at timestamptz not null,
        completed_at timestamptz,
        outcome jsonb not null default '{}'::jsonb
      )`);
    await q.query(`create index privacy_request_subject on privacy_request (subject_id, received_at)`);
    await q.query(`create index privacy_request_open on privacy_request (due_at) where status = 'received'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table privacy_request`);
  }
}
