import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { eventually, freshIp, GOOD_PASSWORD, login, mailTo, newCustomer, register } from './helpers.js';

interface Problem {
  type: string;
  status: number;
  errors?: { field: string; reason: string }[];
}

describe('customer registration', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Workers on: the notices the registration enqueues are really sent to the development mailbox.
    t = await startTestApp({ env: { JOBS_ENABLED: 'true', REGISTRATION_MAX_PER_CLIENT: '3' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('opens an account with only the mandatory fields, and the person can sign in', async () => {
    const body = newCustomer();
    const res = await register(t, body);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ status: 'accepted', message: expect.any(String) });
    const { rows } = await t.db.query(
      'select first_name, last_name, phone, date_of_birth, company from customer where email_normalized = $1',
      [body.email],
    );
    expect(rows).toEqual([
      { first_name: 'Erika', last_name: 'Mustermann', phone: null, date_of_birth: null, company: null },
    ]);
    expect((await login(t, body.email, body.password)).statusCode).toBe(200);
  });

  it('keeps the voluntary fields when given', async () => {
    const body = newCustomer({
      phone: '+49 2154 000000',
      dateOfBirth: '1980-04-12',
      company: 'Praxis Dr. Muster',
    });
    expect((await register(t, body)).statusCode).toBe(202);
    const { rows } = await t.db.query(
      `select phone, to_char(date_of_birth, 'YYYY-MM-DD') as dob, company from customer where email_normalized = $1`,
      [body.email],
    );
    expect(rows[0]).toEqual({ phone: '+49 2154 000000', dob: '1980-04-12', company: 'Praxis Dr. Muster' });
  });

  it('stores the email as given and compares it case-insensitively', async () => {
    const body = newCustomer();
    const shouted = `  ${body.email.toUpperCase()} `;
    expect((await register(t, { ...body, email: shouted })).statusCode).toBe(202);
    const { rows } = await t.db.query(
      'select email, email_normalized from customer where email_normalized = $1',
      [body.email],
    );
    expect(rows).toEqual([{ email: shouted.trim(), email_normalized: body.email }]);
    expect((await login(t, body.email, body.password)).statusCode).toBe(200);
  });

  it('answers a duplicate email exactly like a success and tells the owner by email instead', async () => {
    const body = newCustomer();
    const first = await register(t, body);
    const second = await register(t, {
      ...body,
      email: body.email.toUpperCase(),
      password: 'Another-Password-123',
      firstName: 'Mallory',
      marketingOptIn: true,
    });
    expect(second.statusCode).toBe(first.statusCode);
    expect(second.body).toBe(first.body);
    expect(Object.keys(second.headers).sort()).toEqual(Object.keys(first.headers).sort());

    const { rows } = await t.db.query('select id, first_name from customer where email_normalized = $1', [
      body.email,
    ]);
    expect(rows).toEqual([{ id: expect.any(String), first_name: 'Erika' }]);
    // The stranger's opt-in never becomes the owner's consent.
    const consents = await t.db.query('select 1 from privacy.consent_event where subject_id = $1', [
      `customer:${rows[0].id}`,
    ]);
    expect(consents.rowCount).toBe(0);
    // The original password still works; the second one never did anything.
    expect((await login(t, body.email, body.password)).statusCode).toBe(200);

    const messages = await eventually(async () => {
      const m = await mailTo(t, body.email);
      return m.length >= 2 ? m : undefined;
    });
    expect(messages.map((m) => m.template).sort()).toEqual([
      'registration.already-registered',
      'registration.welcome',
    ]);
    const notice = messages.find((m) => m.template === 'registration.already-registered');
    expect(notice).toMatchObject({ subject_id: `customer:${rows[0].id}`, to_address: body.email });
    expect(notice?.body_text).toContain('Erika Mustermann');
    expect(notice?.body_text).not.toContain('Mallory');
  });

  it('answers unknown fields with 400 problem+json naming each field', async () => {
    const res = await register(t, { ...newCustomer(), isAdmin: true, newsletter: 'yes' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = res.json<Problem>();
    expect(problem.type).toBe('urn:storefront:problem:validation-error');
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { field: 'isAdmin', reason: 'is not an allowed property' },
        { field: 'newsletter', reason: 'is not an allowed property' },
      ]),
    );
  });

  it('answers a malformed email with 400 problem+json that does not echo it', async () => {
    for (const email of ['not-an-email', 'erika@', 'erika example.org', '']) {
      const res = await register(t, newCustomer({ email }));
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json<Problem>().errors?.map((e) => e.field)).toContain('email');
      if (email) expect(res.body).not.toContain(email);
    }
  });

  it('requires email, password, first and last name', async () => {
    const res = await register(t, {});
    expect(res.statusCode).toBe(400);
    const fields = new Set(res.json<Problem>().errors?.map((e) => e.field));
    expect([...fields].sort()).toEqual(['email', 'firstName', 'lastName', 'password']);
  });

  it('refuses passwords under 10 characters and the most breached ones, without echoing them', async () => {
    const cases = [
      ['Short-1', 'must be at least 10 characters long'],
      ['password123', 'is one of the most commonly breached passwords; choose another'],
      ['QWERTYUIOP', 'is one of the most commonly breached passwords; choose another'],
    ];
    for (const [password, reason] of cases) {
      const res = await register(t, newCustomer({ password }));
      expect(res.statusCode).toBe(400);
      expect(res.json<Problem>().errors).toEqual([{ field: 'password', reason }]);
      expect(res.body).not.toContain(password);
    }
  });

  it('refuses a date of birth in the future and a phone number that is none', async () => {
    const res = await register(t, newCustomer({ dateOfBirth: '2999-01-01', phone: 'call me maybe' }));
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json<Problem>()
        .errors?.map((e) => e.field)
        .sort(),
    ).toEqual(['dateOfBirth', 'phone']);
  });

  it('hashes the password with Argon2id and keeps no copy of it', async () => {
    const body = newCustomer();
    await register(t, body);
    const { rows } = await t.db.query<{ password_hash: string }>(
      'select password_hash from customer where email_normalized = $1',
      [body.email],
    );
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(rows[0].password_hash).not.toContain(GOOD_PASSWORD);
  });

  it('records a marketing opt-in in the consent ledger, never in the account', async () => {
    const body = newCustomer({ marketingOptIn: true });
    const res = await register(t, body);
    const { rows } = await t.db.query<{ id: string }>('select id from customer where email_normalized = $1', [
      body.email,
    ]);
    const events = await t.db.query(
      `select purpose, action, wording_version, channel, evidence from privacy.consent_event where subject_id = $1`,
      [`customer:${rows[0].id}`],
    );
    expect(events.rows).toEqual([
      {
        purpose: 'marketing-email',
        action: 'grant',
        wording_version: 'marketing-email-2025-01',
        channel: 'registration',
        evidence: { requestId: res.headers['x-request-id'] },
      },
    ]);
    const columns = await t.db.query(
      `select column_name from information_schema.columns where table_name = 'customer' and column_name ~ 'marketing|opt|consent|newsletter'`,
    );
    expect(columns.rowCount).toBe(0);
  });

  it('records no consent when the opt-in is false or left out', async () => {
    const body = newCustomer({ marketingOptIn: false });
    await register(t, body);
    const { rows } = await t.db.query(
      `select 1 from privacy.consent_event e join customer c on e.subject_id = 'customer:' || c.id
        where c.email_normalized = $1`,
      [body.email],
    );
    expect(rows).toEqual([]);
  });

  it('throttles registrations from one client with 429 and Retry-After', async () => {
    const ip = freshIp();
    for (let i = 0; i < 3; i += 1) expect((await register(t, newCustomer(), ip)).statusCode).toBe(202);
    const res = await register(t, newCustomer(), ip);
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    // Another client is not affected.
    expect((await register(t, newCustomer())).statusCode).toBe(202);
  });

  it('says which fields are mandatory and which voluntary, and why each is asked', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/v1/shop/customers/fields' });
    expect(res.statusCode).toBe(200);
    const answer = res.json<{
      legalBasis: string;
      fields: { field: string; required: boolean; reason: string }[];
      consents: { field: string; purpose: string; required: boolean; wording: string }[];
    }>();
    expect(answer.legalBasis).toBe('6(1)(b)');
    const required = Object.fromEntries(answer.fields.map((f) => [f.field, f.required]));
    expect(required).toEqual({
      email: true,
      password: true,
      firstName: true,
      lastName: true,
      phone: false,
      dateOfBirth: false,
      company: false,
    });
    for (const f of answer.fields) expect(f.reason.length).toBeGreaterThan(10);
    expect(answer.consents).toEqual([
      expect.objectContaining({ field: 'marketingOptIn', purpose: 'marketing-email', required: false }),
    ]);
  });

  it('marks mandatory and voluntary fields in the OpenAPI schema', async () => {
    const doc = (await t.inject({ method: 'GET', url: '/docs-json' })).json<{
      paths: Record<string, Record<string, unknown>>;
      components: {
        schemas: Record<
          string,
          { required?: string[]; properties: Record<string, { description?: string }> }
        >;
      };
    }>();
    expect(doc.paths['/api/v1/shop/customers']).toHaveProperty('post');
    const schema = doc.components.schemas.RegisterCustomerDto;
    expect([...(schema.required ?? [])].sort()).toEqual(['email', 'firstName', 'lastName', 'password']);
    for (const field of ['email', 'password', 'firstName', 'lastName'])
      expect(schema.properties[field].description).toMatch(/^Mandatory\./);
    for (const field of ['phone', 'dateOfBirth', 'company'])
      expect(schema.properties[field].description).toMatch(/^Voluntary/);
    expect(schema.properties.marketingOptIn.description).toMatch(/Voluntary, and not a condition/);
  });
});
