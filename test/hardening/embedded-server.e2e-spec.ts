import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawnApp } from '../helpers/app-process.js';
import { freePort } from '../helpers/net.js';

/** The embedded PostgreSQL as an operator meets it: killed apps, a taken port, a full disk. */
describe('the embedded server under operator faults', () => {
  let parent: string;

  beforeAll(async () => {
    parent = await mkdtemp(path.join(os.tmpdir(), 'storefront-embedded-faults-'));
    await chmod(parent, 0o755);
  });
  afterAll(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  const postgresOn = (dataDir: string): boolean =>
    execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .some((l) => l.includes(`-D ${dataDir}`));

  it('a later start takes over after the app was killed with SIGKILL', async () => {
    const dataDir = path.join(parent, 'killed');
    const env = { EMBEDDED_PG_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) };
    const port = await freePort();
    const first = spawnApp(env, port);
    await first.waitForLine(/listening on/, 60_000);
    await first.stop('SIGKILL');
    // The server runs in its own session: it outlives the killed app.
    expect(postgresOn(dataDir)).toBe(true);

    const second = spawnApp(env, port);
    await second.waitForLine(/listening on/, 60_000);
    expect(second.output().join('\n')).toMatch(/stopping a PostgreSQL \(pid \d+\) left running/);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect(await second.stop('SIGINT')).toBe(0);
    expect(postgresOn(dataDir)).toBe(false);
  });

  it('a taken port fails the start with one line naming the port and the setting', async () => {
    const blocker = net.createServer();
    const pgPort = await freePort();
    await new Promise<void>((resolve) => blocker.listen(pgPort, '127.0.0.1', resolve));
    try {
      const app = spawnApp(
        { EMBEDDED_PG_DATA_DIR: path.join(parent, 'port'), EMBEDDED_PG_PORT: String(pgPort) },
        await freePort(),
      );
      const line = await app.waitForLine(/^start failed: /, 60_000);
      expect(line).toContain(`port ${pgPort}`);
      expect(line).toContain('EMBEDDED_PG_PORT');
      expect(await app.stop('SIGCONT')).toBe(1);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  const canMountTmpfs = ((): boolean => {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
    try {
      execFileSync('mount', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  (canMountTmpfs ? it : it.skip)(
    'a full disk fails the start with a clear line naming the setting',
    async () => {
      const small = path.join(parent, 'small-disk');
      await mkdir(small, { recursive: true });
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0755', 'tmpfs', small]);
      } catch {
        return; // no CAP_SYS_ADMIN in this container: nothing to prove here
      }
      try {
        const app = spawnApp(
          { EMBEDDED_PG_DATA_DIR: path.join(small, 'postgres'), EMBEDDED_PG_PORT: String(await freePort()) },
          await freePort(),
        );
        const line = await app.waitForLine(/^start failed: /, 60_000);
        expect(line).toMatch(/disk is full/);
        expect(line).toContain('EMBEDDED_PG_DATA_DIR');
        expect(await app.stop('SIGCONT')).toBe(1);
      } finally {
        execFileSync('umount', ['-l', small]);
      }
    },
  );
});
