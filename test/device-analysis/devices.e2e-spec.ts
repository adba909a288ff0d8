import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { staffToken, startTestApp, type TestApp } from '../helpers/test-app.js';
import { adminHeader, registerDevice } from './device-setup.js';

describe('device analysis: practices, devices and device credentials', () => {
  let t: TestApp;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminHeader(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('registers a practice as a partner of kind practice bound to the practices recipient', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/admin/device-practices',
      headers: admin,
      payload: { name: 'Praxis Dr. Beispiel' },
    });
    expect(res.statusCode).toBe(201);
    const { id } = res.json<{ id: string }>();
    const { rows } = await t.db.query('select kind, recipient_id from partner where id = $1', [id]);
    expect(rows[0]).toEqual({ kind: 'practice', recipient_id: 'doctor-practices' });
    const list = await t.inject({ method: 'GET', url: '/api/v1/admin/device-practices', headers: admin });
    expect(list.json<{ id: string }[]>().map((p) => p.id)).toContain(id);
  });

  it('only admins register practices and devices', async () => {
    const support = { authorization: `Bearer ${await staffToken(t, 'support')}` };
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/admin/device-practices',
      headers: support,
      payload: { name: 'Praxis Nebenan' },
    });
    expect(res.statusCode).toBe(403);
  });

  it('refuses a bad serial number and unknown fields naming the field, and a taken serial with 409', async () => {
    const { practiceId } = await registerDevice(t, admin);
    const bad = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/device-practices/${practiceId}/devices`,
      headers: admin,
      payload: { serialNumber: 'x y', owner: 'me' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const fields = bad.json<{ errors: { field: string }[] }>().errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['serialNumber', 'owner']));

    const first = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/device-practices/${practiceId}/devices`,
      headers: admin,
      payload: { serialNumber: 'DS200-TAKEN-1' },
    });
    expect(first.statusCode).toBe(201);
    const again = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/device-practices/${practiceId}/devices`,
      headers: admin,
      payload: { serialNumber: 'ds200-taken-1' },
    });
    expect(again.statusCode).toBe(409);
  });

  it('a device of an unknown practice, or of a partner that is no practice, is 404', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/admin/device-practices/00000000-0000-4000-8000-000000000000/devices',
      headers: admin,
      payload: { serialNumber: 'DS200-NOWHERE' },
    });
    expect(res.statusCode).toBe(404);
  });

  it('shows the credential once, stores only its hash, and the device authenticates with it', async () => {
    const device = await registerDevice(t, admin);
    const { rows } = await t.db.query('select prefix, secret_hash from device_credential where id = $1', [
      device.credentialId,
    ]);
    expect(rows[0].secret_hash).toBe(createHash('sha256').update(device.credential).digest('hex'));
    expect(rows[0].prefix).toBe(device.credential.slice(0, 8));
    const listed = await t.inject({
      method: 'GET',
      url: `/api/v1/admin/devices/${device.deviceId}/credentials`,
      headers: admin,
    });
    expect(listed.body).not.toContain(device.credential);

    const self = await t.inject({ method: 'GET', url: '/api/v1/device/self', headers: device.headers });
    expect(self.statusCode).toBe(200);
    expect(self.json()).toEqual({ deviceId: device.deviceId, practiceId: device.practiceId });
  });

  it('answers 401 problem+json for a missing, unknown or revoked credential', async () => {
    const device = await registerDevice(t, admin);
    const missing = await t.inject({ method: 'GET', url: '/api/v1/device/self' });
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    const unknown = await t.inject({
      method: 'GET',
      url: '/api/v1/device/self',
      headers: { 'x-device-key': 'A'.repeat(43) },
    });
    expect(unknown.statusCode).toBe(401);

    const revoke = await t.inject({
      method: 'DELETE',
      url: `/api/v1/admin/devices/${device.deviceId}/credentials/${device.credentialId}`,
      headers: admin,
    });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json<{ revokedAt: string | null }>().revokedAt).not.toBeNull();
    const revoked = await t.inject({ method: 'GET', url: '/api/v1/device/self', headers: device.headers });
    expect(revoked.statusCode).toBe(401);
  });

  it('scopes a credential to its device: revoking it leaves the other device of the practice working', async () => {
    const one = await registerDevice(t, admin);
    const two = await registerDevice(t, admin, one.practiceId);
    await t.inject({
      method: 'DELETE',
      url: `/api/v1/admin/devices/${one.deviceId}/credentials/${one.credentialId}`,
      headers: admin,
    });
    // The credential cannot be revoked through another device's path.
    const wrongPath = await t.inject({
      method: 'DELETE',
      url: `/api/v1/admin/devices/${one.deviceId}/credentials/${two.credentialId}`,
      headers: admin,
    });
    expect(wrongPath.statusCode).toBe(404);
    const res = await t.inject({ method: 'GET', url: '/api/v1/device/self', headers: two.headers });
    expect(res.json<{ deviceId: string }>().deviceId).toBe(two.deviceId);
  });

  it('a deactivated practice locks out its devices', async () => {
    const device = await registerDevice(t, admin);
    const off = await t.inject({
      method: 'PATCH',
      url: `/api/v1/admin/partners/${device.practiceId}`,
      headers: admin,
      payload: { active: false },
    });
    expect(off.statusCode).toBe(200);
    const res = await t.inject({ method: 'GET', url: '/api/v1/device/self', headers: device.headers });
    expect(res.statusCode).toBe(401);
  });
});
