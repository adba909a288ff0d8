import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { CREDIT_APPROVAL, type CreditApproval } from '../../src/modules/credit-check/credit-approval.port.js';
import { startFakeCreditAgency, type FakeCreditAgency } from '../fakes/credit-agency/index.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { eventually, signedInCustomer } from '../registration/helpers.js';

describe('Art. 19 after a rectification in the profile', () => {
  let t: TestApp;
  let agency: FakeCreditAgency;

  beforeAll(async () => {
    agency = await startFakeCreditAgency();
    t = await startTestApp({ env: { ...agency.env, JOBS_ENABLED: 'true' } });
  });
  afterAll(async () => {
    await t?.close();
    await agency?.stop();
  });

  it('tells the credit agency that received the data, and the person sees who was told', async () => {
    const customer = await signedInCustomer(t);
    const subjectId = `customer:${customer.id}`;
    await t.app.get<CreditApproval>(CREDIT_APPROVAL).requireApproval({
      id: randomUUID(),
      subjectId,
      totalCents: 50_000,
      currency: 'EUR',
      paymentMethod: 'invoice',
      billing: {
        firstName: 'Erika',
        lastName: 'Mustermann',
        street: 'Siemensring',
        houseNumber: '98',
        postalCode: '47877',
        city: 'Willich',
        country: 'DE',
      },
    });
    expect(agency.bodies().length).toBeGreaterThan(0);

    const patched = await t.inject({
      method: 'PATCH',
      url: '/api/v1/shop/me',
      headers: customer.auth,
      payload: { lastName: 'Musterfrau' },
    });
    expect(patched.statusCode).toBe(200);

    const notice = await eventually(() =>
      Promise.resolve(agency.privacyNotices().find((n) => n.type === 'rectification')),
    );
    expect(notice.references).toEqual(expect.arrayContaining([expect.any(String)]));
    expect(JSON.stringify(notice)).not.toContain('Musterfrau');

    const mine = await t.inject({
      method: 'GET',
      url: '/api/v1/shop/privacy-requests',
      headers: customer.auth,
    });
    const rectification = mine
      .json<{ id: string; type: string; status: string; outcome: { fields: string[] } }[]>()
      .find((r) => r.type === 'rectification');
    expect(rectification).toMatchObject({ status: 'completed', outcome: { fields: ['lastName'] } });
    const told = await eventually(async () => {
      const res = await t.inject({
        method: 'GET',
        url: `/api/v1/shop/privacy-requests/${rectification?.id}/recipients`,
        headers: customer.auth,
      });
      const list = res.json<{ recipient: string; kind: string; status: string }[]>();
      return list.length > 0 && list.every((r) => r.status === 'sent') ? list : undefined;
    });
    expect(told).toEqual([expect.objectContaining({ recipient: 'credit-agency', kind: 'rectification' })]);
  });

  it('answers Art. 15 with the credit check’s factors, the processors, and a readable page in English', async () => {
    const customer = await signedInCustomer(t);
    const subjectId = `customer:${customer.id}`;
    await t.app.get<CreditApproval>(CREDIT_APPROVAL).requireApproval({
      id: randomUUID(),
      subjectId,
      totalCents: 80_000,
      currency: 'EUR',
      paymentMethod: 'invoice',
      billing: {
        firstName: 'Erika',
        lastName: 'Mustermann',
        street: 'Siemensring',
        houseNumber: '98',
        postalCode: '47877',
        city: 'Willich',
        country: 'DE',
      },
    });
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/shop/privacy-requests',
      headers: customer.auth,
      payload: { type: 'access', lang: 'en' },
    });
    expect(res.statusCode).toBe(200);
    const { request, result } = res.json();
    const check = result.answer.copy.sections
      .flatMap((s: { records: { recordType: string; data: Record<string, unknown> }[] }) => s.records)
      .find((r: { recordType: string }) => r.recordType === 'credit_check');
    expect(check).toBeDefined();
    expect(Array.isArray(check.data.factorsWeighed)).toBe(true);
    expect((check.data.factorsWeighed as string[]).length).toBeGreaterThan(0);
    expect(result.answer.automatedDecisions).toContainEqual(
      expect.objectContaining({ activity: 'credit-check', logic: expect.any(String) }),
    );
    expect(result.answer.recipients.actual).toContainEqual(
      expect.objectContaining({ recipient: 'credit-agency' }),
    );
    expect(result.answer.recipients.processors).toContainEqual(
      expect.objectContaining({ recipient: 'hosting-provider' }),
    );
    const page = await t.inject({
      method: 'GET',
      url: `/api/v1/shop/privacy-requests/${request.id}/answer?format=html&lang=en`,
      headers: customer.auth,
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('Access under Art. 15 GDPR');
  });

  it('records nothing when no recipient received the data', async () => {
    const customer = await signedInCustomer(t);
    const patched = await t.inject({
      method: 'PATCH',
      url: '/api/v1/shop/me',
      headers: customer.auth,
      payload: { firstName: 'Erik' },
    });
    expect(patched.statusCode).toBe(200);
    const mine = await t.inject({
      method: 'GET',
      url: '/api/v1/shop/privacy-requests',
      headers: customer.auth,
    });
    expect(mine.json()).toEqual([]);
  });
});
