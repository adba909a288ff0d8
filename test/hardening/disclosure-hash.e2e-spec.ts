import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Discloser } from '@app/privacy';
import { createHmac, randomBytes } from 'node:crypto';
import { canonicalJson } from '../../libs/privacy/src/registry/canonical-json.js';
import { validateConfig } from '../../src/config/app-config.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('the disclosure log keeps a keyed hash of each payload (PRIVACY_DISCLOSURE_HASH_KEY)', () => {
  const key = randomBytes(32);
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { PRIVACY_DISCLOSURE_HASH_KEY: key.toString('hex') } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is HMAC-SHA256 under the configured key of the canonical JSON', () => {
    const payload = { postalCode: '47877', name: 'Erika Mustermann' };
    const expected = createHmac('sha256', key).update(canonicalJson(payload)).digest('hex');
    expect(t.app.get(Discloser).payloadHash(payload)).toBe(expected);
    // Key order does not matter (canonical JSON); another key gives another hash.
    expect(t.app.get(Discloser).payloadHash({ name: 'Erika Mustermann', postalCode: '47877' })).toBe(
      expected,
    );
    expect(createHmac('sha256', randomBytes(32)).update(canonicalJson(payload)).digest('hex')).not.toBe(
      expected,
    );
  });

  it('must be 32 bytes (hex or base64); production refuses to start without it', () => {
    expect(() => validateConfig({ NODE_ENV: 'test', PRIVACY_DISCLOSURE_HASH_KEY: 'short' })).toThrow(
      /PRIVACY_DISCLOSURE_HASH_KEY/,
    );
  });
});
