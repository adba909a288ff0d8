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
