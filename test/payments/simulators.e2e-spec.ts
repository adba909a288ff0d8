import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { eventually, orderStatus, placeGuestOrder, PRODUCTS, startPayment } from './payments-fixtures.js';

async function stock(t: TestApp): Promise<void> {
  for (const p of PRODUCTS)
    await t.db.query(
      `insert into product (sku, name, price_cents, vat_rate_bp, stock, active) values ($1, $1, $2, 1900, 1000, true)
       on conflict (sku) do nothing`,
      [p.sku, p.priceCents],
    );
}

describe('without provider keys (npm start on a laptop): the in-process simulators', () => {
  let t: TestApp;

  beforeAll(async () => {
    // No STRIPE_SECRET_KEY, no PAYPAL_CLIENT_ID: what a newcomer has.
    t = await startTestApp({ env: { PAYMENT_SIMULATOR_AUTOCONFIRM_MS: '150' } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    await stock(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('pays a demo card order by itself: the simulator confirms and posts the signed webhook', async () => {
    const order = await placeGuestOrder(t, 'card');
    const started = await startPayment(t, order);
    expect(started.statusCode).toBe(201);
    expect(started.json<{ clientSecret: string }>().clientSecret).toMatch(/^pi_/);
    await eventually(async () => (await orderStatus(t, order)) === 'paid');
  });

  it('pays a demo PayPal order: opening the approval link approves, and the order is paid', async () => {
    const order = await placeGuestOrder(t, 'paypal');
    const { approvalUrl } = (await startPayment(t, order)).json<{ approvalUrl: string }>();
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const link = new URL(approvalUrl);
    expect(link.hostname).toBe('127.0.0.1');
    expect(link.port).not.toBe(String(port));
    const page = await fetch(approvalUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('PayPal simulator');
    await eventually(async () => (await orderStatus(t, order)) === 'paid');
    const captured = await t.inject({
      method: 'POST',
      url: `/api/v1/shop/orders/${order.id}/payments/capture`,
      headers: order.headers,
    });
    expect(captured.json()).toMatchObject({ status: 'succeeded' });
  });
});

describe('PAYMENT_SIMULATORS=off without keys', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { PAYMENT_SIMULATORS: 'off' } });
    await stock(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers card and PayPal as unavailable (503) and writes nothing', async () => {
    for (const method of ['card', 'paypal']) {
      const order = await placeGuestOrder(t, method);
      const response = await startPayment(t, order);
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        type: 'urn:storefront:problem:payment-method-unavailable',
        method,
      });
      expect(await orderStatus(t, order)).toBe('placed');
      expect((await t.db.query('select 1 from payment where order_id = $1', [order.id])).rows).toHaveLength(
        0,
      );
    }
  });
});
