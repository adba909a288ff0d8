import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SubjectControls } from '@app/privacy';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { GOOD_PASSWORD, login, signedInCustomer, type SignedIn } from './helpers.js';

const ADDRESS = {
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

interface Problem {
  type: string;
  errors?: { field: string; reason: string }[];
}

describe('my account: profile, address book and consents', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (c: SignedIn, url: string) => t.inject({ method: 'GET', url, headers: c.auth });
  const send = (c: SignedIn, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    t.inject({ method, url, headers: c.auth, ...(payload ? { payload } : {}) });
  const auditOf = async (customerId: string) =>
    (
      await t.db.query<{ action: string; fields: string[]; actor_type: string; actor_id: string }>(
        `select action, fields, actor_type, actor_id from privacy.access_audit_log
          where subject_id = $1 order by seq`,
        [`customer:${customerId}`],
      )
    ).rows;

  describe('profile', () => {
    it('answers my own profile, never the password hash', async () => {
      const c = await signedInCustomer(t, { phone: '+49 2154 000000' });
      const res = await get(c, '/api/v1/shop/me');
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.json()).toEqual({
        id: c.id,
        email: c.email,
        firstName: 'Erika',
        lastName: 'Mustermann',
        phone: '+49 2154 000000',
        dateOfBirth: null,
        company: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(res.body).not.toMatch(/argon2|password/i);
    });

    it("customer A cannot read customer B's profile by guessing ids", async () => {
      const a = await signedInCustomer(t, { firstName: 'Anna' });
      const b = await signedInCustomer(t, { firstName: 'Bernd' });
      // No route takes a customer id: /me is always the token's own account.
      for (const url of [
        `/api/v1/shop/customers/${b.id}`,
        `/api/v1/shop/me/${b.id}`,
        `/api/v1/shop/me?id=${b.id}`,
      ]) {
        const res = await get(a, url);
        expect(res.body).not.toContain('Bernd');
        expect(res.body).not.toContain(b.email);
      }
      expect((await get(a, `/api/v1/shop/customers/${b.id}`)).statusCode).toBe(404);
      expect((await get(a, '/api/v1/shop/me')).json()).toMatchObject({ id: a.id, firstName: 'Anna' });
    });

    it('rectifies the fields sent (Art. 16) and audits the names of the changed fields only', async () => {
      const c = await signedInCustomer(t);
      const res = await send(c, 'PATCH', '/api/v1/shop/me', {
        lastName: 'Musterfrau',
        company: 'Hautarztpraxis Willich',
        dateOfBirth: '1975-09-30',
        firstName: 'Erika',
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        firstName: 'Erika',
        lastName: 'Musterfrau',
        company: 'Hautarztpraxis Willich',
        dateOfBirth: '1975-09-30',
      });
      const audit = await auditOf(c.id);
      expect(audit).toEqual([
        {
          action: 'rectify',
          fields: ['company', 'dateOfBirth', 'lastName'],
          actor_type: 'subject',
          actor_id: c.id,
        },
      ]);
      // Nothing changed, nothing audited.
      expect((await send(c, 'PATCH', '/api/v1/shop/me', { lastName: 'Musterfrau' })).statusCode).toBe(200);
      expect(await auditOf(c.id)).toHaveLength(1);
    });

    it('removes voluntary fields with null but refuses null for mandatory ones', async () => {
      const c = await signedInCustomer(t, { phone: '+49 2154 000000', company: 'Praxis' });
      const removed = await send(c, 'PATCH', '/api/v1/shop/me', { phone: null, company: null });
      expect(removed.json()).toMatchObject({ phone: null, company: null });
      const refused = await send(c, 'PATCH', '/api/v1/shop/me', { firstName: null, email: null });
      expect(refused.statusCode).toBe(400);
      expect([...new Set(refused.json<Problem>().errors?.map((e) => e.field))].sort()).toEqual([
        'email',
        'firstName',
      ]);
    });

    it('refuses unknown fields, and the password or id through PATCH', async () => {
      const c = await signedInCustomer(t);
      const res = await send(c, 'PATCH', '/api/v1/shop/me', {
        password: 'Something-New-123',
        id: 'x',
        role: 'admin',
      });
      expect(res.statusCode).toBe(400);
      expect(
        res
          .json<Problem>()
          .errors?.map((e) => e.field)
          .sort(),
      ).toEqual(['id', 'password', 'role']);
    });

    it('changes the email address only to one no other account has, compared case-insensitively', async () => {
      const a = await signedInCustomer(t);
      const b = await signedInCustomer(t);
      const taken = await send(a, 'PATCH', '/api/v1/shop/me', { email: b.email.toUpperCase() });
      expect(taken.statusCode).toBe(409);
      expect(taken.json<Problem>().type).toBe('urn:storefront:problem:email-taken');
      expect(taken.body).not.toContain(b.email);

      const fresh = `renamed-${Date.now()}@example.org`;
      const changed = await send(a, 'PATCH', '/api/v1/shop/me', { email: fresh });
      expect(changed.json()).toMatchObject({ email: fresh });
      expect((await login(t, fresh, a.password)).statusCode).toBe(200);
      expect((await login(t, a.email, a.password)).statusCode).toBe(401);
      // The old address is free again.
      expect((await send(b, 'PATCH', '/api/v1/shop/me', { email: a.email })).statusCode).toBe(200);
    });

    it('lets the person rectify their own data while processing is restricted (Art. 18(1)(a) waits for it)', async () => {
      const c = await signedInCustomer(t);
      await t.app
        .get(SubjectControls)
        .restrict(`customer:${c.id}`, 'accuracy contested', 'privacy-officer:1');
      const res = await send(c, 'PATCH', '/api/v1/shop/me', { lastName: 'Other' });
      expect(res.statusCode).toBe(200);
      expect((await get(c, '/api/v1/shop/me')).json()).toMatchObject({ lastName: 'Other' });
      // Anything else stays stopped: a password change is not the rectification the restriction waits for.
      const password = await send(c, 'POST', '/api/v1/shop/me/password', {
        currentPassword: c.password,
        newPassword: 'A-Brand-New-Secret-42',
      });
      expect(password.statusCode).toBe(403);
    });

    it('changes the password only with the current one, and ends every other session', async () => {
      const c = await signedInCustomer(t);
      const other = (await login(t, c.email, c.password)).json<{ accessToken: string }>();
      const wrong = await send(c, 'POST', '/api/v1/shop/me/password', {
        currentPassword: 'Not-My-Password-1',
        newPassword: 'A-Brand-New-Secret-42',
      });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json<Problem>().errors).toEqual([
        { field: 'currentPassword', reason: 'is not your current password' },
      ]);
      const weak = await send(c, 'POST', '/api/v1/shop/me/password', {
        currentPassword: GOOD_PASSWORD,
        newPassword: 'password123',
      });
      expect(weak.statusCode).toBe(400);

      const ok = await send(c, 'POST', '/api/v1/shop/me/password', {
        currentPassword: GOOD_PASSWORD,
        newPassword: 'A-Brand-New-Secret-42',
      });
      expect(ok.statusCode).toBe(204);
      expect((await login(t, c.email, GOOD_PASSWORD)).statusCode).toBe(401);
      expect((await login(t, c.email, 'A-Brand-New-Secret-42')).statusCode).toBe(200);
      // This session goes on; the other device is signed out.
      expect((await get(c, '/api/v1/shop/me')).statusCode).toBe(200);
      const otherMe = await t.inject({
        method: 'GET',
        url: '/api/v1/shop/me',
        headers: { authorization: `Bearer ${other.accessToken}` },
      });
      expect(otherMe.statusCode).toBe(401);
      expect((await auditOf(c.id)).map((e) => e.fields)).toEqual([['password']]);
      const jobs = await t.db.query<{ template: string }>(
        `select data->>'template' as template from pgboss.job
          where name = 'notifications.send' and data->'recipient'->>'id' = $1`,
        [c.id],
      );
      expect(jobs.rows.map((r) => r.template).sort()).toEqual([
        'registration.password-changed',
        'registration.welcome',
      ]);
    });
  });

  describe('address book', () => {
    it('adds, lists, rectifies and deletes my addresses', async () => {
      const c = await signedInCustomer(t);
      const created = await send(c, 'POST', '/api/v1/shop/me/addresses', {
        ...ADDRESS,
        isDefaultDelivery: true,
      });
      expect(created.statusCode).toBe(201);
      const address = created.json<{ id: string }>();
      expect(address).toMatchObject({
        ...ADDRESS,
        isDefaultDelivery: true,
        isDefaultBilling: false,
        label: null,
      });

      const list = await get(c, '/api/v1/shop/me/addresses');
      expect(list.json()).toEqual([address]);

      const patched = await send(c, 'PATCH', `/api/v1/shop/me/addresses/${address.id}`, {
        houseNumber: '98a',
        addressLine2: 'Hinterhaus',
      });
      expect(patched.json()).toMatchObject({
        houseNumber: '98a',
        addressLine2: 'Hinterhaus',
        street: 'Siemensring',
      });
      expect((await auditOf(c.id)).at(-1)).toMatchObject({
        action: 'rectify',
        fields: ['address.addressLine2', 'address.houseNumber'],
      });

      expect((await send(c, 'DELETE', `/api/v1/shop/me/addresses/${address.id}`)).statusCode).toBe(204);
      expect((await get(c, '/api/v1/shop/me/addresses')).json()).toEqual([]);
      expect((await t.db.query('select 1 from customer_address where id = $1', [address.id])).rowCount).toBe(
        0,
      );
    });

    it("answers 404 when customer B guesses customer A's address id, for reading, changing and deleting", async () => {
      const a = await signedInCustomer(t);
      const b = await signedInCustomer(t);
      const mine = (await send(a, 'POST', '/api/v1/shop/me/addresses', ADDRESS)).json<{ id: string }>();
      const url = `/api/v1/shop/me/addresses/${mine.id}`;

      const responses = [
        await get(b, url),
        await send(b, 'PATCH', url, { street: 'Elsewhere' }),
        await send(b, 'DELETE', url),
      ];
      const nonexistent = await get(b, '/api/v1/shop/me/addresses/00000000-0000-4000-8000-000000000000');
      for (const res of responses) {
        expect(res.statusCode).toBe(404);
        expect(res.json()).toMatchObject({ type: 'urn:storefront:problem:not-found' });
        // Exactly the answer for an id that does not exist: nothing tells the two apart.
        expect({ ...res.json<object>(), requestId: null }).toEqual({
          ...nonexistent.json<object>(),
          requestId: null,
        });
      }
      expect((await get(b, '/api/v1/shop/me/addresses')).json()).toEqual([]);
      expect((await get(b, '/api/v1/shop/me/addresses/not-a-uuid')).statusCode).toBe(404);
      // A's address is untouched.
      expect((await get(a, url)).json()).toMatchObject({ street: 'Siemensring' });
    });

    it('checks the shape only: an ISO 3166-1 country code and a postal code that is not empty', async () => {
      const c = await signedInCustomer(t);
      const res = await send(c, 'POST', '/api/v1/shop/me/addresses', {
        ...ADDRESS,
        country: 'XX',
        postalCode: ' ',
      });
      expect(res.statusCode).toBe(400);
      expect(
        res
          .json<Problem>()
          .errors?.map((e) => e.field)
          .sort(),
      ).toEqual(['country', 'postalCode']);
      const lower = await send(c, 'POST', '/api/v1/shop/me/addresses', {
        ...ADDRESS,
        country: 'at',
        postalCode: '1010',
      });
      expect(lower.json()).toMatchObject({ country: 'AT' });
      const unknown = await send(c, 'POST', '/api/v1/shop/me/addresses', { ...ADDRESS, phone: '1' });
      expect(unknown.statusCode).toBe(400);
    });

    it('keeps one default delivery and one default billing address', async () => {
      const c = await signedInCustomer(t);
      const first = (
        await send(c, 'POST', '/api/v1/shop/me/addresses', {
          ...ADDRESS,
          isDefaultDelivery: true,
          isDefaultBilling: true,
        })
      ).json<{ id: string }>();
      const second = (
        await send(c, 'POST', '/api/v1/shop/me/addresses', {
          ...ADDRESS,
          city: 'Krefeld',
          isDefaultDelivery: true,
        })
      ).json<{ id: string }>();
      const list = (await get(c, '/api/v1/shop/me/addresses')).json<
        { id: string; isDefaultDelivery: boolean; isDefaultBilling: boolean }[]
      >();
      expect(list.find((x) => x.id === first.id)).toMatchObject({
        isDefaultDelivery: false,
        isDefaultBilling: true,
      });
      expect(list.find((x) => x.id === second.id)).toMatchObject({
        isDefaultDelivery: true,
        isDefaultBilling: false,
      });
    });
  });

  describe('consents', () => {
    it('lists the consents offered, grants with the current wording and withdraws just as easily', async () => {
      const c = await signedInCustomer(t);
      const list = await get(c, '/api/v1/shop/consents');
      expect(list.json()).toEqual({
        consents: [
          {
            purpose: 'marketing-email',
            granted: false,
            since: null,
            wordingVersion: null,
            offered: true,
            currentWordingVersion: 'marketing-email-2025-01',
            currentWording: expect.stringContaining('widerrufen'),
          },
        ],
      });
      const granted = await send(c, 'POST', '/api/v1/shop/consents', {
        purpose: 'marketing-email',
        action: 'grant',
        wordingVersion: 'marketing-email-2025-01',
      });
      expect(granted.statusCode).toBe(200);
      expect(granted.json()).toMatchObject({ granted: true, wordingVersion: 'marketing-email-2025-01' });

      const withdrawn = await send(c, 'POST', '/api/v1/shop/consents', {
        purpose: 'marketing-email',
        action: 'withdraw',
      });
      expect(withdrawn.statusCode).toBe(200);
      expect(withdrawn.json()).toMatchObject({ granted: false });
      const events = await t.db.query(
        `select action, channel from privacy.consent_event where subject_id = $1 order by id`,
        [`customer:${c.id}`],
      );
      expect(events.rows).toEqual([
        { action: 'grant', channel: 'customer-account' },
        { action: 'withdraw', channel: 'customer-account' },
      ]);
    });

    it('withdraws a consent given at registration', async () => {
      const c = await signedInCustomer(t, { marketingOptIn: true });
      expect((await get(c, '/api/v1/shop/consents')).json()).toMatchObject({
        consents: [{ purpose: 'marketing-email', granted: true }],
      });
      await send(c, 'POST', '/api/v1/shop/consents', { purpose: 'marketing-email', action: 'withdraw' });
      expect((await get(c, '/api/v1/shop/consents')).json()).toMatchObject({
        consents: [{ purpose: 'marketing-email', granted: false }],
      });
    });

    it('refuses a grant without the wording version, on an outdated one, or for a purpose not offered', async () => {
      const c = await signedInCustomer(t);
      const missing = await send(c, 'POST', '/api/v1/shop/consents', {
        purpose: 'marketing-email',
        action: 'grant',
      });
      expect(missing.statusCode).toBe(400);
      const outdated = await send(c, 'POST', '/api/v1/shop/consents', {
        purpose: 'marketing-email',
        action: 'grant',
        wordingVersion: 'marketing-email-2019-01',
      });
      expect(outdated.statusCode).toBe(409);
      expect(outdated.json()).toMatchObject({ currentWordingVersion: 'marketing-email-2025-01' });
      const unknown = await send(c, 'POST', '/api/v1/shop/consents', {
        purpose: 'device-analysis',
        action: 'grant',
        wordingVersion: 'x',
      });
      expect(unknown.statusCode).toBe(400);
      const events = await t.db.query('select 1 from privacy.consent_event where subject_id = $1', [
        `customer:${c.id}`,
      ]);
      expect(events.rowCount).toBe(0);
    });
  });
});
