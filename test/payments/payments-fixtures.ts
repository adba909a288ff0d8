import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { TokenService } from '../../src/common/auth/token.service.js';
import { leafPaths, type RecordedRequest } from '../../src/common/simulators/sim-http.js';
import { startFakePaypal, type FakePaypal } from '../fakes/paypal/index.js';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe/index.js';
import { startTestApp, staffToken, type TestApp } from '../helpers/test-app.js';

/** A valid German address (the shop's own). */
export const ADDRESS = {
  firstName: 'Erika',
  lastName: 'Mustermann',
  company: null,
  street: 'Siemensring',
  houseNumber: '98',
  addressLine2: null,
  postalCode: '47877',
  city: 'Willich',
  country: 'DE',
};

/** Two products priced so that one of each is 100.00 EUR gross (8403 + 1597 VAT = 10000 cents). */
export const PRODUCTS = [
  { sku: 'PAY-TEST-A', priceCents: 6000 },
  { sku: 'PAY-TEST-B', priceCents: 4000 },
];

/**
 * The app on its own database, listening on a loopback port (the fakes post their webhooks to it over
 * real HTTP), with the real Stripe and PayPal SDKs pointed at the fakes.
 */
export interface PaymentsWorld {
  t: TestApp;
  stripe: FakeStripe;
  paypal: FakePaypal;
  baseUrl: string;
  close(): Promise<void>;
}

export async function startPaymentsWorld(env: Record<string, string> = {}): Promise<PaymentsWorld> {
  const stripe = await startFakeStripe();
  const paypal = await startFakePaypal();
  const t = await startTestApp({ env: { ...stripe.env, ...paypal.env, ...env } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  stripe.setWebhookUrl(`${baseUrl}/api/v1/webhooks/stripe`);
  paypal.setWebhookUrl(`${baseUrl}/api/v1/webhooks/paypal`);
  for (const p of PRODUCTS) {
    await t.db.query(
      `insert into product (sku, name, price_cents, vat_rate_bp, stock, active) values ($1, $2, $3, 1900, 100000, true)
       on conflict (sku) do update set price_cents = excluded.price_cents, stock = excluded.stock`,
      [p.sku, `Product ${p.sku}`, p.priceCents],
    );
  }
  return {
    t,
    stripe,
    paypal,
    baseUrl,
    async close() {
      await t.close();
      await stripe.stop();
      await paypal.stop();
    },
  };
}

export interface PlacedOrder {
  id: string;
  number: string;
  totalCents: number;
  currency: string;
  email: string;
  /** The headers that let the guest act on the order. */
  headers: Record<string, string>;
}

/** A guest order of one of each test product, paid with `paymentMethod` (billing = delivery address). */
export async function placeGuestOrder(
  t: TestApp,
  paymentMethod: string,
  quantity = 1,
  address: Partial<typeof ADDRESS> = {},
): Promise<PlacedOrder> {
  const email = `guest.${randomUUID().slice(0, 8)}@example.org`;
  const response = await t.inject({
    method: 'POST',
    url: '/api/v1/shop/orders',
    headers: { 'idempotency-key': randomUUID() },
    payload: {
      email,
      items: PRODUCTS.map((p) => ({ sku: p.sku, quantity })),
      deliveryAddress: { ...ADDRESS, ...address },
      paymentMethod,
      carrierNotificationConsent: false,
    },
  });
  if (response.statusCode !== 201)
    throw new Error(`placing the order failed: ${response.statusCode} ${response.body}`);
  const order = response.json<{
    id: string;
    number: string;
    totalCents: number;
    currency: string;
    accessToken: string;
  }>();
  return { ...order, email, headers: { 'x-order-token': order.accessToken } };
}

/** A signed-in customer's order (the account inserted directly; registration owns that table). */
export async function placeCustomerOrder(
  t: TestApp,
  paymentMethod: string,
): Promise<PlacedOrder & { customerId: string }> {
  const customerId = randomUUID();
  const email = `customer.${customerId.slice(0, 8)}@example.org`;
  await t.db.query(
    `insert into customer (id, email, email_normalized, password_hash, first_name, last_name)
     values ($1, $2, $2, 'not-a-real-hash', 'Erika', 'Mustermann')`,
    [customerId, email],
  );
  const { token } = t.app.get(TokenService).sign({ sub: customerId, kind: 'customer' });
  const headers = { authorization: `Bearer ${token}` };
  const response = await t.inject({
    method: 'POST',
    url: '/api/v1/shop/orders',
    headers,
    payload: {
      items: PRODUCTS.map((p) => ({ sku: p.sku, quantity: 1 })),
      deliveryAddress: ADDRESS,
      paymentMethod,
    },
  });
  if (response.statusCode !== 201)
    throw new Error(`placing the order failed: ${response.statusCode} ${response.body}`);
  const order = response.json<{ id: string; number: string; totalCents: number; currency: string }>();
  return { ...order, email, headers, customerId };
}

export function startPayment(
  t: TestApp,
  order: PlacedOrder,
  options: { key?: string; body?: Record<string, unknown> } = {},
) {
  return t.inject({
    method: 'POST',
    url: `/api/v1/shop/orders/${order.id}/payments`,
    headers: { ...order.headers, ...(options.key ? { 'idempotency-key': options.key } : {}) },
    ...(options.body ? { payload: options.body } : {}),
  });
}

export async function orderStatus(t: TestApp, order: PlacedOrder): Promise<string> {
  const response = await t.inject({
    method: 'GET',
    url: `/api/v1/shop/orders/${order.id}`,
    headers: order.headers,
  });
  return response.json<{ status: string }>().status;
}

export async function staffHeaders(t: TestApp, role: 'support' | 'admin' | 'fulfilment' | 'privacy-officer') {
  return { authorization: `Bearer ${await staffToken(t, role)}` };
}

/**
 * Every field of every body the shop sent the fake, checked against the registry's allow-list for the
 * call (`METHOD /path`, `:name` for an id segment; a listed field permits what is under it): answers
 * the fields beyond it, and calls the
 * registry does not list at all (none of either, if all is well). The simulator hooks (`/_sim/…`) and
 * the buyer's own visit to the approval page (`/checkoutnow`) are not the shop's requests.
 */
export function fieldsBeyond(
  requests: readonly RecordedRequest[],
  allowList: Readonly<Record<string, readonly string[]>>,
): string[] {
  const routes = Object.entries(allowList).map(([route, fields]) => ({
    pattern: new RegExp(`^${route.replace(/:[a-z]+/g, '[^/]+')}$`),
    fields,
  }));
  const beyond: string[] = [];
  for (const r of requests) {
    if (r.path.startsWith('/_sim/') || r.path === '/checkoutnow') continue;
    const call = `${r.method} ${r.path}`;
    const route = routes.find((x) => x.pattern.test(call));
    if (!route) {
      beyond.push(`${call} (a call the registry does not list)`);
      continue;
    }
    // A listed field permits what is under it (`webhook_event`: the event PayPal sent, returned for its check).
    const permitted = (path: string): boolean =>
      route.fields.some((f) => path === f || path.startsWith(`${f}.`));
    for (const path of leafPaths(r.body)) if (!permitted(path)) beyond.push(`${call}: ${path}`);
  }
  return beyond;
}

/** Polls until `check` holds (webhooks arrive asynchronously). */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 5000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
