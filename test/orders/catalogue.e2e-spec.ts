import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { DEMO_CATALOGUE, upsertDemoCatalogue } from '../../src/modules/orders/demo-catalogue.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { createStaff, orderBody, placeOrder, registerCustomer, stockOf } from './orders-fixtures.js';

describe('the catalogue', () => {
  let t: TestApp;
  let admin: { authorization: string };

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await createStaff(t, 'admin')).headers;
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = (payload: Record<string, unknown>, headers = admin) =>
    t.inject({ method: 'POST', url: '/api/v1/admin/products', headers, payload });
  const update = (id: string, payload: Record<string, unknown>) =>
    t.inject({ method: 'PATCH', url: `/api/v1/admin/products/${id}`, headers: admin, payload });

  describe('seed', () => {
    it('writes the demo catalogue once, keeping the stock of existing products unless reset', async () => {
      const db = t.app.get(DataSource);
      expect(await upsertDemoCatalogue(db.manager, { resetStock: false })).toEqual({
        inserted: DEMO_CATALOGUE.length,
        updated: 0,
      });
      await t.db.query(`update product set stock = 3 where sku = 'DV-PRO-2'`);
      expect(await upsertDemoCatalogue(db.manager, { resetStock: false })).toEqual({
        inserted: 0,
        updated: DEMO_CATALOGUE.length,
      });
      expect(await stockOf(t, 'DV-PRO-2')).toBe(3);
      await upsertDemoCatalogue(db.manager, { resetStock: true });
      expect(await stockOf(t, 'DV-PRO-2')).toBe(DEMO_CATALOGUE.find((p) => p.sku === 'DV-PRO-2')?.stock);
    });

    it('sells devices and accessories at 19 % and the printed handbook at 7 %', () => {
      expect(DEMO_CATALOGUE.length).toBeGreaterThanOrEqual(8);
      expect(DEMO_CATALOGUE.filter((p) => p.vatRateBp === 700).map((p) => p.sku)).toEqual([
        'BOOK-SKIN-ATLAS',
      ]);
    });
  });

  describe('GET /api/v1/shop/products', () => {
    it('pages through the products on sale by name, without stock counts', async () => {
      const first = await t.inject({ url: '/api/v1/shop/products?page=1&pageSize=5' });
      expect(first.statusCode).toBe(200);
      const body = first.json();
      expect(body).toMatchObject({ page: 1, pageSize: 5, total: DEMO_CATALOGUE.length });
      expect(body.items).toHaveLength(5);
      expect(body.items[0]).toEqual({
        id: expect.any(String),
        sku: expect.any(String),
        name: expect.any(String),
        description: expect.any(String),
        priceCents: expect.any(Number),
        currency: 'EUR',
        vatRateBp: expect.any(Number),
        weightGrams: expect.any(Number),
        inStock: true,
      });
      const names = body.items.map((p: { name: string }) => p.name);
      expect(names).toEqual([...names].sort());
      const second = (await t.inject({ url: '/api/v1/shop/products?page=2&pageSize=5' })).json();
      expect(second.items).toHaveLength(DEMO_CATALOGUE.length - 5);
    });

    it('refuses a page size above 100', async () => {
      const res = await t.inject({ url: '/api/v1/shop/products?pageSize=101' });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].field).toBe('pageSize');
    });
  });

  describe('/api/v1/admin/products', () => {
    it('lets an admin add a product, which is then on sale', async () => {
      const res = await create({
        sku: 'DV-TRIPOD',
        name: 'Tripod',
        priceCents: 2_990,
        vatRateBp: 1900,
        stock: 4,
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ sku: 'DV-TRIPOD', currency: 'EUR', stock: 4, active: true });
      const shop = (await t.inject({ url: '/api/v1/shop/products?pageSize=100' })).json();
      expect(shop.items.map((p: { sku: string }) => p.sku)).toContain('DV-TRIPOD');
      expect(
        (await create({ sku: 'DV-TRIPOD', name: 'Again', priceCents: 1, vatRateBp: 700, stock: 0 }))
          .statusCode,
      ).toBe(409);
    });

    it('validates SKU, price and VAT rate, naming each field', async () => {
      const res = await create({ sku: 'bad sku', name: 'X', priceCents: 0, vatRateBp: 1600, stock: -1 });
      expect(res.statusCode).toBe(400);
      expect(
        res
          .json()
          .errors.map((e: { field: string }) => e.field)
          .sort(),
      ).toEqual(['priceCents', 'sku', 'stock', 'vatRateBp']);
      expect(
        (await create({ sku: 'DV-FLOAT', name: 'X', priceCents: 9.99, vatRateBp: 1900, stock: 1 }))
          .statusCode,
      ).toBe(400);
    });

    it('changes price, adjusts stock atomically and hides a product from the shop', async () => {
      const { id } = (
        await create({ sku: 'DV-ADJUST', name: 'Adjust', priceCents: 1_000, vatRateBp: 1900, stock: 2 })
      ).json();
      const raised = await update(id, { priceCents: 1_200, stockAdjustment: 10 });
      expect(raised.json()).toMatchObject({ priceCents: 1_200, stock: 12 });
      const below = await update(id, { stockAdjustment: -13 });
      expect(below.statusCode).toBe(409);
      expect(await stockOf(t, 'DV-ADJUST')).toBe(12);
      expect((await update(id, { stock: 1, stockAdjustment: 1 })).statusCode).toBe(400);
      expect((await update(id, { active: false })).json()).toMatchObject({ active: false });
      const order = await placeOrder(
        t,
        orderBody([{ sku: 'DV-ADJUST', quantity: 1 }], { email: 'hidden@example.org' }),
      );
      expect(order.statusCode).toBe(422);
    });

    it('deletes a product never ordered, and refuses to delete an ordered one', async () => {
      const fresh = (
        await create({ sku: 'DV-GONE', name: 'Gone', priceCents: 100, vatRateBp: 1900, stock: 1 })
      ).json();
      expect(
        (await t.inject({ method: 'DELETE', url: `/api/v1/admin/products/${fresh.id}`, headers: admin }))
          .statusCode,
      ).toBe(204);
      const ordered = (
        await create({ sku: 'DV-KEPT', name: 'Kept', priceCents: 100, vatRateBp: 1900, stock: 1 })
      ).json();
      expect(
        (await placeOrder(t, orderBody([{ sku: 'DV-KEPT', quantity: 1 }], { email: 'kept@example.org' })))
          .statusCode,
      ).toBe(201);
      const refused = await t.inject({
        method: 'DELETE',
        url: `/api/v1/admin/products/${ordered.id}`,
        headers: admin,
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().type).toBe('urn:storefront:problem:product-ordered');
    });

    it('is for admins only', async () => {
      const payload = { sku: 'DV-NOPE', name: 'No', priceCents: 100, vatRateBp: 1900, stock: 1 };
      expect((await create(payload, (await createStaff(t, 'fulfilment')).headers)).statusCode).toBe(403);
      expect((await create(payload, (await registerCustomer(t)).headers)).statusCode).toBe(401);
      expect((await t.inject({ method: 'POST', url: '/api/v1/admin/products', payload })).statusCode).toBe(
        401,
      );
      expect(
        (await t.inject({ url: '/api/v1/admin/products', headers: admin })).json().total,
      ).toBeGreaterThan(0);
    });
  });
});
