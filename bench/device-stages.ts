import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { aad } from '../src/modules/device-analysis/analyses.service.js';
import { seal, sealJson } from '../src/modules/device-analysis/envelope.js';
import { analysisCopy, checkImage, reencodeImage } from '../src/modules/device-analysis/image-intake.js';
import { computeSkinMetrics } from '../src/modules/device-analysis/skin-metrics.js';
import { machine } from './lib/app-under-test.js';
import { photo } from './lib/device-photo.js';

/**
 * npm run bench:device-stages
 *
 * Where the CPU of one device upload goes, stage by stage, in this process (no HTTP, no database):
 * the same functions the upload calls, one upload after the other, with the process's CPU time
 * (process.cpuUsage: user + system of all its threads, libvips's included) and the wall time taken
 * around each stage. CPU time is what matters on a loaded machine: wall time there includes waiting
 * for a core. The photo is bench:device's (4000 × 3000 JPEG, ~4.25 MB, EXIF with GPS).
 * BENCH_RUNS uploads (default 40) after 5 warm-ups; DEVICE_IMAGE_MAX_EDGE as configured (default 2048).
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const WARM_UP = 5;
const MAX_EDGE = Number(process.env.DEVICE_IMAGE_MAX_EDGE ?? 2048);
const MAX_PIXELS = Number(process.env.DEVICE_IMAGE_MAX_PIXELS ?? 40_000_000);

const STAGES = [
  'sniff + header (pixel limit)',
  'decode, orient, scale, re-encode (stored image)',
  'analysis copy (scaled decode of the stored image)',
  'skin metrics',
  'AES-256-GCM (image + payload)',
] as const;

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function main(): Promise<void> {
  const image = await photo(4000, 3000, 93);
  const key = randomBytes(32);
  const cpu = STAGES.map(() => 0);
  const wall = STAGES.map(() => 0);
  let storedBytes = 0;
  let analysisSize = '';
  for (let run = 0; run < WARM_UP + RUNS; run++) {
    const c = [cpuMs()];
    const w = [performance.now()];
    const mark = () => {
      c.push(cpuMs());
      w.push(performance.now());
    };
    const { format } = await checkImage(image, { maxPixels: MAX_PIXELS });
    mark();
    const stored = await reencodeImage(image, format, { maxPixels: MAX_PIXELS, maxEdge: MAX_EDGE });
    mark();
    const analysis = await analysisCopy(stored);
    mark();
    const result = computeSkinMetrics(analysis);
    mark();
    const id = randomUUID();
    seal(key, stored.bytes, aad.image(id));
    sealJson(key, { gender: 'female', age: 42, result, image: { format } }, aad.payload(id));
    mark();
    if (run < WARM_UP) continue;
    for (let s = 0; s < STAGES.length; s++) {
      cpu[s] += c[s + 1] - c[s];
      wall[s] += w[s + 1] - w[s];
    }
    storedBytes = stored.bytes.length;
    analysisSize = `${analysis.width}×${analysis.height}`;
  }
  process.stdout.write(
    `device upload stages: ${machine()}; sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}), ` +
      `concurrency ${sharp.concurrency()}; photo ${(image.length / 1e6).toFixed(2)} MB 4000×3000 JPEG; ` +
      `stored ${MAX_EDGE} px, ${(storedBytes / 1e3).toFixed(0)} kB; analysis copy ${analysisSize}; ` +
      `${RUNS} uploads; load average ${os.loadavg()[0].toFixed(1)}\n\n` +
      '| stage | CPU ms/upload | wall ms/upload |\n| ----- | ------------: | -------------: |\n',
  );
  STAGES.forEach((stage, s) =>
    process.stdout.write(`| ${stage} | ${(cpu[s] / RUNS).toFixed(1)} | ${(wall[s] / RUNS).toFixed(1)} |\n`),
  );
  const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / RUNS;
  process.stdout.write(`| **total** | **${total(cpu).toFixed(1)}** | **${total(wall).toFixed(1)}** |\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:device-stages failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exitCode = 1;
});
