import { rm } from 'node:fs/promises';
import path from 'node:path';

export default async function globalTeardown() {
  const server = globalThis.__EMBEDDED_TEST_PG__;
  if (!server) return;
  await server.stop();
  await rm(path.dirname(server.dataDirectory), { recursive: true, force: true });
}
