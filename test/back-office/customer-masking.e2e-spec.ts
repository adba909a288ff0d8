import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SubjectControls } from '@app/privacy';
import type { StaffRole } from '../../src/common/auth/auth.guards.js';
import { staffToken, startTestApp, type TestApp } from '../helpers/test-app.js';

const ERIKA = {
  email: 'Erika.Mustermann@example.org',
  phone: '+49 2154 123456',
  company: 'Hautarztpraxis Mustermann',
  dateOfBirth: '1970-05-17',
  passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA',
};

interface AuditRow {
  actor_type: string;
  actor_id: string;
  actor_role: string;
  subject_id: string;
  activity_id: string;
  action: string;
  fields: string[];
}

/** Every leaf path of a JSON value, arrays transparent (`addresses.street`): what the audit log must name. */
function leafPaths(value: unknown, path = '', out = new Set<string>()): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) out.add(path);
    value.forEach((v) => leafPaths(v, path, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) leafPaths(v, path ? `${path}.${k}` : k, out);
  } else out.add(path);
  return [...out].sort();
}

const subjectOf = (token: string): string =>
  (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { sub: string }).sub;

describe('staff reads of customers, masked by role and audited', () => {
  let t: TestApp;
  let erikaId: string;
  let maxId: string;
  const tokens = {} as Record<StaffRole, string>;

  const get = (role: StaffRole, url: string) =>
    t.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[role]}` } });
  const search = (role: StaffRole, payload: Record<string, unknown>) =>
    t.inject({
      method: 'POST',
      url: '/api/v1/admin/customers/search',
      payload,
      headers: { authorization: `Bearer ${tokens[role]}` },
    });

  const auditRows = async (subjectId: string): Promise<AuditRow[]> =>
    (
      await t.db.query<AuditRow>(
        `select actor_type, actor_id, actor_role, subject_id, activity_id, action, fields
           from privacy.access_audit_log where subject_id = $1 order by seq`,
        [subjectId],
      )
    ).rows;

  async function insertCustomer(c: {
    email: string;
    firstName: string;
    lastName: string;
    phone?: string;
    company?: string;
    dateOfBirth?: string;
    createdAt: string;
  }): Promise<string> {
    const { rows } = await t.db.query<{ id: string }>(
      `insert into customer (email, email_normalized, password_hash, first_name, last_name, phone, company, date_of_birth, created_at)
       values ($1, lower($1), $2, $3, $4, $5, $6, $7, $8) returning id`,
      [
        c.email,
        ERIKA.passwordHash,
        c.firstName,
        c.lastName,
        c.phone ?? null,
        c.company ?? null,
        c.dateOfBirth ?? null,
        c.createdAt,
      ],
    );
    return rows[0].id;
  }

  beforeAll(async () => {
    t = await startTestApp();
    erikaId = await insertCustomer({
      email: ERIKA.email,
      firstName: 'Erika',
      lastName: 'Mustermann',
      phone: ERIKA.phone,
      company: ERIKA.company,
      dateOfBirth: ERIKA.dateOfBirth,
      createdAt: '2025-01-10T10:00:00Z',
    });
    maxId = await insertCustomer({
      email: 'max@example.org',
      firstName: 'Max',
      lastName: 'Mustermann',
      createdAt: '2025-02-10T10:00:00Z',
    });
    await t.db.query(
      `insert into customer_address (customer_id, label, first_name, last_name, company, street, house_number, postal_code, city, country, is_default_delivery, is_default_billing)
       values ($1, 'Praxis', 'Erika', 'Mustermann', 'Hautarztpraxis Mustermann', 'Siemensring', '98', '47877', 'Willich', 'DE', true, false),
              ($1, 'Rechnung', 'Erika', 'Mustermann', null, 'Bahnstraße', '1', '47798', 'Krefeld', 'DE', false, true)`,
      [erikaId],
    );
    for (const role of ['fulfilment', 'support', 'privacy-officer', 'admin'] as const)
      tokens[role] = await staffToken(t, role);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('fulfilment', () => {
    it('never receives email, phone, company, date of birth or the password hash: neither the keys nor the values', async () => {
      for (const read of [
        () => get('fulfilment', `/api/v1/admin/customers/${erikaId}`),
        () => search('fulfilment', { query: 'Mustermann' }),
      ]) {
        const res = await read();
        expect(res.statusCode).toBe(200);
        const raw = res.body;
        for (const key of [
          '"email"',
          '"phone"',
          '"dateOfBirth"',
          '"passwordHash"',
          '"password_hash"',
          '"isDefaultBilling"',
        ])
          expect(raw).not.toContain(key);
        for (const value of [
          ERIKA.email,
          ERIKA.email.toLowerCase(),
          '2154',
          ERIKA.dateOfBirth,
          ERIKA.passwordHash,
          'argon2',
        ])
          expect(raw).not.toContain(value);
        // The customer's own company is contact data; only the one on a delivery label may show.
        const body = res.json();
        for (const customer of Array.isArray(body.items) ? body.items : [body])
          expect(Object.keys(customer).sort()).toEqual(['addresses', 'firstName', 'id', 'lastName']);
      }
    });

    it('sees the name and the delivery address fields of the address book', async () => {
      const res = await get('fulfilment', `/api/v1/admin/customers/${erikaId}`);
      expect(res.json()).toEqual({
        id: erikaId,
        firstName: 'Erika',
        lastName: 'Mustermann',
        addresses: [
          expect.objectContaining({
            label: 'Praxis',
            street: 'Siemensring',
            houseNumber: '98',
            postalCode: '47877',
            city: 'Willich',
            country: 'DE',
            company: 'Hautarztpraxis Mustermann',
            isDefaultDelivery: true,
          }),
          expect.objectContaining({ label: 'Rechnung', street: 'Bahnstraße', city: 'Krefeld' }),
        ],
      });
      expect(Object.keys(res.json().addresses[0]).sort()).toEqual([
        'addressLine2',
        'city',
        'company',
        'country',
        'firstName',
        'houseNumber',
        'id',
        'isDefaultDelivery',
        'label',
        'lastName',
        'postalCode',
        'street',
      ]);
    });

    it('may not search by email address (the answer would reveal it): 403, and nothing is read', async () => {
      const before = await auditRows(`customer:${erikaId}`);
      const res = await search('fulfilment', { query: ERIKA.email });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ type: 'urn:storefront:problem:search-not-allowed' });
      expect(res.body).not.toContain('Erika');
      expect(await auditRows(`customer:${erikaId}`)).toHaveLength(before.length);
    });

    it('finds customers by name and by customer id', async () => {
      const byName = await search('fulfilment', { query: 'erika muster' });
      expect(byName.json().items.map((c: { id: string }) => c.id)).toEqual([erikaId]);
      const byId = await search('fulfilment', { query: maxId });
      expect(byId.json().items.map((c: { id: string }) => c.id)).toEqual([maxId]);
    });
  });

  describe('support and admin', () => {
    it.each(['support', 'admin'] as const)(
      '%s sees the contact data (email, phone, company) but not the date of birth',
      async (role) => {
        const res = await get(role, `/api/v1/admin/customers/${erikaId}`);
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ email: ERIKA.email, phone: ERIKA.phone, company: ERIKA.company });
        expect(res.json()).not.toHaveProperty('dateOfBirth');
        expect(res.body).not.toContain(ERIKA.passwordHash);
        expect(res.json().addresses[1]).toMatchObject({ isDefaultBilling: true });
      },
    );

    it('support finds a customer by email address, in any letter case', async () => {
      const res = await search('support', { query: '  ERIKA.mustermann@EXAMPLE.org ' });
      expect(res.statusCode).toBe(200);
      expect(res.json().items.map((c: { id: string }) => c.id)).toEqual([erikaId]);
    });
  });

  it('shows the privacy officer every personal field held, never the password hash', async () => {
    const res = await get('privacy-officer', `/api/v1/admin/customers/${erikaId}`);
    expect(res.json()).toMatchObject({
      email: ERIKA.email,
      phone: ERIKA.phone,
      dateOfBirth: ERIKA.dateOfBirth,
    });
    expect(res.body).not.toContain(ERIKA.passwordHash);
  });

  describe('the access audit log', () => {
    it('records each read with the staff member, the activity and exactly the fields returned', async () => {
      for (const role of ['fulfilment', 'support', 'privacy-officer'] as const) {
        const res = await get(role, `/api/v1/admin/customers/${erikaId}`);
        const rows = await auditRows(`customer:${erikaId}`);
        expect(rows.at(-1)).toEqual({
          actor_type: 'staff',
          actor_id: subjectOf(tokens[role]),
          actor_role: role,
          subject_id: `customer:${erikaId}`,
          activity_id: 'customer-support',
          action: 'read',
          fields: leafPaths(res.json()),
        });
      }
    });

    it('records one entry per customer in a search result, with the fields that customer’s entry held', async () => {
      const before = {
        erika: (await auditRows(`customer:${erikaId}`)).length,
        max: (await auditRows(`customer:${maxId}`)).length,
      };
      const res = await search('support', { query: 'Mustermann' });
      const items = res.json().items as { id: string }[];
      expect(items.map((c) => c.id)).toEqual([maxId, erikaId]); // newest first
      const erika = await auditRows(`customer:${erikaId}`);
      const max = await auditRows(`customer:${maxId}`);
      expect(erika).toHaveLength(before.erika + 1);
      expect(max).toHaveLength(before.max + 1);
      expect(erika.at(-1)!.fields).toEqual(leafPaths(items[1]));
      expect(max.at(-1)!.fields).toEqual(leafPaths(items[0]));
      expect(max.at(-1)!.fields).toContain('email');
    });

    it('keeps the chain intact through all of it', async () => {
      const verify = await t.inject({
        method: 'GET',
        url: '/api/v1/admin/audit/verify',
        headers: { authorization: `Bearer ${tokens['privacy-officer']}` },
      });
      expect(verify.json()).toMatchObject({ valid: true });
    });
  });

  it('pages through results with an opaque cursor, newest first', async () => {
    const first = await search('support', { query: 'Mustermann', limit: 1 });
    expect(first.json().items.map((c: { id: string }) => c.id)).toEqual([maxId]);
    const cursor = first.json().nextCursor as string;
    expect(cursor).not.toMatch(/Mustermann|example\.org/);
    const second = await search('support', { query: 'Mustermann', limit: 1, cursor });
    expect(second.json().items.map((c: { id: string }) => c.id)).toEqual([erikaId]);
    const bad = await search('support', { query: 'Mustermann', cursor: 'nonsense' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ field: 'cursor', reason: expect.any(String) }]);
  });

  it('rejects a query too short to be a search, and unknown fields, naming the field', async () => {
    const short = await search('support', { query: 'M' });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors).toEqual([{ field: 'query', reason: expect.any(String) }]);
    const unknown = await search('support', { query: 'Mustermann', fields: 'email' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([{ field: 'fields', reason: 'is not an allowed property' }]);
  });

  it('never takes the search from the URL, where proxies and histories would keep it', async () => {
    const res = await get('support', '/api/v1/admin/customers?query=Mustermann');
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('Erika');
  });

  it('answers 404 for an unknown customer and 401 without a staff token', async () => {
    expect(
      (await get('support', '/api/v1/admin/customers/00000000-0000-4000-8000-000000000000')).statusCode,
    ).toBe(404);
    expect((await t.inject({ method: 'GET', url: `/api/v1/admin/customers/${erikaId}` })).statusCode).toBe(
      401,
    );
  });

  it('withholds a customer under restriction (Art. 18): 403 for the record, left out of searches', async () => {
    const restricted = await insertCustomer({
      email: 'restricted@example.org',
      firstName: 'Rita',
      lastName: 'Eingeschränkt',
      createdAt: '2025-03-01T10:00:00Z',
    });
    await t.app
      .get(SubjectControls)
      .restrict(`customer:${restricted}`, 'accuracy contested', 'privacy-officer');
    const one = await get('support', `/api/v1/admin/customers/${restricted}`);
    expect(one.statusCode).toBe(403);
    expect(one.json()).toMatchObject({
      type: 'urn:storefront:problem:processing-refused',
      reason: 'restricted',
    });
    expect(one.body).not.toContain('Rita');
    const found = await search('support', { query: 'Eingeschränkt' });
    expect(found.json().items).toEqual([]);
    expect(await auditRows(`customer:${restricted}`)).toEqual([]);
  });
});
