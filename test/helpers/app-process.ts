import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { logCaptureFile } from './test-app.js';

export interface AppProcess {
  child: ChildProcess;
  port: number;
  /** Every line the process wrote to stdout and stderr so far. */
  output(): string[];
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const MAIN = path.resolve('dist/src/main.js');

/**
 * Runs the built service (`dist/`, made by `npm test`'s pretest build) as a real process with the
 * given environment, as an operator would start it.
 */
export function spawnApp(env: Record<string, string>, port: number): AppProcess {
  const baseEnv = { ...process.env };
  // The parent's DATABASE_URL must not leak into a child that tests the embedded default.
  delete baseEnv.DATABASE_URL;
  delete baseEnv.TEST_DATABASE_SERVER_URL;
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...baseEnv,
      NODE_OPTIONS: '',
      PORT: String(port),
      HOST: '127.0.0.1',
      ...(process.env.E2E_LOG_CAPTURE_DIR ? { LOG_LEVEL: 'debug' } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    for (const l of listeners) l();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // What the process wrote goes to the run's log capture too (scanned for personal data at the end).
  const capture = logCaptureFile('process');
  if (capture) child.once('close', () => appendFileSync(capture, lines.map((l) => `${l}\n`).join('')));
  return {
    child,
    port,
    output: () => [...lines],
    waitForLine(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const hit = lines.find((l) => pattern.test(l));
          if (hit) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(hit);
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${lines.join('\n')}`),
          );
        }, timeoutMs);
        if (!check()) listeners.add(check);
        void exited.then(() => {
          if (!check()) {
            clearTimeout(timer);
            reject(
              new Error(`process exited before a line matched ${pattern}; output:\n${lines.join('\n')}`),
            );
          }
        });
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
