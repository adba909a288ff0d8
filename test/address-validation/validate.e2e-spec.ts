import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('POST /api/v1/shop/addresses/validate', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const validate = (payload: Record<string, unknown>) =>
    t.inject({ method: 'POST', url: '/api/v1/shop/addresses/validate', payload });
  const seed = {
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

  it("validates the seed's address", async () => {
    const res = await validate(seed);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ valid: true, errors: [], suggestions: [], normalized: seed });
  });

  it('answers "47877 Berlin" with valid false and a suggestion', async () => {
    const res = await validate({ ...seed, city: 'Berlin' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      valid: false,
      errors: [{ field: 'city' }],
      suggestions: expect.arrayContaining([expect.objectContaining({ field: 'city', value: 'Willich' })]),
    });
  });

  it('rejects unknown fields with problem+json naming the field', async () => {
    const res = await validate({ ...seed, planet: 'Mars' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ field: 'planet', reason: 'is not an allowed property' }]);
  });

  it('stores nothing', async () => {
    await validate({ ...seed, city: 'Wilich' });
    const tables = await t.db.query(
      `select table_name from information_schema.tables where table_schema = 'public' and table_name ilike '%address%'`,
    );
    for (const { table_name } of tables.rows as { table_name: string }[]) {
      expect((await t.db.query(`select count(*)::int as n from ${table_name}`)).rows[0].n).toBe(0);
    }
  });
});
