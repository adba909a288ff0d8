import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findPersonalData, scanCapture } from '../setup/log-leaks.mjs';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { orderBody, placeOrder, stockProducts } from '../orders/orders-fixtures.js';
import { signedInCustomer } from '../registration/helpers.js';

/**
 * The log capture of the e2e run (test/setup: every app logs at debug level into the run's capture
 * folder, and the global teardown fails the run on personal data in any line). Here: the scanner finds
 * each kind of personal data and nothing else, and an app driven through sign-up, failed sign-ins,
 * checkout with a SEPA mandate and a refused token writes none of it to its log.
 */
describe('log capture', () => {
  it('finds emails, IP addresses, names, IBANs and tokens, and not their masked forms', () => {
    const kinds = (line: string) => findPersonalData(line).map((f) => f.kind);
    expect(kinds('{"msg":"mail to erika.mustermann@example.org failed"}')).toEqual(['email']);
    expect(kinds('{"msg":"client 203.0.113.9 throttled"}')).toEqual(['ip']);
    expect(kinds('{"msg":"client 2001:db8::1 throttled"}')).toEqual(['ip']);
    expect(kinds('{"msg":"mandate for DE89 3704 0044 0532 0130 00"}')).toEqual(['iban']);
    expect(kinds('{"msg":"mandate for DE89370400440532013000"}')).toEqual(['iban']);
    expect(kinds('{"msg":"Bearer abcdefghijklmnopqrstuvwxyz012345"}')).toEqual(['token']);
    expect(kinds('{"t":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"}')).toEqual([
      'token',
    ]);
    expect(kinds('{"msg":"pi_123_secret_abcdefghijklmnop"}')).toEqual(['token']);
    expect(kinds('{"msg":"check for Jonas Weber declined"}')).toEqual(['name']);
    // Masked forms, ids and versions are no finding.
    expect(
      findPersonalData('{"msg":"[EMAIL] from [IP]: mandate DE89 **** **** **** **30 00","v":"20.19.4"}'),
    ).toEqual([]);
    expect(
      findPersonalData(`{"id":"${randomUUID()}","order":"SO-2026-000123","ref":"DE12ABCDEFGHIJKLMNOP"}`),
    ).toEqual([]);
  });

  describe('an app driven through the flows that handle the most personal data', () => {
    let dir: string;
    let t: TestApp;

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'log-capture-'));
      t = await startTestApp({ env: { LOG_LEVEL: 'trace', LOG_FILE: path.join(dir, 'app.ndjson') } });
    });
    afterAll(async () => {
      await t?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('writes none of it to the log', async () => {
      const customer = await signedInCustomer(t);
      for (let i = 0; i < 3; i++)
        await t.inject({
          method: 'POST',
          url: '/api/v1/shop/auth/login',
          payload: { email: customer.email, password: 'wrong-password-Erika-Mustermann' },
          remoteAddress: '203.0.113.77',
        });
      await t.inject({
        method: 'GET',
        url: '/api/v1/shop/me',
        headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.bm90LXZhbGlk' },
      });
      await stockProducts(t, [{ sku: 'LOG-CAPTURE', priceCents: 9000, stock: 100 }]);
      const placed = await placeOrder(
        t,
        orderBody([{ sku: 'LOG-CAPTURE', quantity: 1 }], {
          email: `erika.${randomUUID().slice(0, 8)}@example.org`,
          paymentMethod: 'sepa_debit',
        }),
        { 'idempotency-key': randomUUID(), 'x-forwarded-for': '198.51.100.23' },
      );
      expect(placed.statusCode).toBe(201);
      const order = placed.json<{ id: string; accessToken: string }>();
      const paid = await t.inject({
        method: 'POST',
        url: `/api/v1/shop/orders/${order.id}/payments?email=${encodeURIComponent(customer.email)}`,
        headers: { 'x-order-token': order.accessToken, 'idempotency-key': randomUUID() },
        payload: {
          sepaMandate: {
            iban: 'DE89 3704 0044 0532 0130 00',
            accountHolder: 'Erika Mustermann',
            accepted: true,
          },
        },
      });
      expect(paid.statusCode).toBeLessThan(500);
      const refused = await t.inject({
        method: 'POST',
        url: `/api/v1/shop/orders/${order.id}/payments`,
        headers: { 'x-order-token': 'not-the-token', 'idempotency-key': randomUUID() },
        payload: {
          sepaMandate: {
            iban: 'DE89 3704 0044 0532 0130 00',
            accountHolder: 'Erika Mustermann',
            accepted: true,
          },
        },
      });
      expect(refused.statusCode).toBeGreaterThanOrEqual(400);

      const written = await readFile(path.join(dir, 'app.ndjson'), 'utf8');
      // The log did record these requests (their paths and outcomes), just not who made them.
      expect(written).toContain('/api/v1/shop/auth/login');
      expect(written).toContain(`/api/v1/shop/orders/${order.id}/payments?email=[REDACTED]`);
      const { lines, findings } = await scanCapture(dir);
      expect(lines).toBeGreaterThan(50);
      expect(findings).toEqual([]);
    });
  });
});
