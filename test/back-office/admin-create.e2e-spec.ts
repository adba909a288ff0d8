import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { startTestApp } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/** The built CLI behind `npm run admin:create` (dist/ is built by `npm test`'s pretest). */
const ADMIN_CREATE_CLI = process.env.ADMIN_CREATE_CLI ?? path.resolve('dist/scripts/admin-create.js');
const PASSWORD = 'Lange-Nacht-im-Lager-2025';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('npm run admin:create', () => {
  let db: TestDatabase;

  /** Runs the CLI against the test database, with the password in ADMIN_PASSWORD or piped to stdin. */
  function runCli(args: string[], password: { env?: string; stdin?: string }): Promise<Run> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_OPTIONS: '',
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
    };
    delete env.ADMIN_PASSWORD;
    if (password.env !== undefined) env.ADMIN_PASSWORD = password.env;
    return new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        [ADMIN_CREATE_CLI, ...args],
        { env },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin?.end(password.stdin ?? '');
    });
  }

  beforeAll(async () => {
    // No migrations: the command applies them itself before it creates the account.
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('migrates the database and creates an administrator who can sign in', async () => {
    const run = await runCli(['--email', 'Anna@Shop.example', '--name', 'Anna Berger'], { env: PASSWORD });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^created administrator [0-9a-f-]{36} \(1 active administrator\)/);
    expect(run.stdout).not.toContain(PASSWORD);
    const { rows } = await db.query(
      `select email, display_name, role, active, password_hash from staff_account`,
    );
    expect(rows).toEqual([
      {
        email: 'Anna@Shop.example',
        display_name: 'Anna Berger',
        role: 'admin',
        active: true,
        password_hash: expect.stringMatching(/^\$argon2id\$/),
      },
    ]);

    const app = await startTestApp({ db });
    try {
      const login = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/auth/login',
        payload: { email: 'anna@shop.example', password: PASSWORD },
      });
      expect(login.json()).toMatchObject({ role: 'admin' });
    } finally {
      await app.close();
    }
  });

  it('reads the password from stdin when ADMIN_PASSWORD is not set', async () => {
    const run = await runCli(['--email', 'ben@shop.example', '--name', 'Ben Krüger'], {
      stdin: `${PASSWORD}\n`,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\(2 active administrators\)/);
  });

  it('refuses a weak password with one clear line and exit code 1, creating nothing', async () => {
    const run = await runCli(['--email', 'carl@shop.example', '--name', 'Carl'], { env: 'password123' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'admin:create: the password is one of the most commonly breached passwords; choose another\n',
    );
    expect(
      (await db.query(`select 1 from staff_account where email_normalized = 'carl@shop.example'`)).rows,
    ).toEqual([]);
  });

  it('refuses an email that is taken, in any letter case', async () => {
    const run = await runCli(['--email', 'ANNA@shop.example', '--name', 'Anna Again'], { env: PASSWORD });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('admin:create: A staff account with this email address exists already.\n');
  });

  it('explains its usage when an argument is missing or unknown', async () => {
    const missing = await runCli(['--email', 'dora@shop.example'], { env: PASSWORD });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^admin:create: usage: npm run admin:create -- --email <email> --name "<display name>"\n$/,
    );
    const unknown = await runCli(['--email', 'dora@shop.example', '--name', 'Dora', '--password', PASSWORD], {
      env: PASSWORD,
    });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.split('\n')).toHaveLength(2);
    expect(unknown.stderr).not.toContain(PASSWORD);
  });
});
