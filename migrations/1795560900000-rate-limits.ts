import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Fixed-window rate-limit counters shared by all instances; keys are hashes, never IPs or emails. */
export class RateLimits1795560900000 implements MigrationInterface {
  name = 'RateLimits1795560900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table rate_limit_bucket (
        scope text not null,
        key_hash char(64) not null,
        window_end timestamptz not null,
        count integer not null,
        primary key (scope, key_hash)
      )`);
    await q.query(`create index rate_limit_bucket_expired on rate_limit_bucket (window_end)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table rate_limit_bucket`);
  }
}
