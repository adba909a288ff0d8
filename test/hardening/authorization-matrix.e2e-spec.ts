import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { PARTNER_SCOPE_NAMES } from '../../src/modules/partners/api-keys.js';
import { startTestApp, staffMember, type TestApp } from '../helpers/test-app.js';
import { orderBody, placeOrder, stockProducts } from '../orders/orders-fixtures.js';
import { signedInCustomer } from '../registration/helpers.js';

/**
 * Every route of the OpenAPI document the app serves × every actor, against the expected answer below.
 * A route the table does not list fails the test (a new route cannot ship without its row), and so does
 * a row for a route that no longer exists. Real credentials throughout: customers signed up and signed
 * in through the API, a guest's order token, staff accounts of each role (one deactivated through the
 * admin API), partners' API keys issued through the admin API.
 *
 * The answer is judged by what authorization decides, not by the business outcome: `allow` is anything
 * but 401/403 (a 400 for the empty body or a 404 for an unknown id means the guard let the request
 * through), `deny` is 401 or 403, `hidden` is 401, 403 or 404 (another owner's resource: never served).
 */
type Actor =
  | 'nobody'
  | 'customerA'
  | 'customerB'
  | 'guest'
  | 'fulfilment'
  | 'support'
  | 'privacy-officer'
  | 'admin'
  | 'deactivated'
  | 'partnerA'
  | 'partnerB'
  | 'deviceA'
  | 'deviceB';
const ACTORS: readonly Actor[] = [
  'nobody',
  'customerA',
  'customerB',
  'guest',
  'fulfilment',
  'support',
  'privacy-officer',
  'admin',
  'deactivated',
  'partnerA',
  'partnerB',
  'deviceA',
  'deviceB',
];
type Answer = 'allow' | 'deny' | 'hidden';
type Expected = Record<Actor, Answer>;

const everyone = (answer: Answer): Expected => Object.fromEntries(ACTORS.map((a) => [a, answer])) as Expected;
const only = (allowed: readonly Actor[], others: Answer = 'deny'): Expected =>
  Object.fromEntries(ACTORS.map((a) => [a, allowed.includes(a) ? 'allow' : others])) as Expected;

const STAFF = ['fulfilment', 'support', 'privacy-officer', 'admin'] as const;
const CUSTOMERS = ['customerA', 'customerB'] as const;

const RULES = {
  /** Anyone, signed in or not. */
  public: everyone('allow'),
  /** The refresh token in the body is the credential: no actor's header stands in for it. */
  ownCredential: everyone('deny'),
  /** A shop route a customer may call signed in or not; a staff token is refused (it is not a customer's). */
  shopOptionalCustomer: only(['nobody', ...CUSTOMERS, 'guest', 'partnerA', 'partnerB', 'deviceA', 'deviceB']),
  customer: only(CUSTOMERS),
  /** A signed-in customer or the guest with their order token. */
  customerOrGuest: only([...CUSTOMERS, 'guest']),
  /** Customer A's order (its id is in the path): neither B nor another order's guest token sees it. */
  customerAOrder: { ...only(['customerA']), customerB: 'hidden', guest: 'hidden' },
  staff: only(STAFF),
  admin: only(['admin']),
  fulfilment: only(['fulfilment', 'admin']),
  support: only(['support', 'admin']),
  supportFulfilment: only(['support', 'fulfilment', 'admin']),
  privacy: only(['privacy-officer', 'admin']),
  supportPrivacy: only(['support', 'privacy-officer', 'admin']),
  /** The analysis image itself: the privacy officer only, not even admin. */
  privacyOfficerOnly: only(['privacy-officer']),
  /** Human review of credit decisions (Art. 22(3) GDPR): support and the privacy officer, not admin. */
  creditReview: only(['support', 'privacy-officer']),
  partner: only(['partnerA', 'partnerB']),
  device: only(['deviceA', 'deviceB']),
} satisfies Record<string, Expected>;
type Rule = keyof typeof RULES;

/** Every operation of the OpenAPI document, with who may call it. */
const TABLE: Record<string, Rule> = {
  'GET /health': 'public',
  'GET /api/v1/shop/cookies': 'public',
  'POST /api/v1/shop/addresses/validate': 'public',
  'POST /api/v1/shop/customers': 'public',
  'GET /api/v1/shop/customers/fields': 'public',
  'POST /api/v1/shop/auth/login': 'public',
  'POST /api/v1/shop/auth/refresh': 'ownCredential',
  'POST /api/v1/shop/auth/logout': 'public',
  'GET /api/v1/shop/products': 'public',
  'GET /api/v1/shop/shipping-methods': 'public',
  'POST /api/v1/shop/inquiries': 'public',
  'DELETE /api/v1/shop/inquiries/{id}': 'public',
  'POST /api/v1/webhooks/stripe': 'public',
  'POST /api/v1/webhooks/paypal': 'public',
  'POST /api/v1/admin/auth/login': 'public',

  'GET /api/v1/shop/me': 'customer',
  'PATCH /api/v1/shop/me': 'customer',
  'POST /api/v1/shop/me/password': 'customer',
  'GET /api/v1/shop/me/addresses': 'customer',
  'POST /api/v1/shop/me/addresses': 'customer',
  'GET /api/v1/shop/me/addresses/{id}': 'customer',
  'PATCH /api/v1/shop/me/addresses/{id}': 'customer',
  'DELETE /api/v1/shop/me/addresses/{id}': 'customer',
  'GET /api/v1/shop/consents': 'customer',
  'POST /api/v1/shop/consents': 'customer',
  'GET /api/v1/shop/orders': 'customer',
  'GET /api/v1/shop/me/business': 'customer',
  'PUT /api/v1/shop/me/business': 'customer',
  'POST /api/v1/shop/me/business/vat-id-check': 'customer',

  'POST /api/v1/shop/orders': 'shopOptionalCustomer',
  'POST /api/v1/shop/privacy-requests': 'shopOptionalCustomer',
  'GET /api/v1/shop/privacy-requests': 'shopOptionalCustomer',
  'POST /api/v1/shop/privacy-requests/consent-withdrawals': 'shopOptionalCustomer',
  'POST /api/v1/shop/privacy-requests/{id}/verification': 'shopOptionalCustomer',
  'POST /api/v1/shop/privacy-requests/{id}/confirmation': 'shopOptionalCustomer',
  'GET /api/v1/shop/privacy-requests/{id}/answer': 'shopOptionalCustomer',
  'GET /api/v1/shop/privacy-requests/{id}/export': 'shopOptionalCustomer',
  'GET /api/v1/shop/privacy-requests/{id}/recipients': 'shopOptionalCustomer',

  'GET /api/v1/shop/credit-checks/objection': 'customerOrGuest',
  'POST /api/v1/shop/credit-checks/objection': 'customerOrGuest',
  'DELETE /api/v1/shop/credit-checks/objection': 'customerOrGuest',
  'GET /api/v1/shop/credit-checks/{id}': 'customerOrGuest',
  'POST /api/v1/shop/credit-checks/{id}/review-requests': 'customerOrGuest',

  'GET /api/v1/shop/orders/{id}': 'customerAOrder',
  'POST /api/v1/shop/orders/{id}/cancellation': 'customerAOrder',
  'POST /api/v1/shop/orders/{id}/payments': 'customerAOrder',
  'GET /api/v1/shop/orders/{id}/payments': 'customerAOrder',
  'POST /api/v1/shop/orders/{id}/payments/capture': 'customerAOrder',

  'POST /api/v1/admin/auth/password': 'staff',
  'POST /api/v1/admin/customers/search': 'staff',
  'GET /api/v1/admin/customers/{id}': 'staff',
  'GET /api/v1/admin/orders': 'staff',
  'GET /api/v1/admin/orders/{id}': 'staff',

  'POST /api/v1/admin/staff': 'admin',
  'GET /api/v1/admin/staff': 'admin',
  'GET /api/v1/admin/staff/{id}': 'admin',
  'PATCH /api/v1/admin/staff/{id}': 'admin',
  'POST /api/v1/admin/partners': 'admin',
  'GET /api/v1/admin/partners': 'admin',
  'GET /api/v1/admin/partners/{id}': 'admin',
  'PATCH /api/v1/admin/partners/{id}': 'admin',
  'POST /api/v1/admin/partners/{id}/api-keys': 'admin',
  'GET /api/v1/admin/partners/{id}/api-keys': 'admin',
  'DELETE /api/v1/admin/partners/{id}/api-keys/{keyId}': 'admin',
  'POST /api/v1/admin/partners/{partnerId}/webhooks': 'admin',
  'GET /api/v1/admin/partners/{partnerId}/webhooks': 'admin',
  'DELETE /api/v1/admin/partners/{partnerId}/webhooks/{id}': 'admin',
  'GET /api/v1/admin/partners/{partnerId}/webhook-deliveries': 'admin',
  'GET /api/v1/admin/products': 'admin',
  'POST /api/v1/admin/products': 'admin',
  'GET /api/v1/admin/products/{id}': 'admin',
  'PATCH /api/v1/admin/products/{id}': 'admin',
  'DELETE /api/v1/admin/products/{id}': 'admin',
  'POST /api/v1/admin/orders/{id}/payments': 'admin',
  'POST /api/v1/admin/payments/{paymentId}/settlement': 'admin',
  'PUT /api/v1/admin/customer-groups/{code}/price-list': 'admin',

  'GET /api/v1/admin/orders/{id}/packing-slip': 'fulfilment',
  'GET /api/v1/admin/shipments': 'fulfilment',
  'GET /api/v1/admin/shipments/{id}': 'fulfilment',
  'POST /api/v1/admin/shipments/{id}/retry': 'fulfilment',
  'PUT /api/v1/admin/shipments/{id}/partner': 'fulfilment',
  'GET /api/v1/admin/shipments/{id}/label': 'fulfilment',

  'POST /api/v1/admin/orders/{id}/transitions': 'supportFulfilment',
  'GET /api/v1/admin/shipments/{id}/tracking': 'supportFulfilment',

  'GET /api/v1/admin/inquiries': 'support',
  'GET /api/v1/admin/inquiries/{id}': 'support',
  'POST /api/v1/admin/inquiries/{id}/answer': 'support',
  'POST /api/v1/admin/inquiries/{id}/close': 'support',
  'GET /api/v1/admin/payments/flags': 'support',
  'POST /api/v1/admin/payments/flags/{flagId}/resolution': 'support',
  'GET /api/v1/admin/payments': 'support',
  'POST /api/v1/admin/payments/{paymentId}/refunds': 'support',
  'PUT /api/v1/admin/business-customers/{customerId}/group': 'support',

  'GET /api/v1/admin/credit-checks/reviews': 'creditReview',
  'POST /api/v1/admin/credit-checks/{id}/review': 'creditReview',

  'GET /api/v1/admin/privacy/record': 'privacy',
  'GET /api/v1/admin/privacy/lint': 'privacy',
  'GET /api/v1/admin/privacy/activities/{id}/versions': 'privacy',
  'GET /api/v1/admin/privacy/requests': 'privacy',
  'POST /api/v1/admin/privacy/requests': 'privacy',
  'GET /api/v1/admin/privacy/requests/{id}': 'privacy',
  'POST /api/v1/admin/privacy/requests/{id}/extension': 'privacy',
  'POST /api/v1/admin/privacy/requests/{id}/refusal': 'privacy',
  'POST /api/v1/admin/privacy/requests/{id}/restriction-lift': 'privacy',
  'POST /api/v1/admin/privacy/requests/{id}/confirmation': 'privacy',
  'GET /api/v1/admin/audit/verify': 'privacy',
  'POST /api/v1/admin/privacy/legal-holds': 'privacy',
  'GET /api/v1/admin/privacy/legal-holds': 'privacy',
  'GET /api/v1/admin/privacy/legal-holds/{id}': 'privacy',
  'DELETE /api/v1/admin/privacy/legal-holds/{id}': 'privacy',

  'POST /api/v1/shop/orders/{id}/withdrawals': 'customerAOrder',
  'GET /api/v1/shop/orders/{id}/documents': 'customerAOrder',
  'GET /api/v1/shop/orders/{id}/invoice': 'customerAOrder',
  'GET /api/v1/shop/orders/{id}/credit-notes/{number}': 'customerAOrder',
  'GET /api/v1/admin/orders/{id}/documents': 'support',
  'GET /api/v1/admin/orders/{id}/invoice': 'support',
  'GET /api/v1/admin/orders/{id}/credit-notes/{number}': 'support',
  'GET /api/v1/admin/invoice-archive/{number}': 'admin',
  'GET /api/v1/admin/returns': 'supportFulfilment',
  'POST /api/v1/admin/returns/{id}/receipt': 'supportFulfilment',
  'POST /api/v1/admin/returns/{id}/refund': 'support',
  'POST /api/v1/admin/privacy/requests/{id}/identity-check': 'privacy',
  'GET /api/v1/admin/privacy/disclosures': 'privacyOfficerOnly',
  'POST /api/v1/admin/device-practices': 'admin',
  'GET /api/v1/admin/device-practices': 'admin',
  'POST /api/v1/admin/device-practices/{practiceId}/devices': 'admin',
  'GET /api/v1/admin/device-practices/{practiceId}/devices': 'admin',
  'POST /api/v1/admin/devices/{deviceId}/credentials': 'admin',
  'GET /api/v1/admin/devices/{deviceId}/credentials': 'admin',
  'DELETE /api/v1/admin/devices/{deviceId}/credentials/{credentialId}': 'admin',
  'GET /api/v1/device/self': 'device',
  'POST /api/v1/device/analyses': 'device',
  'GET /api/v1/device/analyses/{id}': 'device',
  'GET /api/v1/device/analyses/{id}/report': 'device',
  'POST /api/v1/device/consent-withdrawals': 'device',
  'GET /api/v1/admin/device-analyses/statistics': 'supportPrivacy',
  'GET /api/v1/admin/device-analyses/{id}': 'supportPrivacy',
  'GET /api/v1/admin/device-analyses/{id}/image': 'privacyOfficerOnly',
  'POST /api/v1/admin/orders/{id}/serials': 'fulfilment',
  'GET /api/v1/admin/device-serials': 'supportPrivacy',
  'POST /api/v1/admin/bank-statements': 'admin',
  'POST /api/v1/admin/orders/{id}/parcels': 'fulfilment',

  'GET /api/v1/partner/me': 'partner',
  'GET /api/v1/partner/api-keys': 'partner',
  'GET /api/v1/partner/api-keys/{id}': 'partner',
  'GET /api/v1/partner/shipments': 'partner',
  'GET /api/v1/partner/shipments/{id}': 'partner',
  'POST /api/v1/partner/shipments/{id}/ack': 'partner',
  'POST /api/v1/partner/shipments/{id}/status': 'partner',
};

/**
 * A valid body for the routes whose handler decides who may act only after the body validated (it needs
 * the body's content for that); every other write gets `{}`, so an allowed caller meets validation.
 */
const BODIES: Record<string, object> = {
  'POST /api/v1/shop/orders/{id}/withdrawals': { lines: [{ lineNo: 1, quantity: 1 }] },
};

const fits = (answer: Answer, status: number): boolean =>
  answer === 'deny'
    ? status === 401 || status === 403
    : answer === 'hidden'
      ? status === 401 || status === 403 || status === 404
      : status !== 401 && status !== 403;

describe('authorization matrix (OpenAPI routes × actors)', () => {
  let t: TestApp;
  const headers = {} as Record<Actor, Record<string, string>>;
  let orderOfA = '';
  /** The id put into a path: customer A's order on the shop's order routes, an unknown id elsewhere. */
  const idFor = (path: string): string =>
    path.startsWith('/api/v1/shop/orders/{id}') ? orderOfA : randomUUID();

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await staffMember(t, 'admin');
    const asAdmin = { authorization: `Bearer ${admin.token}` };
    headers.nobody = {};
    headers.admin = asAdmin;
    for (const role of ['fulfilment', 'support', 'privacy-officer'] as const)
      headers[role] = { authorization: `Bearer ${(await staffMember(t, role)).token}` };
    const gone = await staffMember(t, 'admin');
    const deactivated = await t.inject({
      method: 'PATCH',
      url: `/api/v1/admin/staff/${gone.id}`,
      headers: asAdmin,
      payload: { active: false },
    });
    expect(deactivated.statusCode).toBe(200);
    headers.deactivated = { authorization: `Bearer ${gone.token}` };

    for (const who of CUSTOMERS) headers[who] = (await signedInCustomer(t)).auth;

    // Customer A's order (its id goes into the shop's order routes) and a guest's order with its token.
    await stockProducts(t, [{ sku: 'MATRIX', priceCents: 1000, stock: 1000 }]);
    const items = [{ sku: 'MATRIX', quantity: 1 }];
    const own = await placeOrder(t, orderBody(items), headers.customerA);
    expect(own.statusCode).toBe(201);
    orderOfA = own.json<{ id: string }>().id;
    const guest = await placeOrder(
      t,
      orderBody(items, { email: `guest.${randomUUID().slice(0, 8)}@example.org` }),
    );
    expect(guest.statusCode).toBe(201);
    headers.guest = { 'x-order-token': guest.json<{ accessToken: string }>().accessToken };

    for (const [actor, recipientId] of [
      ['partnerA', 'dhl'],
      ['partnerB', 'hermes'],
    ] as const) {
      const partner = await t.inject({
        method: 'POST',
        url: '/api/v1/admin/partners',
        headers: asAdmin,
        payload: { name: `Partner ${recipientId}`, kind: 'carrier', recipientId },
      });
      expect(partner.statusCode).toBe(201);
      const key = await t.inject({
        method: 'POST',
        url: `/api/v1/admin/partners/${partner.json<{ id: string }>().id}/api-keys`,
        headers: asAdmin,
        payload: { scopes: PARTNER_SCOPE_NAMES },
      });
      expect(key.statusCode).toBe(201);
      headers[actor] = { 'x-api-key': key.json<{ key: string }>().key };
    }

    for (const actor of ['deviceA', 'deviceB'] as const) {
      const practice = await t.inject({
        method: 'POST',
        url: '/api/v1/admin/device-practices',
        headers: asAdmin,
        payload: { name: `Practice of ${actor}` },
      });
      expect(practice.statusCode).toBe(201);
      const device = await t.inject({
        method: 'POST',
        url: `/api/v1/admin/device-practices/${practice.json<{ id: string }>().id}/devices`,
        headers: asAdmin,
        payload: { serialNumber: `MATRIX-${actor}-${randomUUID().slice(0, 8)}` },
      });
      expect(device.statusCode).toBe(201);
      const credential = await t.inject({
        method: 'POST',
        url: `/api/v1/admin/devices/${device.json<{ id: string }>().id}/credentials`,
        headers: asAdmin,
      });
      expect(credential.statusCode).toBe(201);
      headers[actor] = { 'x-device-key': credential.json<{ credential: string }>().credential };
    }
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('answers every route for every actor as the table expects', async () => {
    const doc = (await t.inject({ method: 'GET', url: '/docs-json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const routes = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path })),
    );
    expect(routes.length).toBeGreaterThan(50);
    const unlisted = routes.map((r) => `${r.method} ${r.path}`).filter((route) => !(route in TABLE));
    expect(unlisted).toEqual([]);
    const stale = Object.keys(TABLE).filter((row) => !routes.some((r) => `${r.method} ${r.path}` === row));
    expect(stale).toEqual([]);

    const mismatches: string[] = [];
    let requests = 0;
    const started = Date.now();
    for (const { method, path } of routes) {
      const route = `${method} ${path}`;
      const expected = RULES[TABLE[route]];
      const url = path.replace(/\{[^}]+\}/g, () => idFor(path));
      for (const actor of ACTORS) {
        const response = await t.inject({
          method: method as 'GET',
          url,
          headers: headers[actor],
          ...(['POST', 'PUT', 'PATCH'].includes(method) ? { payload: BODIES[route] ?? {} } : {}),
        });
        requests += 1;
        const status = response.statusCode;
        if (status >= 500) mismatches.push(`${route} as ${actor}: ${status} ${response.body.slice(0, 200)}`);
        else if (!fits(expected[actor], status))
          mismatches.push(`${route} as ${actor}: expected ${expected[actor]}, got ${status}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(requests).toBe(routes.length * ACTORS.length);
    process.stdout.write(
      `authorization matrix: ${routes.length} routes × ${ACTORS.length} actors = ${requests} requests in ${Date.now() - started} ms\n`,
    );
  }, 120_000);
});
