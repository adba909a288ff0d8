import path from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { EmbeddedPostgres } from './embedded-postgres.js';

export interface DatabaseServer {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** `DATABASE_URL` when set; otherwise the embedded server under `EMBEDDED_PG_DATA_DIR`, started now. */
export async function openDatabaseServer(
  config: Pick<AppConfig, 'DATABASE_URL' | 'EMBEDDED_PG_DATA_DIR' | 'EMBEDDED_PG_PORT'>,
  log: (line: string) => void,
): Promise<DatabaseServer> {
  if (config.DATABASE_URL)
    return { url: config.DATABASE_URL, embedded: false, stop: () => Promise.resolve() };
  const server = new EmbeddedPostgres({
    dataDir: path.resolve(config.EMBEDDED_PG_DATA_DIR),
    port: config.EMBEDDED_PG_PORT,
    log,
  });
  const base = await server.start();
  // The app uses its own database on the embedded server, not the maintenance database.
  const url = await ensureDatabase(base, 'storefront');
  return { url, embedded: true, stop: () => server.stop() };
}

/** Creates `name` on the server of `serverUrl` when missing; returns the URL that points at it. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
