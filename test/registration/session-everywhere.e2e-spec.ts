import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { orderBody, placeOrder, stockProducts } from '../orders/orders-fixtures.js';

/** Signing out ends access at once on every module's customer routes, not only registration's. */
describe('a signed-out access token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await stockProducts(t, [{ sku: 'SESSION-1', priceCents: 1000, stock: 10 }]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is refused by orders, privacy requests and the profile after logout', async () => {
    const email = `session-${randomUUID()}@example.org`;
    const password = 'Correct-horse-battery-42';
    expect(
      (
        await t.inject({
          method: 'POST',
          url: '/api/v1/shop/customers',
          payload: { email, password, firstName: 'Erika', lastName: 'Mustermann' },
        })
      ).statusCode,
    ).toBe(202);
    const login = await t.inject({
      method: 'POST',
      url: '/api/v1/shop/auth/login',
      payload: { email, password },
    });
    const { accessToken, refreshToken } = login.json();
    const auth = { authorization: `Bearer ${accessToken}` };

    expect(
      (await t.inject({ method: 'GET', url: '/api/v1/shop/privacy-requests', headers: auth })).statusCode,
    ).toBe(200);
    expect(
      (
        await placeOrder(t, orderBody([{ sku: 'SESSION-1', quantity: 1 }]), {
          ...auth,
          'idempotency-key': randomUUID(),
        })
      ).statusCode,
    ).toBe(201);

    expect(
      (await t.inject({ method: 'POST', url: '/api/v1/shop/auth/logout', payload: { refreshToken } }))
        .statusCode,
    ).toBe(204);

    expect(
      (await t.inject({ method: 'GET', url: '/api/v1/shop/privacy-requests', headers: auth })).statusCode,
    ).toBe(401);
    expect((await t.inject({ method: 'GET', url: '/api/v1/shop/me', headers: auth })).statusCode).toBe(401);
    const order = await placeOrder(t, orderBody([{ sku: 'SESSION-1', quantity: 1 }]), {
      ...auth,
      'idempotency-key': randomUUID(),
    });
    expect(order.statusCode).toBe(401);
    expect(order.json().detail).toMatch(/session has ended/);
  });
});
