import 'reflect-metadata';
import { pathToFileURL } from 'node:url';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../src/config/app-config.js';
import { typeOrmOptions } from '../src/database/typeorm-options.js';
import { loadKeyRing, rewrapAllKeys, type RewrapReport } from '../src/modules/device-analysis/index.js';
import { withCliDatabase } from './cli-database.js';

/**
 * npm run device:rewrap-keys
 *
 * Key rotation for the device-analysis data keys: put the new key-encryption key into DEVICE_KEKS
 * beside the old one, point DEVICE_KEK_ID at it, restart the application (new data keys are wrapped by
 * the new KEK from then on), and run this command: it unwraps every data key still under an older KEK
 * and wraps it under the current one, in batches, each in its own transaction. Images, results and
 * emails are neither decrypted nor rewritten (only the 32-byte data keys are). Safe to run again and
 * while the application runs. When it reports nothing left under the old KEK, remove the old key from
 * DEVICE_KEKS. Exit codes: 0 done, 1 failed (one line on stderr says why).
 */
export async function rewrapDeviceKeys(
  url: string,
  config: Pick<AppConfig, 'DEVICE_KEKS' | 'DEVICE_KEK_ID' | 'NODE_ENV'>,
): Promise<RewrapReport> {
  const dataSource = new DataSource({
    ...typeOrmOptions({ url, poolSize: 2, applicationName: 'device-rewrap-keys' }),
  });
  await dataSource.initialize();
  try {
    const ring = await loadKeyRing(config, (sql, params) => dataSource.query(sql, params));
    return await rewrapAllKeys(dataSource, ring);
  } finally {
    await dataSource.destroy();
  }
}

async function main(): Promise<number> {
  return withCliDatabase(async (url, config) => {
    const report = await rewrapDeviceKeys(url, config);
    process.stdout.write(
      `re-wrapped ${report.rewrapped} data key(s) under "${report.kekId}"; ` +
        `${report.alreadyCurrent} were already under it\n`,
    );
    return 0;
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `device:rewrap-keys failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
