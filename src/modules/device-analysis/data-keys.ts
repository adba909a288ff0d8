import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UnitOfWork } from '@app/core';
import { randomBytes } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { open, seal } from './envelope.js';

const DEV_KEK_ID = 'dev';
const DEV_KEK_SECRET = 'device-analysis-dev-kek';

/** The key-encryption keys by id, and the one that wraps new data keys. */
export interface KeyRing {
  current: string;
  keys: ReadonlyMap<string, Buffer>;
}

const parseKey = (text: string): Buffer =>
  Buffer.from(text, /^[0-9a-fA-F]{64}$/.test(text) ? 'hex' : 'base64');

/** Parses DEVICE_KEKS (`id:key,...`) and DEVICE_KEK_ID; throws on an unknown current id. */
export function parseKeyRing(list: string, current: string): KeyRing {
  const keys = new Map<string, Buffer>();
  for (const entry of list.split(',')) {
    const at = entry.indexOf(':');
    const id = entry.slice(0, at);
    const key = parseKey(entry.slice(at + 1));
    if (at < 1 || key.length !== 32)
      throw new Error('DEVICE_KEKS: each entry must be id:key with a 32-byte key');
    if (keys.has(id)) throw new Error(`DEVICE_KEKS names the key id "${id}" twice`);
    keys.set(id, key);
  }
  if (!keys.has(current)) throw new Error('DEVICE_KEK_ID names no key of DEVICE_KEKS');
  return { current, keys };
}

/** What rewrapping did. */
export interface RewrapReport {
  kekId: string;
  rewrapped: number;
  alreadyCurrent: number;
}

/**
 * Per-subject data keys (256 bits), stored only wrapped (AES-256-GCM) by a key-encryption key (KEK)
 * from configuration, with the KEK's id beside it. Destroying the wrapped key row is crypto-shredding:
 * the subject's ciphertexts can no longer be opened by anyone. Rotation (`rewrapAll`) unwraps each data
 * key with its old KEK and wraps it with the current one: the images are never decrypted or rewritten.
 */
@Injectable()
export class DataKeys {
  private readonly logger = new Logger('DeviceDataKeys');
  private ring?: Promise<KeyRing>;

  constructor(
    private readonly config: AppConfig,
    private readonly uow: UnitOfWork,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Creates and stores the data key of a new subject (in the caller's transaction); returns it. */
  async create(subjectUuid: string): Promise<Buffer> {
    const ring = await this.keyRing();
    const key = randomBytes(32);
    await this.uow.manager.query(
      'insert into device_keys.subject_key (subject_id, kek_id, wrapped) values ($1, $2, $3)',
      [subjectUuid, ring.current, this.wrap(ring, ring.current, subjectUuid, key)],
    );
    return key;
  }

  /** The subject's data key, or null when it was destroyed (crypto-shredded) or never existed. */
  async find(subjectUuid: string, manager: EntityManager = this.uow.manager): Promise<Buffer | null> {
    const [row] = await manager.query<{ kek_id: string; wrapped: Buffer }[]>(
      'select kek_id, wrapped from device_keys.subject_key where subject_id = $1',
      [subjectUuid],
    );
    if (!row) return null;
    return this.unwrap(await this.keyRing(), row.kek_id, subjectUuid, row.wrapped);
  }

  /** Destroys the subject's data key: everything sealed under it is unreadable from now on. */
  async destroy(subjectUuids: readonly string[], manager: EntityManager = this.uow.manager): Promise<number> {
    if (subjectUuids.length === 0) return 0;
    // TypeORM answers a DELETE with [rows, count].
    const [, count] = await manager.query<[unknown[], number]>(
      'delete from device_keys.subject_key where subject_id = any($1::uuid[])',
      [subjectUuids],
    );
    return count;
  }

  /** Re-wraps every data key not under the current KEK, in batches; images are not touched. */
  async rewrapAll(batchSize = 500): Promise<RewrapReport> {
    return rewrapAllKeys(this.dataSource, await this.keyRing(), batchSize);
  }

  private wrap(ring: KeyRing, kekId: string, subjectUuid: string, key: Buffer): Buffer {
    return wrapKey(ring, kekId, subjectUuid, key);
  }

  private unwrap(ring: KeyRing, kekId: string, subjectUuid: string, wrapped: Buffer): Buffer {
    return unwrapKey(ring, kekId, subjectUuid, wrapped);
  }

  private keyRing(): Promise<KeyRing> {
    this.ring ??= this.resolve().catch((error: unknown) => {
      this.ring = undefined;
      throw error;
    });
    return this.ring;
  }

  private async resolve(): Promise<KeyRing> {
    const ring = await loadKeyRing(this.config, (sql, params) => this.dataSource.query(sql, params));
    if (!this.config.DEVICE_KEKS)
      this.logger.warn(
        'DEVICE_KEKS is not set: device data keys are wrapped by a key stored in the database, for development only',
      );
    return ring;
  }
}

type Query = <T>(sql: string, params: unknown[]) => Promise<T>;

/**
 * The key ring from DEVICE_KEKS / DEVICE_KEK_ID; without them (development and tests only; production
 * refuses) one random key kept in app_secret, shared by every instance on the database.
 */
export async function loadKeyRing(
  config: Pick<AppConfig, 'DEVICE_KEKS' | 'DEVICE_KEK_ID' | 'NODE_ENV'>,
  query: Query,
): Promise<KeyRing> {
  if (config.DEVICE_KEKS) return parseKeyRing(config.DEVICE_KEKS, config.DEVICE_KEK_ID);
  if (config.NODE_ENV === 'production') throw new Error('DEVICE_KEKS is required in production');
  const rows = await query<{ value: Buffer }[]>(
    `with created as (
       insert into app_secret (name, value) values ($1, $2) on conflict (name) do nothing returning value
     )
     select value from created
     union all
     select value from app_secret where name = $1
     limit 1`,
    [DEV_KEK_SECRET, randomBytes(32)],
  );
  return { current: DEV_KEK_ID, keys: new Map([[DEV_KEK_ID, rows[0].value]]) };
}

export function wrapKey(ring: KeyRing, kekId: string, subjectUuid: string, key: Buffer): Buffer {
  const kek = ring.keys.get(kekId);
  if (!kek) throw new Error(`unknown key-encryption key "${kekId}"`);
  return seal(kek, key, `device_subject_key:${subjectUuid}`);
}

export function unwrapKey(ring: KeyRing, kekId: string, subjectUuid: string, wrapped: Buffer): Buffer {
  const kek = ring.keys.get(kekId);
  if (!kek) throw new Error(`the key-encryption key "${kekId}" is not configured (DEVICE_KEKS)`);
  return open(kek, wrapped, `device_subject_key:${subjectUuid}`);
}

/**
 * Re-wraps every data key not under the ring's current KEK, in batches of `batchSize`, each batch in a
 * transaction of its own (rows locked, others skipped and taken by the next batch). Only the 32-byte
 * data keys are unwrapped and wrapped again: no image, result or email is read or rewritten.
 */
export async function rewrapAllKeys(
  dataSource: DataSource,
  ring: KeyRing,
  batchSize = 500,
): Promise<RewrapReport> {
  let rewrapped = 0;
  for (;;) {
    const done = await dataSource.transaction(async (manager) => {
      const rows = await manager.query<{ subject_id: string; kek_id: string; wrapped: Buffer }[]>(
        `select subject_id, kek_id, wrapped from device_keys.subject_key
          where kek_id <> $1 order by subject_id limit $2 for update skip locked`,
        [ring.current, batchSize],
      );
      for (const row of rows) {
        const key = unwrapKey(ring, row.kek_id, row.subject_id, row.wrapped);
        await manager.query(
          `update device_keys.subject_key set kek_id = $2, wrapped = $3, rewrapped_at = now() where subject_id = $1`,
          [row.subject_id, ring.current, wrapKey(ring, ring.current, row.subject_id, key)],
        );
      }
      return rows.length;
    });
    rewrapped += done;
    if (done < batchSize) break;
  }
  const [{ n }] = await dataSource.query<{ n: number }[]>(
    'select count(*)::int as n from device_keys.subject_key where kek_id = $1',
    [ring.current],
  );
  return { kekId: ring.current, rewrapped, alreadyCurrent: n - rewrapped };
}
