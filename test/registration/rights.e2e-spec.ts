import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  LegalHolds,
  PrivacyRegistryService,
  RetentionPolicies,
  RetentionSweep,
  RightsRegistry,
  RightsService,
} from '@app/privacy';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { login, signedInCustomer, type SignedIn } from './helpers.js';

const ADDRESS = {
  firstName: 'Erika',
  lastName: 'Mustermann',
  street: 'Siemensring',
  houseNumber: '98',
  postalCode: '47877',
  city: 'Willich',
  country: 'DE',
};

describe('customer accounts in the privacy registry: declarations, access, erasure, retention', () => {
  let t: TestApp;
  let rights: RightsService;

  beforeAll(async () => {
    t = await startTestApp();
    rights = t.app.get(RightsService);
  });
  afterAll(async () => {
    await t?.close();
  });

  const withAddress = async (c: SignedIn) => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/shop/me/addresses',
      headers: c.auth,
      payload: ADDRESS,
    });
    return res.json<{ id: string }>().id;
  };

  it('declares every activity of the modules, registers their exporters and erasers, and lints clean', () => {
    const registry = t.app.get(PrivacyRegistryService);
    for (const id of ['registration', 'marketing-email', 'customer-notifications', 'cookies'])
      expect(registry.registry.hasActivity(id)).toBe(true);
    const registration = registry.registry.activity('registration');
    const collection = Object.fromEntries(registration.dataCategories.map((c) => [c.id, c.collection]));
    expect(collection).toMatchObject({
      'contact.email': 'mandatory',
      'account.password-hash': 'mandatory',
      'identity.name': 'mandatory',
      'contact.phone': 'voluntary',
      'identity.date-of-birth': 'voluntary',
      'identity.company': 'voluntary',
      'address.postal': 'voluntary',
    });
    for (const c of registration.dataCategories.filter((x) => x.collection !== 'not-collected-from-subject'))
      expect(c.reason).toBeTruthy();
    expect(registry.registry.activity('marketing-email')).toMatchObject({
      legalBasis: '6(1)(a)',
      consentPurpose: 'marketing-email',
    });

    const registered = t.app.get(RightsRegistry);
    expect(registered.exporters().map((e) => e.name)).toEqual(
      expect.arrayContaining(['registration', 'notifications']),
    );
    expect(registered.erasers().map((e) => e.name)).toEqual(
      expect.arrayContaining(['registration', 'notifications']),
    );
    const policies = t.app
      .get(RetentionPolicies)
      .all()
      .map((p) => p.id);
    expect(policies).toEqual(
      expect.arrayContaining(['registration.ended-sessions', 'notifications.outbound-messages']),
    );

    const mine = new Set(['registration', 'marketing-email', 'customer-notifications', 'cookies']);
    const findings = registry.lintFindings().filter((f) => f.activity === undefined || mine.has(f.activity));
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(findings.filter((f) => f.activity !== undefined)).toEqual([]);
  });

  it('exports the profile, the address book and the sessions, but no password or token hash', async () => {
    const c = await signedInCustomer(t, { phone: '+49 2154 000000' });
    const addressId = await withAddress(c);
    const result = await rights.exportSubject(`customer:${c.id}`);
    const section = result.sections.find((s) => s.exporter === 'registration');
    expect(section?.categories).toEqual(
      expect.arrayContaining([
        'contact.email',
        'identity.name',
        'contact.phone',
        'address.postal',
        'account.session',
      ]),
    );
    const byType = (type: string) => section?.records.filter((r) => r.recordType === type) ?? [];
    expect(byType('customer')).toEqual([
      expect.objectContaining({
        recordId: c.id,
        activityId: 'registration',
        data: expect.objectContaining({ email: c.email, firstName: 'Erika', phone: '+49 2154 000000' }),
      }),
    ]);
    expect(byType('customer_address')).toEqual([
      expect.objectContaining({ recordId: addressId, data: expect.objectContaining({ city: 'Willich' }) }),
    ]);
    expect(byType('customer_session')).toEqual([
      expect.objectContaining({
        data: {
          startedAt: expect.any(String),
          lastUsedAt: null,
          expiresAt: expect.any(String),
          endedAt: null,
          endReason: null,
        },
      }),
    ]);
    const { rows } = await t.db.query<{ password_hash: string; token_hash: string }>(
      `select c.password_hash, s.token_hash from customer c join customer_session s on s.customer_id = c.id where c.id = $1`,
      [c.id],
    );
    const copy = JSON.stringify(result);
    expect(copy).not.toContain(rows[0].password_hash);
    expect(copy).not.toContain(rows[0].token_hash);
    expect(copy).not.toContain(c.refreshToken);
  });

  it('exports nothing for a subject that is not a customer', async () => {
    const result = await rights.exportSubject('inquiry:00000000-0000-4000-8000-000000000000');
    expect(result.sections.find((s) => s.exporter === 'registration')?.records).toEqual([]);
  });

  it('erases the account with its addresses and sessions: the person is signed out and cannot sign in', async () => {
    const c = await signedInCustomer(t);
    const addressId = await withAddress(c);
    const other = await signedInCustomer(t);
    const report = await rights.eraseSubject(`customer:${c.id}`);
    expect(report.complete).toBe(true);
    const mine = report.erasers.find((e) => e.eraser === 'registration');
    expect(mine?.erased).toEqual(
      expect.arrayContaining([
        { recordType: 'customer', recordId: c.id },
        { recordType: 'customer_address', recordId: addressId },
        { recordType: 'customer_session', recordId: expect.any(String) },
      ]),
    );
    for (const table of ['customer', 'customer_address', 'customer_session']) {
      const column = table === 'customer' ? 'id' : 'customer_id';
      expect((await t.db.query(`select 1 from ${table} where ${column} = $1`, [c.id])).rowCount).toBe(0);
    }
    expect((await t.inject({ method: 'GET', url: '/api/v1/shop/me', headers: c.auth })).statusCode).toBe(401);
    expect((await login(t, c.email, c.password)).statusCode).toBe(401);
    // Idempotent, and nobody else is touched.
    expect((await rights.eraseSubject(`customer:${c.id}`)).complete).toBe(true);
    expect((await t.inject({ method: 'GET', url: '/api/v1/shop/me', headers: other.auth })).statusCode).toBe(
      200,
    );
  });

  it('keeps an account a legal hold covers, blocked: nobody signs in with it until the hold is released', async () => {
    const c = await signedInCustomer(t);
    const subjectId = `customer:${c.id}`;
    const holds = t.app.get(LegalHolds);
    const hold = await holds.create(
      { subjectId, activityId: 'registration' },
      'fraud investigation, case 2025-17',
    );
    const report = await rights.eraseSubject(subjectId);
    const mine = report.erasers.find((e) => e.eraser === 'registration');
    expect(mine?.held).toEqual(
      expect.arrayContaining([
        { recordType: 'customer', recordId: c.id, activityId: 'registration', holdId: hold.id },
      ]),
    );
    expect((await t.db.query('select 1 from customer where id = $1', [c.id])).rowCount).toBe(1);
    expect((await login(t, c.email, c.password)).statusCode).toBe(401);
    expect((await t.inject({ method: 'GET', url: '/api/v1/shop/me', headers: c.auth })).statusCode).toBe(401);

    await holds.release(hold.id);
    await t.app.get(RetentionSweep).runSweep(new Date());
    expect((await t.db.query('select 1 from customer where id = $1', [c.id])).rowCount).toBe(0);
  });

  it('deletes sessions 30 days after they ended, and keeps running ones', async () => {
    const ended = await signedInCustomer(t);
    const running = await signedInCustomer(t);
    await t.inject({
      method: 'POST',
      url: '/api/v1/shop/auth/logout',
      payload: { refreshToken: ended.refreshToken },
    });
    const sweep = t.app.get(RetentionSweep);

    await sweep.runSweep(new Date(Date.now() + 29 * 86_400_000));
    expect(
      (await t.db.query('select 1 from customer_session where customer_id = $1', [ended.id])).rowCount,
    ).toBe(1);

    await sweep.runSweep(new Date(Date.now() + 31 * 86_400_000));
    expect(
      (await t.db.query('select 1 from customer_session where customer_id = $1', [ended.id])).rowCount,
    ).toBe(0);
    // The running session expired a day before that sweep: it stays for the 30 days after its end.
    expect(
      (await t.db.query('select 1 from customer_session where customer_id = $1', [running.id])).rowCount,
    ).toBe(1);
  });
});
