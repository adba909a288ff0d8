import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';

export interface DatabaseSettings {
  url: string;
  poolSize: number;
  applicationName?: string;
}

/**
 * The single description of how the service talks to PostgreSQL. `synchronize` is never on:
 * the schema comes only from the migrations in `migrations/`.
 */
export function typeOrmOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    logging: false,
    extra: {
      max: settings.poolSize,
      application_name: settings.applicationName ?? 'storefront',
      // Fail fast instead of queueing forever when the pool is exhausted.
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
    },
  };
}
