import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { startFakeDhl, type FakeDhl } from '../fakes/dhl/index.js';
import { freePort } from '../helpers/net.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import {
  eventually,
  orderStatus,
  pack,
  pickingOrder,
  shipmentIn,
  shipmentOf,
  staffAuth,
  stockForHandoff,
} from './handoff-fixtures.js';

/**
 * The worker is a real process here (the app compiled privately with swc, as `npm run build` would),
 * killed with SIGKILL between the carrier's work and the shop's commit: no shutdown hook, no catch
 * block, no rollback of ours runs, exactly like a crash or an OOM kill.
 */
describe('a worker killed between the carrier call and the commit', () => {
  const distDir = path.resolve('.data', `e2e-handoff-${randomBytes(4).toString('hex')}`);
  let db: TestDatabase;
  let dhl: FakeDhl;
  let env: Record<string, string>;
  let worker: ChildProcess | undefined;
  let workerOutput = '';

  beforeAll(async () => {
    await promisify(execFile)(
      path.resolve('node_modules/.bin/swc'),
      ['src', 'libs', 'migrations', '-d', distDir, '--quiet', '--copy-files', '--ignore', '**/*.spec.ts'],
      { cwd: process.cwd() },
    );
    [db, dhl] = await Promise.all([createTestDatabase(), startFakeDhl()]);
    env = {
      ...dhl.env,
      CARRIER_SIMULATORS: 'off',
      CARRIER_DEFAULT: 'dhl',
      // Lease = 3 × timeout + 5 s = 8 s: after that a claim belongs to a dead worker.
      CARRIER_HTTP_TIMEOUT_MS: '1000',
      CARRIER_HANDOFF_RETRY_DELAY_SECONDS: '1',
      CARRIER_HANDOFF_RETRY_DELAY_MAX_SECONDS: '2',
    };
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    await dhl?.stop();
    await db?.drop();
    await rm(distDir, { recursive: true, force: true });
  });

  function startWorker(port: number): ChildProcess {
    const { DATABASE_URL: _url, TEST_DATABASE_SERVER_URL: _server, ...parentEnv } = process.env;
    const child = spawn(process.execPath, [path.join(distDir, 'src/main.js')], {
      env: {
        ...parentEnv,
        ...env,
        NODE_OPTIONS: '',
        DATABASE_URL: db.url,
        JOBS_ENABLED: 'true',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (workerOutput += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (workerOutput += chunk.toString('utf8')));
    return child;
  }

  it('leaves exactly one shipment at the carrier after the worker is restarted', async () => {
    // Packing happens on a web instance without workers: the job waits in the outbox.
    const web: TestApp = await startTestApp({ db, env: { ...env, JOBS_ENABLED: 'false' } });
    await stockForHandoff(web);
    const order = await pickingOrder(web);
    await pack(web, order.id, await staffAuth(web, 'fulfilment'));
    expect((await shipmentOf(web, order.id))?.status).toBe('queued');
    await web.close();

    // DHL creates the shipment but its answer is held back; the worker dies waiting for it.
    dhl.simulator.holdCreates();
    const created = new Promise<void>((resolve) => {
      dhl.simulator.onCreate = () => resolve();
    });
    worker = startWorker(await freePort());
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      created,
      new Promise((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the worker never called DHL; its output:\n${workerOutput}`)),
          45_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    const exited = new Promise((resolve) => worker?.once('exit', resolve));
    worker.kill('SIGKILL');
    await exited;
    dhl.simulator.recover();

    const { rows: afterCrash } = await db.query<{ status: string; attempts: number }>(
      'select status, attempts from shipment where order_id = $1',
      [order.id],
    );
    expect(afterCrash).toEqual([{ status: 'sending', attempts: 1 }]);
    expect(dhl.simulator.shipmentsFor(order.number)).toHaveLength(1);

    // Restart: the recovery finds the orphaned claim and, once its lease has run out, looks the order
    // number up at DHL and adopts the shipment instead of creating a second one.
    const restarted = await startTestApp({ db, env: { ...env, JOBS_ENABLED: 'true' } });
    try {
      const shipment = await shipmentIn(restarted, order.id, ['created'], 40_000);
      expect(dhl.simulator.shipmentsFor(order.number)).toHaveLength(1);
      expect(shipment.tracking_number).toBe(dhl.simulator.shipmentsFor(order.number)[0].number);
      expect(shipment.attempts).toBe(2);
      expect(await orderStatus(restarted, order.id)).toBe('handed_to_carrier');
      const { rows: attempts } = await db.query<{ attempt: number; outcome: string | null }>(
        'select attempt, outcome from shipment_attempt where shipment_id = $1 order by attempt',
        [shipment.id],
      );
      // Attempt 1 never finished: its worker died. Attempt 2 found DHL's shipment by the reference.
      expect(attempts).toEqual([
        { attempt: 1, outcome: null },
        { attempt: 2, outcome: 'adopted' },
      ]);
      // The dead worker could not log its disclosure; the adoption did, once.
      const logged = await eventually(async () => {
        const { rows } = await db.query<{ recipient_id: string; outcome: string }>(
          `select recipient_id, outcome from privacy.disclosure_log where subject_id = $1 and activity_id = 'carrier-handoff'`,
          [order.subjectId],
        );
        return rows.length > 0 ? rows : undefined;
      });
      expect(logged).toEqual([{ recipient_id: 'dhl', outcome: 'sent' }]);
      expect(dhl.simulator.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    } finally {
      await restarted.close();
    }
  }, 120_000);
});
