import 'reflect-metadata';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import sharp from 'sharp';
import { withCliDatabase } from '../scripts/cli-database.js';
import { runMigrations } from '../src/database/migrate.js';
import { machine, startApp, type RunningApp } from './lib/app-under-test.js';
import { photo } from './lib/device-photo.js';
import { createScratchDatabase } from './lib/scratch-database.js';

/**
 * npm run bench:device
 *
 * Device uploads per second of a ~4 MB JPEG photo (4000 × 3000, with EXIF GPS) through the whole path:
 * HTTP multipart, device credential, byte sniffing, decoding, re-encoding without metadata (stored at
 * DEVICE_IMAGE_MAX_EDGE), the skin metrics, AES-256-GCM under the subject's data key, the consent
 * ledger, the disclosure log and the commit. 1 device, then 8 devices uploading at once (each device
 * one upload after the other, its own credential); latency per upload (p50/p99) and the app's peak RSS.
 * Then crypto-shredding: a subject with 100 analyses withdraws the analysis consent at the device
 * (ledger withdrawals, data key destroyed, 100 analyses and their images deleted, one transaction),
 * timed per withdrawal over BENCH_SHRED_SUBJECTS subjects (default 3).
 *
 * The application runs as its own process (the built dist/src/main.js) on a scratch database on
 * DATABASE_URL's server (the embedded one when unset), dropped at the end.
 * Goals: ≥ 20 uploads/s at 8 devices; shredding a subject with 100 analyses < 100 ms.
 */

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARM_UP_SECONDS = Number(process.env.BENCH_WARM_UP_SECONDS ?? 3);
const LEVELS = (process.env.BENCH_DEVICES ?? '1,8').split(',').map(Number);
const SHRED_SUBJECTS = Number(process.env.BENCH_SHRED_SUBJECTS ?? 3);
const ANALYSES_PER_SUBJECT = 100;

function body(image: Buffer, reference: string): { payload: Buffer; contentType: string } {
  const boundary = `----bench${randomBytes(8).toString('hex')}`;
  const data = JSON.stringify({
    gender: 'female',
    age: 42,
    subjectReference: reference,
    consent: {
      wordingVersion: 'device-consent-2026-01',
      givenAt: new Date().toISOString(),
      practiceStaffReference: 'MFA-07',
      purposes: ['device-analysis', 'device-improvement'],
    },
  });
  return {
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="image"; filename="face.jpg"\r\n` +
          'content-type: image/jpeg\r\n\r\n',
      ),
      image,
      Buffer.from(
        `\r\n--${boundary}\r\ncontent-disposition: form-data; name="data"\r\n\r\n${data}\r\n--${boundary}--\r\n`,
      ),
    ]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

async function uploadOnce(app: RunningApp, key: string, image: Buffer, reference: string): Promise<void> {
  const { payload, contentType } = body(image, reference);
  const res = await fetch(`${app.baseUrl}/api/v1/device/analyses`, {
    method: 'POST',
    headers: { 'x-device-key': key, 'content-type': contentType },
    body: payload,
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${text.slice(0, 200)}`);
}

/** Registers a practice with `count` devices directly in the database; returns their credentials. */
async function devices(db: pg.Client, count: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `insert into partner (name, kind, recipient_id) values ($1, 'practice', 'doctor-practices') returning id`,
    [`Bench practice ${randomUUID()}`],
  );
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const device = await db.query<{ id: string }>(
      `insert into device (practice_id, serial_number, created_by) values ($1, $2, 'bench') returning id`,
      [rows[0].id, `BENCH-${randomBytes(6).toString('hex')}`],
    );
    const key = randomBytes(32).toString('base64url');
    await db.query(
      `insert into device_credential (device_id, prefix, secret_hash, created_by) values ($1, $2, $3, 'bench')`,
      [device.rows[0].id, key.slice(0, 8), createHash('sha256').update(key).digest('hex')],
    );
    keys.push(key);
  }
  return keys;
}

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** User + system CPU seconds the process has used so far (from /proc; clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Level {
  devices: number;
  cpuMsPerUpload: number;
  uploads: number;
  perSecond: number;
  p50: number;
  p99: number;
  peakRssMb: number;
}

async function level(app: RunningApp, keys: string[], image: Buffer, seconds: number): Promise<Level> {
  const latencies: number[] = [];
  app.resetPeak();
  const cpu0 = cpuSeconds(app.pid);
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    keys.map(async (key) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        await uploadOnce(app, key, image, `B-${randomBytes(8).toString('hex')}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const cpu = cpuSeconds(app.pid) - cpu0;
  latencies.sort((a, b) => a - b);
  return {
    devices: keys.length,
    cpuMsPerUpload: (cpu * 1000) / Math.max(1, latencies.length),
    uploads: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    peakRssMb: app.peakRssMb(),
  };
}

async function main(): Promise<void> {
  await withCliDatabase(async (serverUrl) => {
    const scratch = await createScratchDatabase(serverUrl, 'bench_device');
    await runMigrations(scratch.url);
    const db = new pg.Client({ connectionString: scratch.url });
    await db.connect();
    const app = await startApp(scratch.url, {
      JOBS_ENABLED: 'false',
      ACCESS_LOG_ENABLED: 'false',
      OPENAPI_ENABLED: 'false',
      LOG_LEVEL: 'error',
      DEVICE_KEKS: `bench:${randomBytes(32).toString('hex')}`,
      DEVICE_KEK_ID: 'bench',
    });
    try {
      const image = await photo(4000, 3000, 93);
      const meta = await sharp(image).metadata();
      process.stdout.write(
        `device benchmark: ${machine()}; photo ${(image.length / 1e6).toFixed(2)} MB ` +
          `${meta.width}×${meta.height} JPEG with EXIF GPS; ${SECONDS} s per level\n`,
      );
      const keys = await devices(db, Math.max(...LEVELS));
      await level(app, keys.slice(0, 2), image, WARM_UP_SECONDS);

      const results: Level[] = [];
      for (const n of LEVELS) results.push(await level(app, keys.slice(0, n), image, SECONDS));
      process.stdout.write(
        `load average before: ${os.loadavg()[0].toFixed(1)}\n\n` +
          '| devices | uploads | uploads/s | p50 ms | p99 ms | peak RSS MB | app CPU ms/upload |\n' +
          '| ------: | ------: | --------: | -----: | -----: | ----------: | ----------------: |\n',
      );
      for (const r of results)
        process.stdout.write(
          `| ${r.devices} | ${r.uploads} | ${r.perSecond.toFixed(1)} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ` +
            `${r.peakRssMb.toFixed(0)} | ${r.cpuMsPerUpload.toFixed(0)} |\n`,
        );

      // Crypto-shredding: subjects with 100 analyses each (a smaller photo: the shredding deletes rows and
      // their stored images; what it costs does not depend on how the images were taken).
      const small = await photo(1600, 1200, 90);
      const shredKey = keys[0];
      const times: number[] = [];
      const rowTimes: number[] = [];
      for (let s = 0; s < SHRED_SUBJECTS; s++) {
        const reference = `SHRED-${randomBytes(6).toString('hex')}`;
        for (let i = 0; i < ANALYSES_PER_SUBJECT; i += 4)
          await Promise.all([0, 1, 2, 3].map(() => uploadOnce(app, shredKey, small, reference)));
        const stored = await db.query<{ n: number; mb: number }>(
          `select count(*)::int as n, (sum(octet_length(a.image_ct)) / 1e6)::float8 as mb
             from device_analysis a join device_subject s on s.id = a.subject_id where s.reference = $1`,
          [reference],
        );
        const t0 = performance.now();
        const res = await fetch(`${app.baseUrl}/api/v1/device/consent-withdrawals`, {
          method: 'POST',
          headers: { 'x-device-key': shredKey, 'content-type': 'application/json' },
          body: JSON.stringify({ subjectReference: reference, purposes: ['device-analysis'] }),
        });
        const answer = (await res.json()) as { shredded?: boolean };
        const ms = performance.now() - t0;
        if (res.status !== 200 || !answer.shredded) throw new Error(`withdrawal answered ${res.status}`);
        const key = await db.query(
          'select 1 from device_keys.subject_key k join device_subject s on s.id = k.subject_id where s.reference = $1',
          [reference],
        );
        if (key.rowCount !== 0) throw new Error('the data key is still there');
        // The rows and their ciphertext are deleted right after the commit: how long until they are gone.
        for (;;) {
          const left = await db.query('select 1 from device_subject where reference = $1', [reference]);
          if (left.rowCount === 0) break;
          await new Promise((r) => setTimeout(r, 5));
        }
        const rowsMs = performance.now() - t0;
        times.push(ms);
        rowTimes.push(rowsMs);
        process.stdout.write(
          `shredded a subject with ${stored.rows[0].n} analyses (${stored.rows[0].mb.toFixed(1)} MB of ` +
            `ciphertext): key destroyed and answered in ${ms.toFixed(1)} ms (HTTP round trip), ` +
            `rows gone after ${rowsMs.toFixed(1)} ms\n`,
        );
      }
      times.sort((a, b) => a - b);
      process.stdout.write(
        `crypto-shredding, 100 analyses: median ${percentile(times, 50).toFixed(1)} ms, ` +
          `max ${times[times.length - 1].toFixed(1)} ms (goal < 100 ms); rows gone after a median ` +
          `${percentile(
            rowTimes.sort((a, b) => a - b),
            50,
          ).toFixed(1)} ms\n`,
      );
      const eight = results.find((r) => r.devices === 8);
      if (eight)
        process.stdout.write(`uploads at 8 devices: ${eight.perSecond.toFixed(1)}/s (goal ≥ 20/s)\n`);
    } finally {
      await db.end();
      await app.stop();
      await scratch.drop();
    }
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:device failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
