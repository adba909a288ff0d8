import pg from 'pg';
import { DataSource, type Migration } from 'typeorm';
import { typeOrmOptions } from './typeorm-options.js';

const MIGRATION_LOCK = 7_301_914_055; // any constant; the same for every instance of the service

/**
 * Applies pending migrations. Several instances may start at once: a session advisory lock lets one
 * of them migrate while the others wait, then find nothing left to do.
 */
export async function runMigrations(url: string): Promise<Migration[]> {
  return withMigrationLock(url, async () => {
    const dataSource = new DataSource(
      typeOrmOptions({ url, poolSize: 2, applicationName: 'storefront-migrate' }),
    );
    await dataSource.initialize();
    try {
      return await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await dataSource.destroy();
    }
  });
}

export async function revertLastMigration(url: string): Promise<void> {
  await withMigrationLock(url, async () => {
    const dataSource = new DataSource(
      typeOrmOptions({ url, poolSize: 2, applicationName: 'storefront-migrate' }),
    );
    await dataSource.initialize();
    try {
      await dataSource.undoLastMigration({ transaction: 'each' });
    } finally {
      await dataSource.destroy();
    }
  });
}

async function withMigrationLock<T>(url: string, work: () => Promise<T>): Promise<T> {
  const lock = new pg.Client({ connectionString: url, application_name: 'storefront-migrate-lock' });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await work();
  } finally {
    await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.end();
  }
}
