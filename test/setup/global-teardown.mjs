import { rm } from 'node:fs/promises';
import path from 'node:path';
import { scanCapture } from './log-leaks.mjs';

export default async function globalTeardown() {
  try {
    await checkLogs();
  } finally {
    const server = globalThis.__EMBEDDED_TEST_PG__;
    if (server) {
      await server.stop();
      await rm(path.dirname(server.dataDirectory), { recursive: true, force: true });
    }
  }
}

/**
 * Every log line the run's apps wrote (in process and as child processes) must be free of emails, IP
 * addresses, names, IBANs and tokens. A finding fails the run; the capture is then kept for reading.
 */
async function checkLogs() {
  const dir = process.env.E2E_LOG_CAPTURE_DIR;
  if (!dir) return;
  const { files, lines, findings } = await scanCapture(dir);
  process.stdout.write(
    `\nlog capture: ${lines} lines from ${files} app runs scanned, ${findings.length} with personal data\n`,
  );
  // E2E_LOG_KEEP=1 keeps the capture for reading (it is the run's whole log, at debug level).
  const keep = process.env.E2E_LOG_KEEP === '1';
  if (keep) process.stdout.write(`log capture kept in ${dir}\n`);
  if (findings.length === 0) {
    if (!keep) await rm(dir, { recursive: true, force: true });
    return;
  }
  for (const f of findings.slice(0, 20))
    process.stdout.write(`  ${f.kind} "${f.match}" in ${f.file}: ${f.line.slice(0, 400)}\n`);
  throw new Error(`personal data in ${findings.length} log line(s); the capture is kept in ${dir}`);
}
