import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { lineAmounts, orderTotals } from '../../src/modules/orders/order-totals.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import {
  orderBody,
  placeOrder,
  registerCustomer,
  SEED_ADDRESS,
  stockOf,
  stockProducts,
} from './orders-fixtures.js';

describe('checkout: POST /api/v1/shop/orders', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await stockProducts(t, [
      { sku: 'DV-PRO-2', priceCents: 249_900, vatRateBp: 1900, stock: 100 },
      { sku: 'BOOK-ATLAS', priceCents: 4_900, vatRateBp: 700, stock: 100 },
      { sku: 'DV-CAPS', priceCents: 1_990, vatRateBp: 1900, stock: 100 },
      { sku: 'LAST-ONE', priceCents: 1_000, stock: 1 },
      { sku: 'RETIRED', priceCents: 1_000, stock: 10, active: false },
    ]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const countOrders = async (): Promise<number> =>
    (await t.db.query<{ n: number }>('select count(*)::int as n from shop_order')).rows[0].n;

  it("places a guest order with the seed's address and answers the order with a link token", async () => {
    const res = await placeOrder(
      t,
      orderBody([{ sku: 'DV-CAPS', quantity: 2 }], { email: 'Erika@Example.org' }),
    );
    expect(res.statusCode).toBe(201);
    const order = res.json();
    expect(order).toMatchObject({
      number: expect.stringMatching(/^SO-\d{4}-\d{6,}$/),
      status: 'placed',
      totalCents: 3_980,
      currency: 'EUR',
      paymentMethod: 'card',
      customer: { firstName: 'Erika', lastName: 'Mustermann', email: 'Erika@Example.org', guest: true },
      deliveryAddress: SEED_ADDRESS,
      billingAddress: SEED_ADDRESS,
      items: [{ lineNo: 1, sku: 'DV-CAPS', quantity: 2, unitPriceCents: 1_990, lineTotalCents: 3_980 }],
      accessToken: expect.stringMatching(/^o1\./),
    });
    expect(res.headers.location).toBe(`/api/v1/shop/orders/${order.id}`);
    const { rows } = await t.db.query(
      `select o.subject_id, o.guest_email, o.customer_id, o.delivery_city, o.billing_city,
              (select array_agg(to_status) from order_status_change where order_id = o.id) as history
         from shop_order o where o.id = $1`,
      [order.id],
    );
    expect(rows[0]).toMatchObject({
      guest_email: 'Erika@Example.org',
      customer_id: null,
      delivery_city: 'Willich',
      billing_city: 'Willich',
      history: ['placed'],
    });
    expect(rows[0].subject_id).toMatch(/^guest:[0-9a-f]{32}$/);
  });

  it('makes the same guest the same subject across orders, whatever the case of the email', async () => {
    const a = (
      await placeOrder(t, orderBody([{ sku: 'DV-CAPS', quantity: 1 }], { email: 'max@example.org' }))
    ).json();
    const b = (
      await placeOrder(t, orderBody([{ sku: 'DV-CAPS', quantity: 1 }], { email: 'MAX@Example.org' }))
    ).json();
    expect(a.id).not.toEqual(b.id);
    const { rows } = await t.db.query('select subject_id from shop_order where id = any($1::uuid[])', [
      [a.id, b.id],
    ]);
    expect(rows).toHaveLength(2);
    expect(rows[0].subject_id).toEqual(rows[1].subject_id);
  });

  it("places a customer order with the seed's address, confirmed to the account's email", async () => {
    const erika = await registerCustomer(t, 'Erika');
    const res = await placeOrder(t, orderBody([{ sku: 'DV-PRO-2', quantity: 1 }]), erika.headers);
    expect(res.statusCode).toBe(201);
    const order = res.json();
    expect(order).toMatchObject({
      status: 'placed',
      totalCents: 249_900,
      customer: { email: erika.email, guest: false },
    });
    expect(order.accessToken).toBeUndefined();
    const { rows } = await t.db.query(
      'select subject_id, customer_id, guest_email from shop_order where id = $1',
      [order.id],
    );
    expect(rows[0]).toEqual({ subject_id: `customer:${erika.id}`, customer_id: erika.id, guest_email: null });
  });

  it('computes gross totals with the VAT of each line at 19 % and 7 %', async () => {
    const res = await placeOrder(
      t,
      orderBody(
        [
          { sku: 'DV-PRO-2', quantity: 1 },
          { sku: 'BOOK-ATLAS', quantity: 3 },
        ],
        { email: 'vat@example.org' },
      ),
    );
    expect(res.statusCode).toBe(201);
    // 2,499.00 incl. 19 % = 399.00 VAT; 3 × 49.00 = 147.00 incl. 7 % = 9.62 VAT (9.6168 rounded).
    const expected = orderTotals([
      { vatRateBp: 1900, ...lineAmounts({ unitPriceCents: 249_900, vatRateBp: 1900, quantity: 1 }) },
      { vatRateBp: 700, ...lineAmounts({ unitPriceCents: 4_900, vatRateBp: 700, quantity: 3 }) },
    ]);
    expect(res.json().totals).toEqual({ ...expected, currency: 'EUR' });
    const { rows } = await t.db.query(
      `select subtotal_cents, vat_cents, total_cents,
              (select array_agg(vat_cents order by line_no) from order_item where order_id = o.id) as line_vat
         from shop_order o where id = $1`,
      [res.json().id],
    );
    expect(rows[0]).toEqual({
      subtotal_cents: expected.subtotalCents,
      vat_cents: expected.vatCents,
      total_cents: expected.totalCents,
      line_vat: [39_900, 962],
    });
    expect(res.json().totals).toEqual({
      subtotalCents: 249_900 + 14_700 - 39_900 - 962,
      vatCents: 39_900 + 962,
      totalCents: 264_600,
      currency: 'EUR',
      vatBreakdown: [
        { vatRateBp: 1900, grossCents: 249_900, vatCents: 39_900 },
        { vatRateBp: 700, grossCents: 14_700, vatCents: 962 },
      ],
    });
  });

  it('refuses a guest order without email, and a customer order with one', async () => {
    const guest = await placeOrder(t, orderBody([{ sku: 'DV-CAPS', quantity: 1 }]));
    expect(guest.statusCode).toBe(400);
    expect(guest.json().errors).toEqual([{ field: 'email', reason: 'is required for a guest order' }]);
    const erika = await registerCustomer(t);
    const customer = await placeOrder(
      t,
      orderBody([{ sku: 'DV-CAPS', quantity: 1 }], { email: 'x@example.org' }),
      erika.headers,
    );
    expect(customer.statusCode).toBe(400);
    expect(customer.json().errors[0].field).toBe('email');
  });

  it('refuses an invalid token instead of treating the request as a guest', async () => {
    const res = await placeOrder(
      t,
      orderBody([{ sku: 'DV-CAPS', quantity: 1 }], { email: 'a@example.org' }),
      {
        authorization: 'Bearer not-a-token',
      },
    );
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('refuses unknown fields, naming them', async () => {
    const res = await placeOrder(t, {
      ...orderBody([{ sku: 'DV-CAPS', quantity: 1 }], { email: 'a@example.org' }),
      coupon: 'FREE',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ field: 'coupon', reason: 'is not an allowed property' }]);
  });

  it('refuses an invalid delivery address with 422 naming deliveryAddress fields, with suggestions, and writes nothing', async () => {
    const before = await countOrders();
    const stock = await stockOf(t, 'DV-CAPS');
    const res = await placeOrder(
      t,
      orderBody([{ sku: 'DV-CAPS', quantity: 1 }], {
        email: 'typo@example.org',
        deliveryAddress: { ...SEED_ADDRESS, city: 'Wilich' },
      }),
    );
    expect(res.statusCode).toBe(422);
    const problem = res.json();
    expect(problem).toMatchObject({ type: 'urn:storefront:problem:invalid-address', status: 422 });
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'deliveryAddress.city' })]);
    expect(problem.suggestions).toEqual(
      expect.arrayContaining([
        { field: 'deliveryAddress.city', value: 'Willich', reason: expect.any(String) },
      ]),
    );
    expect(JSON.stringify(problem)).not.toContain('typo@example.org');
    expect(await countOrders()).toBe(before);
    expect(await stockOf(t, 'DV-CAPS')).toBe(stock);
  });

  it('names billingAddress fields when the billing address is the invalid one', async () => {
    const res = await placeOrder(
      t,
      orderBody([{ sku: 'DV-CAPS', quantity: 1 }], {
        email: 'billing@example.org',
        billingAddress: { ...SEED_ADDRESS, postalCode: '4787', houseNumber: null },
      }),
    );
    expect(res.statusCode).toBe(422);
    expect(
      res
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['billingAddress.houseNumber', 'billingAddress.postalCode']);
  });

  it('stores the normalised address', async () => {
    const res = await placeOrder(
      t,
      orderBody([{ sku: 'DV-CAPS', quantity: 1 }], {
        email: 'casing@example.org',
        deliveryAddress: { ...SEED_ADDRESS, street: '  SIEMENSRING ', city: 'willich', country: 'de' },
        billingAddress: { ...SEED_ADDRESS, firstName: 'Max', company: 'Hautpraxis  Willich GmbH' },
      }),
    );
    expect(res.statusCode).toBe(201);
    const { rows } = await t.db.query(
      'select delivery_street, delivery_city, delivery_country, billing_first_name, billing_company from shop_order where id = $1',
      [res.json().id],
    );
    expect(rows[0]).toEqual({
      delivery_street: 'Siemensring',
      delivery_city: 'Willich',
      delivery_country: 'DE',
      billing_first_name: 'Max',
      billing_company: 'Hautpraxis Willich GmbH',
    });
  });

  it('refuses an unknown or withdrawn product with 422 naming the line', async () => {
    const res = await placeOrder(
      t,
      orderBody(
        [
          { sku: 'DV-CAPS', quantity: 1 },
          { sku: 'NO-SUCH-SKU', quantity: 1 },
          { sku: 'RETIRED', quantity: 1 },
        ],
        { email: 'unknown@example.org' },
      ),
    );
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      type: 'urn:storefront:problem:unknown-product',
      errors: [
        { field: 'items.1.sku', reason: 'no product with this SKU is on sale' },
        { field: 'items.2.sku', reason: 'no product with this SKU is on sale' },
      ],
    });
  });

  it('refuses a SKU twice in one order', async () => {
    const res = await placeOrder(
      t,
      orderBody(
        [
          { sku: 'DV-CAPS', quantity: 1 },
          { sku: 'DV-CAPS', quantity: 2 },
        ],
        { email: 'twice@example.org' },
      ),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('items.1.sku');
  });

  it('answers 409 out-of-stock naming the SKU and rolls back the other lines', async () => {
    const capsBefore = await stockOf(t, 'DV-CAPS');
    const res = await placeOrder(
      t,
      orderBody(
        [
          { sku: 'DV-CAPS', quantity: 1 },
          { sku: 'LAST-ONE', quantity: 2 },
        ],
        { email: 'greedy@example.org' },
      ),
    );
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ type: 'urn:storefront:problem:out-of-stock', skus: ['LAST-ONE'] });
    expect(await stockOf(t, 'DV-CAPS')).toBe(capsBefore);
    expect(await stockOf(t, 'LAST-ONE')).toBe(1);
  });

  it('records consent to carrier notifications in the consent ledger, in the same transaction', async () => {
    const res = await placeOrder(
      t,
      orderBody([{ sku: 'DV-CAPS', quantity: 1 }], {
        email: 'notify@example.org',
        carrierNotificationConsent: true,
      }),
      { 'x-request-id': 'req-consent-1' },
    );
    expect(res.statusCode).toBe(201);
    const { rows } = await t.db.query(
      `select c.subject_id, c.action, c.channel, c.wording_version, c.evidence
         from privacy.consent_event c join shop_order o on o.subject_id = c.subject_id
        where o.id = $1 and c.purpose = 'carrier-notifications'`,
      [res.json().id],
    );
    expect(rows).toEqual([
      {
        subject_id: expect.stringMatching(/^guest:/),
        action: 'grant',
        channel: 'checkout',
        wording_version: 'carrier-notifications-v1',
        evidence: { orderId: res.json().id, requestId: 'req-consent-1' },
      },
    ]);
    expect(res.json().carrierNotificationConsent).toBe(true);
  });

  describe('idempotency', () => {
    it('makes one order of the same key sent twice, answering the first order to the retry', async () => {
      const key = randomUUID();
      const body = orderBody([{ sku: 'DV-CAPS', quantity: 3 }], { email: 'retry@example.org' });
      const stock = await stockOf(t, 'DV-CAPS');
      const first = await placeOrder(t, body, { 'idempotency-key': key });
      const second = await placeOrder(t, body, { 'idempotency-key': key });
      expect(first.statusCode).toBe(201);
      expect(second.statusCode).toBe(200);
      expect(second.json()).toMatchObject({ id: first.json().id, number: first.json().number });
      expect(second.json().accessToken).toMatch(/^o1\./);
      expect(await stockOf(t, 'DV-CAPS')).toBe(stock - 3);
      const { rows } = await t.db.query(
        "select count(*)::int as n from shop_order where guest_email = 'retry@example.org'",
      );
      expect(rows[0].n).toBe(1);
    });

    it('makes one order of the same key sent concurrently', async () => {
      const key = randomUUID();
      const body = orderBody([{ sku: 'DV-CAPS', quantity: 1 }], { email: 'concurrent@example.org' });
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => placeOrder(t, body, { 'idempotency-key': key })),
      );
      expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(answers.map((a) => a.json<{ id: string }>().id)).size).toBe(1);
    });

    it('answers 422 to the same key with another body, writing nothing', async () => {
      const key = randomUUID();
      const first = await placeOrder(
        t,
        orderBody([{ sku: 'DV-CAPS', quantity: 1 }], { email: 'reuse@example.org' }),
        {
          'idempotency-key': key,
        },
      );
      expect(first.statusCode).toBe(201);
      const stock = await stockOf(t, 'DV-CAPS');
      const other = await placeOrder(
        t,
        orderBody([{ sku: 'DV-CAPS', quantity: 5 }], { email: 'reuse@example.org' }),
        {
          'idempotency-key': key,
        },
      );
      expect(other.statusCode).toBe(422);
      expect(other.json().type).toBe('urn:storefront:problem:idempotency-key-reused');
      expect(await stockOf(t, 'DV-CAPS')).toBe(stock);
    });

    it('lets a retry place the order when the first attempt failed', async () => {
      const key = randomUUID();
      const body = orderBody([{ sku: 'SOLD-OUT-SOON', quantity: 1 }], { email: 'later@example.org' });
      await stockProducts(t, [{ sku: 'SOLD-OUT-SOON', priceCents: 500, stock: 0 }]);
      expect((await placeOrder(t, body, { 'idempotency-key': key })).statusCode).toBe(409);
      await stockProducts(t, [{ sku: 'SOLD-OUT-SOON', priceCents: 500, stock: 1 }]);
      expect((await placeOrder(t, body, { 'idempotency-key': key })).statusCode).toBe(201);
    });

    it('refuses a malformed key', async () => {
      const res = await placeOrder(
        t,
        orderBody([{ sku: 'DV-CAPS', quantity: 1 }], { email: 'k@example.org' }),
        {
          'idempotency-key': 'bad key!',
        },
      );
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].field).toBe('Idempotency-Key');
    });

    it('keeps two app instances on one database to one order per key', async () => {
      const second = await startTestApp({ db: t.db });
      try {
        const key = randomUUID();
        const body = orderBody([{ sku: 'DV-CAPS', quantity: 1 }], { email: 'two-instances@example.org' });
        const answers = await Promise.all([
          placeOrder(t, body, { 'idempotency-key': key }),
          placeOrder(second, body, { 'idempotency-key': key }),
          placeOrder(t, body, { 'idempotency-key': key }),
          placeOrder(second, body, { 'idempotency-key': key }),
        ]);
        expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 201]);
        expect(new Set(answers.map((a) => a.json<{ id: string }>().id)).size).toBe(1);
      } finally {
        await second.close();
      }
    });
  });
  describe('GET /api/v1/shop/orders/:id', () => {
    const get = (id: string, headers: Record<string, string> = {}) =>
      t.inject({ url: `/api/v1/shop/orders/${id}`, headers });

    it("shows a customer their own order and answers 404 to another customer's request for it", async () => {
      const a = await registerCustomer(t, 'Anna');
      const b = await registerCustomer(t, 'Berta');
      const order = (await placeOrder(t, orderBody([{ sku: 'DV-CAPS', quantity: 1 }]), a.headers)).json();
      const own = await get(order.id, a.headers);
      expect(own.statusCode).toBe(200);
      expect(own.json()).toMatchObject({ id: order.id, number: order.number, customer: { email: a.email } });
      expect(own.headers['cache-control']).toBe('no-store');
      const other = await get(order.id, b.headers);
      expect(other.statusCode).toBe(404);
      expect(JSON.stringify(other.json())).not.toContain(order.number);
    });

    it('shows a guest their order through the token sent at placement, in a header', async () => {
      const placed = (
        await placeOrder(t, orderBody([{ sku: 'DV-CAPS', quantity: 1 }], { email: 'link@example.org' }))
      ).json();
      const res = await get(placed.id, { 'x-order-token': placed.accessToken });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        id: placed.id,
        customer: { email: 'link@example.org', guest: true },
      });
    });

    it("answers 404 to a guest token of another order, and to a customer asking for a guest's order", async () => {
      const first = (
        await placeOrder(t, orderBody([{ sku: 'DV-CAPS', quantity: 1 }], { email: 'first@example.org' }))
      ).json();
      const second = (
        await placeOrder(t, orderBody([{ sku: 'DV-CAPS', quantity: 1 }], { email: 'second@example.org' }))
      ).json();
      expect((await get(second.id, { 'x-order-token': first.accessToken })).statusCode).toBe(404);
      expect((await get(first.id, { 'x-order-token': `${first.accessToken}x` })).statusCode).toBe(404);
      expect((await get(first.id, (await registerCustomer(t)).headers)).statusCode).toBe(404);
    });

    it('asks for a sign-in or an order token when neither is sent', async () => {
      const placed = (
        await placeOrder(t, orderBody([{ sku: 'DV-CAPS', quantity: 1 }], { email: 'nothing@example.org' }))
      ).json();
      const res = await get(placed.id);
      expect(res.statusCode).toBe(401);
      expect(res.json().type).toBe('urn:storefront:problem:unauthorized');
      expect((await get('not-a-uuid', (await registerCustomer(t)).headers)).statusCode).toBe(404);
    });
  });
});
