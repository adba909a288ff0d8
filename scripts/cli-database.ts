import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { ConfigurationError, validateConfig, type AppConfig } from '../src/config/app-config.js';
import { openDatabaseServer, type DatabaseServer } from '../src/database/database-server.js';

/**
 * The command-line tools use the same configuration and the same database as `npm start`
 * (the embedded server when DATABASE_URL is unset).
 */
export async function withCliDatabase<T>(work: (url: string, config: AppConfig) => Promise<T>): Promise<T> {
  let config: AppConfig;
  try {
    if (existsSync('.env')) process.loadEnvFile('.env');
    config = validateConfig(process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigurationError ? error.message : String(error)}\n`);
    process.exit(1);
  }
  let server: DatabaseServer | undefined;
  try {
    server = await openDatabaseServer(config, (line) => process.stderr.write(`${line}\n`));
    return await work(server.url, config);
  } finally {
    await server?.stop();
  }
}
