import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { ConfigurationError, validateConfig, type AppConfig } from './config/app-config.js';
import { createApp } from './create-app.js';
import { openDatabaseServer, type DatabaseServer } from './database/database-server.js';
import { EmbeddedPostgresError } from './database/embedded-postgres.js';
import { runMigrations } from './database/migrate.js';
import { bootLog } from './boot-log.js';

/** Reads `.env` when present; real environment variables win over it. */
function loadEnvFile(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
}

function readConfig(): AppConfig {
  try {
    loadEnvFile();
    return validateConfig(process.env);
  } catch (error) {
    // One clear line, then exit 1: the operator sees the key and what it must be.
    process.stderr.write(`${error instanceof ConfigurationError ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const log = bootLog(config.LOG_LEVEL);
  let database: DatabaseServer | undefined;
  try {
    database = await openDatabaseServer(config, (line) => log.info({ component: 'embedded-postgres' }, line));
    if (database.embedded) log.info(`embedded PostgreSQL running, data in ${config.EMBEDDED_PG_DATA_DIR}`);
    if (config.MIGRATIONS_RUN) {
      const applied = await runMigrations(database.url);
      log.info(`migrations: ${applied.length} applied`);
    }
    const app = await createApp({ config, databaseUrl: database.url });
    await app.listen({ port: config.PORT, host: config.HOST });
    log.info(`listening on http://${config.HOST}:${config.PORT} (OpenAPI at /docs)`);

    let closing = false;
    const shutdown = (signal: string): void => {
      if (closing) return;
      closing = true;
      log.info(`${signal} received: finishing in-flight requests`);
      const force = setTimeout(() => {
        log.error('shutdown took too long; exiting');
        process.exit(1);
      }, config.SHUTDOWN_TIMEOUT_MS);
      force.unref();
      // Order matters: stop accepting and finish requests, close the pool, then stop the database.
      void app
        .close()
        .then(() => database?.stop())
        .then(() => {
          log.info('stopped');
          process.exit(0);
        })
        .catch((error: unknown) => {
          log.error({ err: error }, 'error during shutdown');
          process.exit(1);
        });
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  } catch (error) {
    log.fatal({ err: error }, 'start failed');
    // A cause the operator can fix (port taken, disk full): one plain line naming the setting to change.
    if (error instanceof EmbeddedPostgresError) process.stderr.write(`start failed: ${error.message}\n`);
    await database?.stop().catch(() => undefined);
    process.exit(1);
  }
}

void main();
