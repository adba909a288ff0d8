import type { Db } from 'pg-boss';
import type { EntityManager, QueryRunner } from 'typeorm';

const isQueryRunner = (x: EntityManager | QueryRunner): x is QueryRunner =>
  'isTransactionActive' in x && 'connect' in x;

/**
 * pg-boss's `db` option over a TypeORM transaction: pg-boss runs its INSERT on the caller's
 * connection, so the job is enqueued in the same transaction as the write it follows (the
 * transactional outbox of docs/architecture.md). A rollback takes the job with it; a crash after the commit
 * loses nothing, the job is in the table.
 *
 * Only a transaction makes sense here: an EntityManager outside one would run each statement on
 * any pooled connection, which is the outbox's failure mode, so it is refused.
 */
export function transactionalDb(db: EntityManager | QueryRunner): Db {
  const runner = isQueryRunner(db) ? db : db.queryRunner;
  if (!runner || !runner.isTransactionActive) {
    throw new Error(
      'JobQueue.send({ db }): pass the EntityManager or QueryRunner of an open transaction (dataSource.transaction(…))',
    );
  }
  return {
    async executeSql(text: string, values?: unknown[]) {
      const result = await runner.query(text, values, true);
      // TypeORM's structured result: `records` are pg's rows (also for INSERT … RETURNING).
      return { rows: (result.records ?? []) as unknown[] };
    },
  };
}
