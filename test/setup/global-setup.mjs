// Plain JavaScript on the built code: Jest loads global setup outside its ESM module graph.
import { chmod, mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Gives the whole run one PostgreSQL server: the one of `DATABASE_URL` when set, otherwise an
 * embedded one in a temporary folder. Each test file then creates its own database on it.
 */
export default async function globalSetup() {
  // Every log line the run's apps write is captured here and scanned for personal data at the end
  // (global-teardown.mjs). E2E_LOG_CAPTURE=off runs without it.
  if (process.env.E2E_LOG_CAPTURE !== 'off') {
    process.env.E2E_LOG_CAPTURE_DIR = await mkdtemp(path.join(os.tmpdir(), 'storefront-test-logs-'));
  }
  if (process.env.DATABASE_URL) {
    process.env.TEST_DATABASE_SERVER_URL = process.env.DATABASE_URL;
    return;
  }
  // Loaded only here: with DATABASE_URL set, the run needs no build.
  const { EmbeddedPostgres } = await import('../../dist/src/database/embedded-postgres.js');
  const parent = await mkdtemp(path.join(os.tmpdir(), 'storefront-test-pg-'));
  await chmod(parent, 0o755); // the server runs as the postgres user when we are root
  const dataDir = path.join(parent, 'data');
  const server = new EmbeddedPostgres({ dataDir, port: await freePort() });
  process.env.TEST_DATABASE_SERVER_URL = await server.start();
  globalThis.__EMBEDDED_TEST_PG__ = server;
}
