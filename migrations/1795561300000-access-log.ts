import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables of src/modules/access-log. `access_log` is partitioned by day (UTC) so that the 7-day
 * retention drops whole days instead of deleting rows; the application creates the day partitions
 * ahead (`access_log_YYYYMMDD`) and drops them. The default partition catches lines no day partition
 * exists for yet (clock skew, maintenance not run); they are moved into their day when it is created.
 * `access_log_held` keeps the lines of a dropped day that an incident legal hold covers.
 */
export class AccessLog1795561300000 implements MigrationInterface {
  name = 'AccessLog1795561300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create sequence access_log_id_seq as bigint`);
    await q.query(`
      create table access_log (
        id bigint not null default nextval('access_log_id_seq'),
        occurred_at timestamptz not null,
        ip inet,
        method text not null,
        url text not null,
        status smallint not null,
        referrer text,
        browser_name text,
        browser_version text,
        os_name text,
        os_version text,
        duration_ms real not null,
        request_id text
      ) partition by range (occurred_at)`);
    await q.query(`alter sequence access_log_id_seq owned by access_log.id`);
    await q.query(`create table access_log_default partition of access_log default`);
    // Access and erasure requests, and holds, by IP address; time is the partition key.
    await q.query(`create index access_log_ip on access_log (ip, occurred_at)`);
    await q.query(`
      create table access_log_held (
        hold_id uuid not null,
        held_at timestamptz not null default now(),
        id bigint primary key,
        occurred_at timestamptz not null,
        ip inet,
        method text not null,
        url text not null,
        status smallint not null,
        referrer text,
        browser_name text,
        browser_version text,
        os_name text,
        os_version text,
        duration_ms real not null,
        request_id text
      )`);
    await q.query(`create index access_log_held_hold on access_log_held (hold_id)`);
    await q.query(`create index access_log_held_ip on access_log_held (ip, occurred_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table access_log_held`);
    // Drops the day partitions and the default partition with it, and the owned sequence.
    await q.query(`drop table access_log`);
  }
}
