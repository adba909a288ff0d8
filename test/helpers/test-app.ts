import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { validateConfig } from '../../src/config/app-config.js';
import { createApp } from '../../src/create-app.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TestApp {
  app: NestFastifyApplication;
  db: TestDatabase;
  /** Fastify's in-process request injection: the whole HTTP pipeline without a socket. */
  inject: NestFastifyApplication['inject'];
  close(): Promise<void>;
}

/** Boots the real application (as `npm start` builds it) on a fresh database of its own. */
export async function startTestApp(env: Record<string, string> = {}, db?: TestDatabase): Promise<TestApp> {
  const database = db ?? (await createTestDatabase());
  const config = validateConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ...env,
    DATABASE_URL: database.url,
  });
  const app = await createApp({ config, databaseUrl: database.url });
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    db: database,
    inject: app.inject.bind(app),
    async close() {
      await app.close();
      if (!db) await database.drop();
    },
  };
}
