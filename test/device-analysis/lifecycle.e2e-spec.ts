import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConsentLedger, RetentionSweep, RightsService } from '@app/privacy';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { AppConfig, validateConfig } from '../../src/config/app-config.js';
import { open } from '../../src/modules/device-analysis/envelope.js';
import { loadKeyRing, rewrapAllKeys } from '../../src/modules/device-analysis/index.js';
import { rewrapDeviceKeys } from '../../scripts/device-rewrap-keys.js';
import { staffToken, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { adminHeader, registerDevice, upload, validData, type RegisteredDevice } from './device-setup.js';
import { faceJpeg } from './face-image.js';

const DAY_MS = 86_400_000;
const OLD_KEK = randomBytes(32).toString('hex');
const NEW_KEK = randomBytes(32).toString('base64');

interface Created {
  id: string;
  subjectReference: string;
}

describe('device analysis: statistics, retention, withdrawal, rights and key rotation', () => {
  let db: TestDatabase;
  let t: TestApp;
  let admin: Record<string, string>;
  let device: RegisteredDevice;
  let jpeg: Buffer;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({
      db,
      env: { DEVICE_KEKS: `old:${OLD_KEK}`, DEVICE_KEK_ID: 'old', DEVICE_STATS_MIN_GROUP: '3' },
    });
    admin = await adminHeader(t);
    device = await registerDevice(t, admin);
    jpeg = await faceJpeg(300, 400);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const send = async (
    over: Record<string, unknown> = {},
    purposes = ['device-analysis', 'device-improvement'],
  ) => {
    const base = validData(over);
    const res = await upload(t, device, jpeg, {
      ...base,
      consent: { ...(base.consent as object), purposes },
    });
    expect(res.statusCode).toBe(201);
    return res.json<Created>();
  };
  const subjectOf = async (reference: string): Promise<string> =>
    (await t.db.query('select id from device_subject where reference = $1', [reference])).rows[0]
      ?.id as string;
  const withdraw = (subjectReference: string, purposes: string[]) =>
    t.inject({
      method: 'POST',
      url: '/api/v1/device/consent-withdrawals',
      headers: device.headers,
      payload: { subjectReference, purposes },
    });
  const staff = async () => ({ authorization: `Bearer ${await staffToken(t, 'support')}` });

  it('publishes improvement aggregates only for groups of enough subjects, only with that consent', async () => {
    for (let i = 0; i < 3; i++) await send({ gender: 'male', age: 34 + i });
    for (let i = 0; i < 2; i++) await send({ gender: 'diverse', age: 61 });
    await send({ gender: 'male', age: 35 }, ['device-analysis']); // no improvement consent: not counted
    const res = await t.inject({
      method: 'GET',
      url: '/api/v1/admin/device-analyses/statistics',
      headers: await staff(),
    });
    expect(res.statusCode).toBe(200);
    const report = res.json<{
      minGroupSize: number;
      suppressedGroups: number;
      groups: { gender: string; ageBand: string; subjects: number }[];
    }>();
    expect(report.minGroupSize).toBe(3);
    const male = report.groups.find((g) => g.gender === 'male' && g.ageBand === '30-39');
    expect(male?.subjects).toBe(3);
    expect(report.groups.find((g) => g.gender === 'diverse')).toBeUndefined();
    expect(report.suppressedGroups).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(report)).not.toMatch(/R-|device-subject|base64/);
  });

  it('withdrawing the improvement consent removes the contribution and keeps the analysis', async () => {
    const a = await send({ gender: 'male', age: 38 });
    const subject = await subjectOf(a.subjectReference);
    const before = await t.db.query(
      'select count(*)::int as n from device_improvement_sample where subject_id = $1',
      [subject],
    );
    expect(before.rows[0].n).toBe(1);
    const res = await withdraw(a.subjectReference, ['device-improvement']);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ withdrawn: ['device-improvement'], shredded: false });
    const after = await t.db.query(
      'select count(*)::int as n from device_improvement_sample where subject_id = $1',
      [subject],
    );
    expect(after.rows[0].n).toBe(0);
    const read = await t.inject({
      method: 'GET',
      url: `/api/v1/device/analyses/${a.id}`,
      headers: device.headers,
    });
    expect(read.statusCode).toBe(200);
  });

  it('withdrawing the analysis consent crypto-shreds: the stored ciphertext can no longer be decrypted', async () => {
    const a = await send();
    const subject = await subjectOf(a.subjectReference);
    // What a backup of the data tables would hold.
    const backup = (
      await t.db.query('select image_ct, payload_ct from device_analysis where id = $1', [a.id])
    ).rows[0] as {
      image_ct: Buffer;
      payload_ct: Buffer;
    };
    const ring = await loadKeyRing(
      t.app.get(AppConfig),
      async (sql, params) => (await t.db.query(sql, params)).rows as never,
    );
    const wrappedBefore = (
      await t.db.query('select kek_id, wrapped from device_keys.subject_key where subject_id = $1', [subject])
    ).rows[0];
    expect(wrappedBefore).toBeDefined();
    // Sanity: before the withdrawal the key opens it.
    const keyBefore = open(
      ring.keys.get('old')!,
      wrappedBefore.wrapped as Buffer,
      `device_subject_key:${subject}`,
    );
    expect(open(keyBefore, backup.image_ct, `device_analysis:${a.id}:image`).subarray(0, 2)).toEqual(
      Buffer.from([0xff, 0xd8]),
    );

    const res = await withdraw(a.subjectReference, ['device-analysis']);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ withdrawn: ['device-analysis', 'device-improvement'], shredded: true });

    // The key is gone with the answer; the rows follow right after the commit.
    expect(
      (await t.db.query('select 1 from device_keys.subject_key where subject_id = $1', [subject])).rowCount,
    ).toBe(0);
    const gone = async (): Promise<boolean> =>
      (await t.db.query('select 1 from device_analysis where id = $1', [a.id])).rowCount === 0 &&
      (await t.db.query('select 1 from device_subject where id = $1', [subject])).rowCount === 0;
    for (let i = 0; i < 50 && !(await gone()); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await gone()).toBe(true);
    // Try every data key the system still holds: none opens the backed-up ciphertexts.
    const remaining = (await t.db.query('select subject_id, kek_id, wrapped from device_keys.subject_key'))
      .rows as {
      subject_id: string;
      kek_id: string;
      wrapped: Buffer;
    }[];
    expect(remaining.length).toBeGreaterThan(0);
    for (const k of remaining) {
      const key = open(ring.keys.get(k.kek_id)!, k.wrapped, `device_subject_key:${k.subject_id}`);
      expect(() => open(key, backup.image_ct, `device_analysis:${a.id}:image`)).toThrow();
      expect(() => open(key, backup.payload_ct, `device_analysis:${a.id}:payload`)).toThrow();
    }
    // The practice's read is now 404, and the ledger shows both withdrawals.
    const read = await t.inject({
      method: 'GET',
      url: `/api/v1/device/analyses/${a.id}`,
      headers: device.headers,
    });
    expect(read.statusCode).toBe(404);
    const ledger = await t.db.query(
      `select purpose, action from privacy.consent_event where subject_id = $1 order by id`,
      [`device-subject:${subject}`],
    );
    expect(
      ledger.rows
        .filter((r) => r.action === 'withdraw')
        .map((r) => r.purpose as string)
        .sort(),
    ).toEqual(['device-analysis', 'device-improvement']);
  });

  it('a withdrawal made through a privacy request is crypto-shredded by the next sweep; reads stop at once', async () => {
    const a = await send();
    const b = await send();
    const subjectA = await subjectOf(a.subjectReference);
    const subjectB = await subjectOf(b.subjectReference);
    const ledger = t.app.get(ConsentLedger);
    await ledger.withdraw({
      subjectId: `device-subject:${subjectA}`,
      purpose: 'device-analysis',
      channel: 'privacy-request',
    });
    await ledger.withdraw({
      subjectId: `device-subject:${subjectB}`,
      purpose: 'device-improvement',
      channel: 'privacy-request',
    });
    // Before the sweep: the practice can no longer read the analysis whose consent ended.
    const read = await t.inject({
      method: 'GET',
      url: `/api/v1/device/analyses/${a.id}`,
      headers: device.headers,
    });
    expect(read.statusCode).toBe(404);
    await t.app.get(RetentionSweep).runSweep(new Date());
    expect((await t.db.query('select 1 from device_subject where id = $1', [subjectA])).rowCount).toBe(0);
    expect(
      (await t.db.query('select 1 from device_keys.subject_key where subject_id = $1', [subjectA])).rowCount,
    ).toBe(0);
    expect(
      (await t.db.query('select 1 from device_improvement_sample where subject_id = $1', [subjectB]))
        .rowCount,
    ).toBe(0);
    expect((await t.db.query('select 1 from device_analysis where id = $1', [b.id])).rowCount).toBe(1);
  });

  it('the sweep deletes the rows of a subject whose key was destroyed but whose rows were left behind', async () => {
    const a = await send();
    const subject = await subjectOf(a.subjectReference);
    // As if the process died between the key's commit and the deletion of the rows.
    await t.db.query('delete from device_keys.subject_key where subject_id = $1', [subject]);
    const read = await t.inject({
      method: 'GET',
      url: `/api/v1/device/analyses/${a.id}`,
      headers: device.headers,
    });
    expect(read.statusCode).toBe(404);
    await t.app.get(RetentionSweep).runSweep(new Date());
    expect((await t.db.query('select 1 from device_subject where id = $1', [subject])).rowCount).toBe(0);
    expect((await t.db.query('select 1 from device_analysis where id = $1', [a.id])).rowCount).toBe(0);
  });

  it('the Art. 15 copy holds the image itself; the erasure crypto-shreds', async () => {
    const a = await send({ patientEmail: 'copy@example.org' });
    const subjectId = `device-subject:${await subjectOf(a.subjectReference)}`;
    const rights = t.app.get(RightsService);
    const copy = await rights.exportSubject(subjectId);
    const section = copy.sections.find((s) => s.exporter === 'device-analysis');
    expect(section?.categories).toEqual(expect.arrayContaining(['health.skin-face-image', 'contact.email']));
    const image = section?.records.find((r) => r.recordType === 'device_analysis_image');
    const bytes = Buffer.from(image?.data.base64 as string, 'base64');
    expect((await sharp(bytes).metadata()).format).toBe('jpeg');
    expect(section?.records.find((r) => r.recordType === 'device_subject')?.data.patientEmail).toBe(
      'copy@example.org',
    );
    const audit = await t.db.query(`select action from privacy.access_audit_log where subject_id = $1`, [
      subjectId,
    ]);
    expect(audit.rows.map((r) => r.action as string)).toContain('decrypt:rights-export');

    const report = await rights.eraseSubject(subjectId);
    expect(report.complete).toBe(true);
    expect((await t.db.query('select 1 from device_analysis where id = $1', [a.id])).rowCount).toBe(0);
    expect(
      (
        await t.db.query("select 1 from device_keys.subject_key where 'device-subject:' || subject_id = $1", [
          subjectId,
        ])
      ).rowCount,
    ).toBe(0);
  });

  it('retention: images go after the image period unless the improvement consent keeps them; results after theirs', async () => {
    const plain = await send({}, ['device-analysis']);
    const kept = await send();
    const sweep = t.app.get(RetentionSweep);
    await sweep.runSweep(new Date(Date.now() + 29 * DAY_MS));
    const image = async (id: string) =>
      (
        await t.db.query(
          'select image_ct is not null as has, image_deleted_at from device_analysis where id = $1',
          [id],
        )
      ).rows[0] as { has: boolean; image_deleted_at: Date | null } | undefined;
    expect((await image(plain.id))?.has).toBe(true);
    await sweep.runSweep(new Date(Date.now() + 31 * DAY_MS));
    expect(await image(plain.id)).toMatchObject({ has: false });
    expect((await image(plain.id))?.image_deleted_at).not.toBeNull();
    expect((await image(kept.id))?.has).toBe(true);
    // The result is still readable without its image.
    const read = await t.inject({
      method: 'GET',
      url: `/api/v1/device/analyses/${plain.id}`,
      headers: device.headers,
    });
    expect(read.statusCode).toBe(200);

    await sweep.runSweep(new Date(Date.now() + 366 * DAY_MS));
    expect(await image(plain.id)).toBeUndefined();
    expect(await image(kept.id)).toBeUndefined();
    expect(await subjectOf(plain.subjectReference)).toBeUndefined();
    const keys = await t.db.query('select count(*)::int as n from device_keys.subject_key');
    const subjects = await t.db.query('select count(*)::int as n from device_subject');
    expect(keys.rows[0].n).toBe(subjects.rows[0].n);
  });

  it('device:rewrap-keys moves every data key to the new KEK without touching a ciphertext', async () => {
    const a = await send();
    const before = (await t.db.query('select id, image_ct, payload_ct from device_analysis order by id'))
      .rows as {
      id: string;
      image_ct: Buffer | null;
      payload_ct: Buffer;
    }[];
    const rotated = {
      NODE_ENV: 'test' as const,
      DEVICE_KEKS: `old:${OLD_KEK},new:${NEW_KEK}`,
      DEVICE_KEK_ID: 'new',
    };
    const report = await rewrapDeviceKeys(db.url, rotated);
    expect(report.kekId).toBe('new');
    expect(report.rewrapped).toBeGreaterThan(0);
    const kekIds = await t.db.query('select distinct kek_id from device_keys.subject_key');
    expect(kekIds.rows).toEqual([{ kek_id: 'new' }]);
    const after = (await t.db.query('select id, image_ct, payload_ct from device_analysis order by id')).rows;
    expect(after).toEqual(before);
    // Run again: nothing left to do.
    expect((await rewrapDeviceKeys(db.url, rotated)).rewrapped).toBe(0);

    // The application restarted with only the new KEK reads the analysis.
    await t.close();
    t = await startTestApp({ db, env: { DEVICE_KEKS: `new:${NEW_KEK}`, DEVICE_KEK_ID: 'new' } });
    const read = await t.inject({
      method: 'GET',
      url: `/api/v1/device/analyses/${a.id}`,
      headers: device.headers,
    });
    expect(read.statusCode).toBe(200);
    // rewrapAllKeys is the same code the command runs; with only the new key nothing is left.
    const ring = await loadKeyRing(
      validateConfig({
        NODE_ENV: 'test',
        DATABASE_URL: db.url,
        DEVICE_KEKS: `new:${NEW_KEK}`,
        DEVICE_KEK_ID: 'new',
      }),
      () => Promise.reject(new Error('not needed')),
    );
    expect((await rewrapAllKeys(t.app.get(DataSource), ring)).rewrapped).toBe(0);
  });
});
