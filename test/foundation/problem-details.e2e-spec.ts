import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Body, Controller, Module, Post } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { validateConfig } from '../../src/config/app-config.js';
import { createApp } from '../../src/create-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

class ProbeAddress {
  @IsString()
  @Length(4, 5)
  postalCode!: string;
}

class ProbeBody {
  @IsEmail()
  email!: string;

  @IsInt()
  @Min(1)
  @Max(10)
  quantity!: number;

  @ValidateNested()
  @Type(() => ProbeAddress)
  address!: ProbeAddress;
}

@Controller('probe')
class ProbeController {
  @Post()
  accept(@Body() body: ProbeBody): { ok: true; quantity: number } {
    return { ok: true, quantity: body.quantity };
  }

  @Post('explode')
  explode(): never {
    throw new Error(
      'relation "secret_table" does not exist at SELECT * FROM customers WHERE email = erika@example.org',
    );
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('every error is RFC 9457 problem+json', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = validateConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      JOBS_ENABLED: 'false',
      DATABASE_URL: db.url,
      BODY_LIMIT_BYTES: '2048',
    });
    app = await createApp({ config, databaseUrl: db.url, extraModules: [ProbeModule] });
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', ...headers } });

  it('accepts a valid body and transforms it to the DTO', async () => {
    const res = await post(
      '/probe',
      JSON.stringify({ email: 'a@example.org', quantity: 2, address: { postalCode: '47877' } }),
    );
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ ok: true, quantity: 2 });
  });

  it('lists each invalid field and why, without echoing the values', async () => {
    const res = await post(
      '/probe',
      JSON.stringify({ email: 'not-an-email', quantity: 0, address: { postalCode: '1' } }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body).toMatchObject({
      type: 'urn:storefront:problem:validation-error',
      status: 400,
      title: expect.any(String),
    });
    const fields = (body.errors as { field: string; reason: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['address.postalCode', 'email', 'quantity']);
    expect(body.errors.find((e: { field: string }) => e.field === 'email').reason).toBe('must be an email');
    expect(res.body).not.toContain('not-an-email');
    expect(typeof body.requestId).toBe('string');
  });

  it('rejects an unknown property, also inside a nested object', async () => {
    const res = await post(
      '/probe',
      JSON.stringify({
        email: 'a@example.org',
        quantity: 1,
        address: { postalCode: '47877', planet: 'Mars' },
        isAdmin: true,
      }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual(
      expect.arrayContaining([
        { field: 'isAdmin', reason: 'is not an allowed property' },
        { field: 'address.planet', reason: 'is not an allowed property' },
      ]),
    );
  });

  it('answers malformed JSON with 400', async () => {
    const res = await post('/probe', '{"email": "a@example.org",');
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ type: 'urn:storefront:problem:malformed-json', status: 400 });
  });

  it('answers a body over the limit with 413', async () => {
    const res = await post(
      '/probe',
      JSON.stringify({ email: 'a@example.org', quantity: 1, address: { postalCode: 'x'.repeat(5000) } }),
    );
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ type: 'urn:storefront:problem:payload-too-large', status: 413 });
  });

  it('answers an unknown route with 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404 });
  });

  it('answers an unexpected error with a bare 500 that leaks no stack, SQL or personal data', async () => {
    const res = await post('/probe/explode', '{}');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ type: 'urn:storefront:problem:internal-error', status: 500 });
    expect(res.body).not.toMatch(/secret_table|SELECT|erika|at .*\.ts|stack/i);
  });

  it('echoes a well-formed X-Request-Id and makes one otherwise', async () => {
    const given = await app.inject({
      method: 'GET',
      url: '/nowhere',
      headers: { 'x-request-id': 'req-1234567890' },
    });
    expect(given.headers['x-request-id']).toBe('req-1234567890');
    expect(given.json().requestId).toBe('req-1234567890');
    const made = await app.inject({
      method: 'GET',
      url: '/nowhere',
      headers: { 'x-request-id': 'erika@example.org' },
    });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers GET /health with the database status', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('serves the OpenAPI document at /docs-json and the UI at /docs', async () => {
    const json = await app.inject({ method: 'GET', url: '/docs-json' });
    expect(json.statusCode).toBe(200);
    expect(json.json().openapi).toMatch(/^3\./);
    expect(Object.keys(json.json().paths)).toContain('/health');
    const ui = await app.inject({ method: 'GET', url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });
});
