import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { isEmail } from 'class-validator';
import { DataSource } from 'typeorm';
import { passwordProblem } from '../src/common/auth/passwords.js';
import { ProblemException, ValidationProblem } from '../src/common/problem/problem.js';
import { runMigrations } from '../src/database/migrate.js';
import { typeOrmOptions } from '../src/database/typeorm-options.js';
import { StaffAccount } from '../src/modules/back-office/staff/staff-account.entity.js';
import { createStaffAccount } from '../src/modules/back-office/staff/staff-accounts.service.js';
import { withCliDatabase } from './cli-database.js';

/**
 * npm run admin:create -- --email anna@shop.example --name "Anna Berger"
 *
 * Creates an administrator account on the configured database (DATABASE_URL, or the embedded
 * server), after applying pending migrations: the way to the first administrator, and the way back
 * in when every administrator is locked out. The password comes from ADMIN_PASSWORD or is asked on
 * the terminal without echo (or read from the first line of piped stdin); it is never an argument,
 * so it stays out of the shell history and the process list.
 * Exit codes: 0 created, 1 not created (one line on stderr says why).
 */

const USAGE = 'usage: npm run admin:create -- --email <email> --name "<display name>"';

class CliError extends Error {}

function parseArguments(): { email: string; name: string } {
  let values: { email?: string; name?: string };
  try {
    ({ values } = parseArgs({
      options: { email: { type: 'string' }, name: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new CliError(`${error instanceof Error ? error.message : String(error)}; ${USAGE}`);
  }
  const email = values.email?.trim() ?? '';
  const name = values.name?.trim() ?? '';
  if (!email || !name) throw new CliError(USAGE);
  if (!isEmail(email) || email.length > 254) throw new CliError('--email is not a valid email address');
  if (name.length > 120) throw new CliError('--name must be at most 120 characters long');
  return { email, name };
}

/** Reads one line from the terminal without echoing it. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (outcome: () => void): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      outcome();
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish(() => resolve(value));
        if (ch === '\u0003') return finish(() => reject(new CliError('cancelled')));
        if (ch === '\u0004') return finish(() => resolve(value));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** The first line of piped stdin. */
async function readPipedLine(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0];
}

async function readPassword(): Promise<string> {
  const fromEnv = process.env.ADMIN_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) return readPipedLine();
  const password = await promptHidden('Password for the new administrator: ');
  const problem = passwordProblem(password);
  if (problem) return password; // refused below with the reason; no point asking to repeat it
  if ((await promptHidden('Repeat the password: ')) !== password)
    throw new CliError('the passwords do not match');
  return password;
}

function describe(error: unknown): string {
  if (error instanceof ValidationProblem) return error.errors.map((e) => `${e.field} ${e.reason}`).join('; ');
  if (error instanceof ProblemException) return error.detail ?? error.title;
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<number> {
  const { email, name } = parseArguments();
  const password = await readPassword();
  const problem = passwordProblem(password);
  if (problem) throw new CliError(`the password ${problem}`);

  return withCliDatabase(async (url) => {
    await runMigrations(url);
    const dataSource = new DataSource({
      ...typeOrmOptions({ url, poolSize: 1, applicationName: 'storefront-admin-create' }),
      entities: [StaffAccount],
    });
    await dataSource.initialize();
    try {
      const account = await createStaffAccount(dataSource.manager, {
        email,
        displayName: name,
        role: 'admin',
        password,
      });
      const [{ n }] = await dataSource.query<{ n: number }[]>(
        `select count(*)::int as n from staff_account where role = 'admin' and active`,
      );
      process.stdout.write(
        `created administrator ${account.id} (${n} active administrator${n === 1 ? '' : 's'}); ` +
          'sign in at POST /api/v1/admin/auth/login\n',
      );
      return 0;
    } finally {
      await dataSource.destroy();
    }
  });
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`admin:create: ${describe(error)}\n`);
  process.exitCode = 1;
}
