import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The project's first migration: the schemas that later migrations fill. */
export class Foundation1795559000000 implements MigrationInterface {
  name = 'Foundation1795559000000';

  async up(q: QueryRunner): Promise<void> {
    // The privacy kernel keeps its tables apart from the shop's.
    await q.query(`create schema if not exists privacy`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop schema if exists privacy cascade`);
  }
}
