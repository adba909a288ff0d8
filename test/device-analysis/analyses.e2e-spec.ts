import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { staffToken, startTestApp, type TestApp } from '../helpers/test-app.js';
import {
  adminHeader,
  multipart,
  registerDevice,
  upload,
  validData,
  type RegisteredDevice,
} from './device-setup.js';
import { faceJpeg, facePixels, facePng } from './face-image.js';

const JPEG_SOI = Buffer.from([0xff, 0xd8, 0xff]);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Analysis {
  id: string;
  subjectReference: string;
  gender: string;
  age: number;
  result: { itaDeg: number; skinTone: string; darkSpots: { count: number }; algorithm: string };
}

describe('device analysis: uploads and reads', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let device: RegisteredDevice;
  let samePracticeDevice: RegisteredDevice;
  let otherPractice: RegisteredDevice;
  let jpeg: Buffer;

  beforeAll(async () => {
    t = await startTestApp({
      env: { DEVICE_IMAGE_MAX_BYTES: '400000', DEVICE_IMAGE_MAX_PIXELS: '2000000' },
    });
    admin = await adminHeader(t);
    device = await registerDevice(t, admin);
    samePracticeDevice = await registerDevice(t, admin, device.practiceId);
    otherPractice = await registerDevice(t, admin);
    jpeg = await faceJpeg();
  });
  afterAll(async () => {
    await t?.close();
  });

  const counts = async () => {
    const { rows } = await t.db.query(
      `select (select count(*) from device_subject)::int as subjects,
              (select count(*) from device_analysis)::int as analyses,
              (select count(*) from device_keys.subject_key)::int as keys,
              (select count(*) from device_improvement_sample)::int as samples,
              (select count(*) from privacy.consent_event where subject_id like 'device-subject:%')::int as consents`,
    );
    return rows[0] as Record<string, number>;
  };

  it('stores a photo with EXIF GPS only encrypted and without metadata; the practice reads the result', async () => {
    const data = validData();
    const res = await upload(t, device, jpeg, data);
    expect(res.statusCode).toBe(201);
    const created = res.json<Analysis>();
    expect(created).toMatchObject({ subjectReference: data.subjectReference, gender: 'female', age: 42 });
    expect(created.result.algorithm).toBe('skin-metrics/1');
    expect(created.result.darkSpots.count).toBe(3);

    const { rows } = await t.db.query('select * from device_analysis where id = $1', [created.id]);
    const row = rows[0] as Record<string, unknown>;
    const stored = row.image_ct as Buffer;
    // Not an image: no JPEG or PNG signature, no EXIF block, none of the camera's strings, no plaintext.
    expect(stored.subarray(0, 3).equals(JPEG_SOI)).toBe(false);
    expect(stored.includes(Buffer.from([0xff, 0xd8, 0xff, 0xdb]))).toBe(false);
    expect(stored.includes(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe(false);
    expect(stored.includes(Buffer.from([0xff, 0xd8, 0xff, 0xe1]))).toBe(false);
    expect(stored.includes(PNG_SIGNATURE)).toBe(false);
    const everything = Buffer.concat(
      Object.values(row).map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(String(v)))),
    );
    for (const marker of [
      'Exif\0\0',
      'JFIF',
      'PracticeOwnerName',
      'DermaScopeCam',
      'female',
      'patient@example.org',
    ])
      expect(everything.includes(Buffer.from(marker, 'latin1'))).toBe(false);
    const subject = (await t.db.query('select * from device_subject where id = $1', [row.subject_id]))
      .rows[0];
    expect(Buffer.from(JSON.stringify(subject)).includes(Buffer.from('patient@example.org'))).toBe(false);

    // The privacy officer sees the stored image: a clean JPEG, no EXIF, no GPS.
    const officer = { authorization: `Bearer ${await staffToken(t, 'privacy-officer')}` };
    const image = await t.inject({
      method: 'GET',
      url: `/api/v1/admin/device-analyses/${created.id}/image`,
      headers: officer,
    });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/jpeg');
    const clean = image.rawPayload;
    expect(clean.subarray(0, 3).equals(JPEG_SOI)).toBe(true);
    const meta = await sharp(clean).metadata();
    expect(meta.exif).toBeUndefined();
    expect(clean.includes(Buffer.from('PracticeOwnerName'))).toBe(false);
    // ... and the stored bytes are not that image in the clear anywhere.
    expect(stored.includes(clean.subarray(200, 264))).toBe(false);

    const read = await t.inject({
      method: 'GET',
      url: `/api/v1/device/analyses/${created.id}`,
      headers: device.headers,
    });
    expect(read.statusCode).toBe(200);
    expect(read.json<Analysis>()).toEqual(created);
    // The practice's second device reads the practice's analyses too; another practice gets 404.
    const viaOtherDevice = await t.inject({
      method: 'GET',
      url: `/api/v1/device/analyses/${created.id}`,
      headers: samePracticeDevice.headers,
    });
    expect(viaOtherDevice.statusCode).toBe(200);
    for (const url of [
      `/api/v1/device/analyses/${created.id}`,
      `/api/v1/device/analyses/${created.id}/report`,
    ]) {
      const foreign = await t.inject({ method: 'GET', url, headers: otherPractice.headers });
      expect(foreign.statusCode).toBe(404);
      expect(foreign.headers['content-type']).toContain('application/problem+json');
    }

    // Every decryption is in the audit log with the actor and the reason.
    const audit = await t.db.query(
      `select action, actor_type, actor_id, actor_role from privacy.access_audit_log where subject_id = $1 order by seq`,
      [`device-subject:${row.subject_id as string}`],
    );
    expect(audit.rows.map((r) => r.action as string)).toEqual([
      'decrypt:staff-image-read',
      'decrypt:practice-read',
      'decrypt:practice-read',
    ]);
    expect(audit.rows[1]).toMatchObject({
      actor_type: 'partner',
      actor_id: device.practiceId,
      actor_role: `device:${device.deviceId}`,
    });
    expect(audit.rows[0]).toMatchObject({ actor_type: 'staff', actor_role: 'privacy-officer' });
  });

  it('takes a PNG too and re-encodes it as PNG', async () => {
    const res = await upload(t, device, await facePng(), validData(), {
      filename: 'face.png',
      contentType: 'image/png',
    });
    expect(res.statusCode).toBe(201);
    const { rows } = await t.db.query('select image_format, image_ct from device_analysis where id = $1', [
      res.json<Analysis>().id,
    ]);
    expect(rows[0].image_format).toBe('png');
    expect((rows[0].image_ct as Buffer).includes(PNG_SIGNATURE)).toBe(false);
  });

  it('records the consents in the ledger with wording, time and staff reference', async () => {
    const data = validData({
      consent: { ...(validData().consent as object), purposes: ['device-analysis'] },
    });
    const res = await upload(t, device, jpeg, data);
    expect(res.statusCode).toBe(201);
    const { rows } = await t.db.query(
      `select e.purpose, e.action, e.wording_version, e.channel, e.evidence
         from privacy.consent_event e join device_subject s on e.subject_id = 'device-subject:' || s.id
        where s.reference = $1`,
      [data.subjectReference],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      purpose: 'device-analysis',
      action: 'grant',
      wording_version: 'device-consent-2026-01',
      channel: 'device',
      evidence: { practiceStaffReference: 'MFA-07', deviceId: device.deviceId },
    });
    // No improvement consent: no statistics sample.
    const samples = await t.db.query(
      'select count(*)::int as n from device_improvement_sample where analysis_id = $1',
      [res.json<Analysis>().id],
    );
    expect(samples.rows[0].n).toBe(0);
  });

  it("another practice's reference is refused with 409 naming the field, and nothing is stored", async () => {
    const data = validData();
    expect((await upload(t, device, jpeg, data)).statusCode).toBe(201);
    const before = await counts();
    const res = await upload(
      t,
      otherPractice,
      jpeg,
      validData({ subjectReference: String(data.subjectReference).toLowerCase() }),
    );
    expect(res.statusCode).toBe(409);
    expect(res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual([
      'subjectReference',
    ]);
    expect(await counts()).toEqual(before);
    // The same practice's next analysis of the patient joins the same subject.
    expect((await upload(t, samePracticeDevice, jpeg, data)).statusCode).toBe(201);
    const { rows } = await t.db.query(
      'select count(*)::int as n from device_analysis a join device_subject s on s.id = a.subject_id where s.reference = $1',
      [data.subjectReference],
    );
    expect(rows[0].n).toBe(2);
  });

  it('renders a printable HTML report with every value escaped', async () => {
    const res = await upload(t, device, jpeg, validData());
    const id = res.json<Analysis>().id;
    const report = await t.inject({
      method: 'GET',
      url: `/api/v1/device/analyses/${id}/report`,
      headers: device.headers,
    });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toContain('text/html');
    expect(report.headers['content-security-policy']).toContain("default-src 'none'");
    expect(report.body).toContain('ITA°');
    expect(report.body).toContain('not a diagnosis');
    expect(report.body).not.toContain('<script');
  });

  it('staff without the privacy-officer role do not see images; their result reads are audited', async () => {
    const res = await upload(t, device, jpeg, validData());
    const id = res.json<Analysis>().id;
    const support = { authorization: `Bearer ${await staffToken(t, 'support')}` };
    const adminImage = await t.inject({
      method: 'GET',
      url: `/api/v1/admin/device-analyses/${id}/image`,
      headers: admin,
    });
    expect(adminImage.statusCode).toBe(403);
    const supportImage = await t.inject({
      method: 'GET',
      url: `/api/v1/admin/device-analyses/${id}/image`,
      headers: support,
    });
    expect(supportImage.statusCode).toBe(403);
    const result = await t.inject({
      method: 'GET',
      url: `/api/v1/admin/device-analyses/${id}`,
      headers: support,
    });
    expect(result.statusCode).toBe(200);
    expect(result.json()).not.toHaveProperty('image');
    const { rows } = await t.db.query(
      `select action from privacy.access_audit_log where action like 'decrypt:%' and actor_role = 'support'`,
    );
    expect(rows.map((r) => r.action as string)).toEqual(['decrypt:staff-read']);
  });

  it('a revoked or unknown device gets 401 and stores nothing', async () => {
    const revoked = await registerDevice(t, admin);
    await t.inject({
      method: 'DELETE',
      url: `/api/v1/admin/devices/${revoked.deviceId}/credentials/${revoked.credentialId}`,
      headers: admin,
    });
    const before = await counts();
    expect((await upload(t, revoked, jpeg, validData())).statusCode).toBe(401);
    const unknown = { ...revoked, headers: { 'x-device-key': 'B'.repeat(43) } };
    expect((await upload(t, unknown, jpeg, validData())).statusCode).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it('a failure late in the transaction (the statistics insert) leaves no subject, key, consent or analysis', async () => {
    // A trigger of this test refuses the last insert of the upload, after everything else was written.
    await t.db.query(`create function refuse_sample() returns trigger language plpgsql as $$
      begin raise exception 'refused by the test'; end $$`);
    await t.db.query(
      `create trigger refuse_sample before insert on device_improvement_sample for each row execute function refuse_sample()`,
    );
    try {
      const before = await counts();
      const res = await upload(t, device, jpeg, validData());
      expect(res.statusCode).toBe(500);
      expect(await counts()).toEqual(before);
    } finally {
      await t.db.query('drop trigger refuse_sample on device_improvement_sample');
      await t.db.query('drop function refuse_sample()');
    }
  });

  describe('bad input: 4xx problem+json naming the field, nothing stored', () => {
    const consent = () => validData().consent as Record<string, unknown>;
    type Input = { image?: Buffer; data?: unknown; meta?: { filename?: string; contentType?: string } };
    const cases: [string, () => Input | Promise<Input>, number, string][] = [
      ['missing consent', () => ({ data: { ...validData(), consent: undefined } }), 400, 'consent'],
      [
        'consent without its time',
        () => ({ data: validData({ consent: { ...consent(), givenAt: undefined } }) }),
        400,
        'consent.givenAt',
      ],
      [
        'consent without staff reference',
        () => ({ data: validData({ consent: { ...consent(), practiceStaffReference: undefined } }) }),
        400,
        'consent.practiceStaffReference',
      ],
      [
        'consent of an unknown wording',
        () => ({ data: validData({ consent: { ...consent(), wordingVersion: 'v0' } }) }),
        400,
        'consent.wordingVersion',
      ],
      [
        'consent without the analysis purpose',
        () => ({ data: validData({ consent: { ...consent(), purposes: ['device-improvement'] } }) }),
        400,
        'consent.purposes',
      ],
      [
        'consent with an unknown purpose',
        () => ({
          data: validData({ consent: { ...consent(), purposes: ['device-analysis', 'marketing'] } }),
        }),
        400,
        'consent.purposes',
      ],
      ['age above 120', () => ({ data: validData({ age: 121 }) }), 400, 'age'],
      ['age below 0', () => ({ data: validData({ age: -1 }) }), 400, 'age'],
      ['age not whole', () => ({ data: validData({ age: 41.5 }) }), 400, 'age'],
      ['unknown gender', () => ({ data: validData({ gender: 'other' }) }), 400, 'gender'],
      [
        'a patient name (not taken)',
        () => ({ data: validData({ patientName: 'Erika Mustermann' }) }),
        400,
        'patientName',
      ],
      [
        'a bad subject reference',
        () => ({ data: validData({ subjectReference: 'a b' }) }),
        400,
        'subjectReference',
      ],
      [
        'a GIF named .jpg and sent as image/jpeg',
        async () => ({
          image: await sharp(facePixels(60, 80), { raw: { width: 60, height: 80, channels: 3 } })
            .gif()
            .toBuffer(),
        }),
        415,
        'image',
      ],
      [
        'text bytes named .png',
        () => ({
          image: Buffer.from('not an image at all'.repeat(10)),
          meta: { filename: 'x.png', contentType: 'image/png' },
        }),
        415,
        'image',
      ],
      [
        'a JPEG header on garbage',
        () => ({
          image: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5000, 7)]),
        }),
        400,
        'image',
      ],
      [
        'an image over the byte limit',
        async () => ({ image: Buffer.concat([await faceJpeg(), Buffer.alloc(400_000)]) }),
        413,
        'image',
      ],
      [
        'an image over the pixel limit (a decompression bomb)',
        async () => ({
          image: await sharp({ create: { width: 4000, height: 4000, channels: 3, background: '#e0ac8c' } })
            .png()
            .toBuffer(),
        }),
        413,
        'image',
      ],
      [
        'an image without skin',
        async () => ({
          image: await sharp({ create: { width: 300, height: 300, channels: 3, background: '#2050a0' } })
            .jpeg()
            .toBuffer(),
        }),
        422,
        'image',
      ],
    ];

    it.each(cases)('%s', async (_name, make, status, field) => {
      const before = await counts();
      const { image, data, meta } = await make();
      const res = await upload(t, device, image ?? jpeg, data ?? validData(), meta);
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const body = res.json<{ errors?: { field: string }[] }>();
      expect(body.errors?.map((e) => e.field)).toContain(field);
      expect(res.body).not.toContain('Erika');
      expect(await counts()).toEqual(before);
    });

    it('a request without the image part, or not multipart, names what is missing', async () => {
      const before = await counts();
      const noImage = multipart([{ name: 'data', value: JSON.stringify(validData()) }]);
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/device/analyses',
        headers: { ...device.headers, ...noImage.headers },
        payload: noImage.payload,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(['image']);
      const json = await t.inject({
        method: 'POST',
        url: '/api/v1/device/analyses',
        headers: device.headers,
        payload: validData(),
      });
      expect(json.statusCode).toBe(415);
      expect(await counts()).toEqual(before);
    });
  });
});
