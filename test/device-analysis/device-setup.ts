import { expect } from '@jest/globals';
import { staffToken, type TestApp } from '../helpers/test-app.js';

export interface RegisteredDevice {
  practiceId: string;
  deviceId: string;
  credentialId: string;
  credential: string;
  headers: Record<string, string>;
}

let serial = 0;

/** An admin's Authorization header (a real staff account). */
export async function adminHeader(t: TestApp): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await staffToken(t, 'admin')}` };
}

/** Registers a practice (or reuses `practiceId`), a device of it and a credential, through the admin API. */
export async function registerDevice(
  t: TestApp,
  admin: Record<string, string>,
  practiceId?: string,
): Promise<RegisteredDevice> {
  let practice = practiceId;
  if (!practice) {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/admin/device-practices',
      headers: admin,
      payload: { name: `Hautarztpraxis ${Date.now()}-${++serial}` },
    });
    expect(res.statusCode).toBe(201);
    practice = res.json<{ id: string }>().id;
  }
  const device = await t.inject({
    method: 'POST',
    url: `/api/v1/admin/device-practices/${practice}/devices`,
    headers: admin,
    payload: { serialNumber: `DS200-${process.pid}-${++serial}` },
  });
  expect(device.statusCode).toBe(201);
  const deviceId = device.json<{ id: string }>().id;
  const cred = await t.inject({
    method: 'POST',
    url: `/api/v1/admin/devices/${deviceId}/credentials`,
    headers: admin,
  });
  expect(cred.statusCode).toBe(201);
  const { id, credential } = cred.json<{ id: string; credential: string }>();
  return {
    practiceId: practice,
    deviceId,
    credentialId: id,
    credential,
    headers: { 'x-device-key': credential },
  };
}

export interface Part {
  name: string;
  value: Buffer | string;
  filename?: string;
  contentType?: string;
}

/** A multipart/form-data body as a browser or a device sends it. */
export function multipart(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----device${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: ${disposition}\r\n` +
          (part.contentType ? `content-type: ${part.contentType}\r\n` : '') +
          '\r\n',
      ),
      Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

export const validData = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  gender: 'female',
  age: 42,
  subjectReference: `R-${Math.random().toString(36).slice(2, 12)}`,
  patientEmail: 'patient@example.org',
  consent: {
    wordingVersion: 'device-consent-2026-01',
    givenAt: new Date(Date.now() - 60_000).toISOString(),
    practiceStaffReference: 'MFA-07',
    purposes: ['device-analysis', 'device-improvement'],
  },
  ...over,
});

/** Uploads `image` with `data` as `device`; returns the raw response. */
export function upload(
  t: TestApp,
  device: RegisteredDevice,
  image: Buffer,
  data: unknown,
  imageMeta: { filename?: string; contentType?: string } = {
    filename: 'face.jpg',
    contentType: 'image/jpeg',
  },
) {
  const body = multipart([
    {
      name: 'image',
      value: image,
      filename: imageMeta.filename ?? 'face.jpg',
      contentType: imageMeta.contentType,
    },
    { name: 'data', value: JSON.stringify(data) },
  ]);
  return t.inject({
    method: 'POST',
    url: '/api/v1/device/analyses',
    headers: { ...device.headers, ...body.headers },
    payload: body.payload,
  });
}
