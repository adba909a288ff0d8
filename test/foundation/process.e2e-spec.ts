import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { spawnApp } from '../helpers/app-process.js';
import { freePort } from '../helpers/net.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/** These tests run the built service as a separate process, the way an operator starts it. */
describe('the service process', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('refuses to start on a wrong value, naming the key in one line, exit code 1', async () => {
    const app = spawnApp({ DATABASE_URL: db.url, PORT: 'eighty' }, 0);
    expect(await app.stop('SIGCONT')).toBe(1);
    const out = app.output();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^Invalid configuration: PORT must be .*integer.*\(got "eighty"\)$/);
  });

  it('refuses to start in production without DATABASE_URL, naming the missing key', async () => {
    const app = spawnApp({ NODE_ENV: 'production' }, 0);
    expect(await app.stop('SIGCONT')).toBe(1);
    expect(app.output()).toEqual([
      expect.stringMatching(
        /^Invalid configuration: DATABASE_URL must be a postgres:\/\/ connection URL \(it is not set\)$/,
      ),
    ]);
  });

  it('uses the server of DATABASE_URL, migrates it, and logs requests without emails or IPs', async () => {
    const port = await freePort();
    const app = spawnApp({ DATABASE_URL: db.url, TRUST_PROXY: 'true', LOG_LEVEL: 'info' }, port);
    try {
      await app.waitForLine(/listening on/);
      const res = await fetch(
        `http://127.0.0.1:${port}/api/v1/lookup?email=erika.mustermann%40example.org&ip=198.51.100.23`,
        {
          headers: {
            'x-request-id': 'redaction-check-0001',
            'x-forwarded-for': '203.0.113.77',
            authorization: 'Bearer secret-token-value',
            cookie: 'sid=abcdef',
            'user-agent': 'Mozilla/5.0 erika@example.org',
          },
        },
      );
      expect(res.status).toBe(404);
      const line = await app.waitForLine(/redaction-check-0001/);
      const entry = JSON.parse(line) as { req: { url: string } };
      expect(entry.req.url).toBe('/api/v1/lookup?email=[REDACTED]&ip=[REDACTED]');
      for (const secret of [
        'erika',
        'example.org',
        '203.0.113.77',
        '198.51.100.23',
        '127.0.0.1',
        'secret-token-value',
        'abcdef',
      ]) {
        expect(app.output().join('\n')).not.toContain(secret);
      }
      // The schema came from the migrations, into the server DATABASE_URL names.
      const migrated = await db.query('select name from schema_migrations');
      expect(migrated.rowCount).toBeGreaterThan(0);
    } finally {
      expect(await app.stop('SIGTERM')).toBe(0);
    }
  });

  it('starts the embedded server when DATABASE_URL is unset, keeps its data across restarts, and leaves no process behind', async () => {
    const parent = await mkdtemp(path.join(os.tmpdir(), 'storefront-embedded-'));
    await chmod(parent, 0o755);
    const dataDir = path.join(parent, 'postgres');
    const env = { EMBEDDED_PG_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) };
    const postgresRunning = (): boolean => {
      try {
        return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
          .split('\n')
          .some((l) => l.includes(`-D ${dataDir}`));
      } catch {
        return false;
      }
    };
    try {
      const port = await freePort();
      const first = spawnApp(env, port);
      const started = Date.now();
      await first.waitForLine(/listening on/);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

      const credentials = JSON.parse(await readFile(`${dataDir}.credentials.json`, 'utf8')) as {
        user: string;
        password: string;
      };
      const url = `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${env.EMBEDDED_PG_PORT}/storefront`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query('create table survives_restart (v text)');
      await client.query(`insert into survives_restart values ('kept')`);
      await client.end();

      expect(await first.stop('SIGINT')).toBe(0);
      expect(postgresRunning()).toBe(false);

      const second = spawnApp(env, port);
      await second.waitForLine(/listening on/);
      expect(second.output().join('\n')).not.toContain('initialising a new PostgreSQL cluster');
      const again = new pg.Client({ connectionString: url });
      await again.connect();
      expect((await again.query('select v from survives_restart')).rows).toEqual([{ v: 'kept' }]);
      await again.end();
      expect(await second.stop('SIGINT')).toBe(0);
      expect(postgresRunning()).toBe(false);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
