import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import type { StaffRole } from '../../src/common/auth/auth.guards.js';
import { TokenService } from '../../src/common/auth/token.service.js';
import { AppConfig, validateConfig } from '../../src/config/app-config.js';
import { StaffAccounts } from '../../src/modules/back-office/staff/staff-accounts.service.js';
import { createApp } from '../../src/create-app.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TestApp {
  app: NestFastifyApplication;
  db: TestDatabase;
  /** Fastify's in-process request injection: the whole HTTP pipeline without a socket. */
  inject: NestFastifyApplication['inject'];
  close(): Promise<void>;
}

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Reuse a database (e.g. to restart the app on the same data); it is then not dropped on close. */
  db?: TestDatabase;
  /** Extra modules to mount (probe controllers, test declarations). */
  modules?: DynamicModule['imports'];
}

/**
 * Where the run captures logs (test/setup/global-setup.mjs sets E2E_LOG_CAPTURE_DIR): every app of the run
 * logs at debug level into a file there, and the global teardown scans all of it for personal data.
 */
export function logCaptureFile(kind: string): string | undefined {
  const dir = process.env.E2E_LOG_CAPTURE_DIR;
  if (!dir) return undefined;
  return path.join(dir, `${kind}-${process.env.JEST_WORKER_ID ?? '0'}-${process.pid}-${randomUUID()}.ndjson`);
}

/** Boots the real application (as `npm start` builds it) on a fresh database of its own. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.db ?? (await createTestDatabase());
  const config = validateConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JOBS_ENABLED: 'false',
    PRIVACY_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    // The tests of the kernel use the bootstrap token (adminHeaders); production keeps it off.
    PRIVACY_BOOTSTRAP_TOKEN_ENABLED: 'true',
    ...captured(),
    ...options.env,
    DATABASE_URL: database.url,
  });
  const app = await createApp({ config, databaseUrl: database.url, extraModules: options.modules });
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    db: database,
    inject: app.inject.bind(app),
    async close() {
      await app.close();
      if (!options.db) await database.drop();
    },
  };
}

function captured(): Record<string, string> {
  const file = logCaptureFile('app');
  return file ? { LOG_LEVEL: 'debug', LOG_FILE: file } : {};
}

export const adminHeaders = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

/**
 * A signed staff access token of `role` for a real, active staff account created for it (so routes
 * that check the account, ActiveStaffGuard, accept it too). Use as `Authorization: Bearer <token>`.
 */
export async function staffToken(t: TestApp, role: StaffRole): Promise<string> {
  return (await staffMember(t, role)).token;
}

/** Like staffToken, with the account's id (to deactivate it or change its role in a test). */
export async function staffMember(t: TestApp, role: StaffRole): Promise<{ id: string; token: string }> {
  const account = await t.app.get(StaffAccounts).create({
    email: `${role}-${randomUUID()}@staff.test`,
    displayName: `Test ${role}`,
    role,
    password: randomBytes(24).toString('base64url'),
  });
  const ttl = t.app.get(AppConfig).STAFF_ACCESS_TOKEN_TTL_SECONDS;
  return {
    id: account.id,
    token: t.app.get(TokenService).sign({ sub: account.id, kind: 'staff', role }, ttl).token,
  };
}
