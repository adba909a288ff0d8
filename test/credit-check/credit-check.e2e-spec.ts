import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { PrivacyRegistryService, RetentionSweep, RightsService } from '@app/privacy';
import type { StaffRole } from '../../src/common/auth/auth.guards.js';
import { TokenService } from '../../src/common/auth/token.service.js';
import {
  CREDIT_APPROVAL,
  type CreditApproval,
  type OrderForCreditApproval,
} from '../../src/modules/credit-check/credit-approval.port.js';
import { CreditCheckService } from '../../src/modules/credit-check/credit-check.service.js';
import { staffMember, startTestApp, type TestApp } from '../helpers/test-app.js';
import { startFakeCreditAgency, type FakeCreditAgency } from '../fakes/credit-agency/index.js';

const DAY_MS = 86_400_000;

describe('credit checks (Art. 6(1)(f), Art. 22 safeguards)', () => {
  let agency: FakeCreditAgency;
  let t: TestApp;
  let approval: CreditApproval;
  let tokens: TokenService;

  beforeAll(async () => {
    agency = await startFakeCreditAgency();
    t = await startTestApp({ env: agency.env });
    approval = t.app.get<CreditApproval>(CREDIT_APPROVAL);
    tokens = t.app.get(TokenService);
  });
  afterAll(async () => {
    await t?.close();
    await agency?.stop();
  });
  beforeEach(() => agency.clear());

  const newCustomer = (): { customerId: string; subjectId: string; headers: Record<string, string> } => {
    const customerId = randomUUID();
    const { token } = tokens.sign({ sub: customerId, kind: 'customer' });
    return { customerId, subjectId: `customer:${customerId}`, headers: { authorization: `Bearer ${token}` } };
  };
  /** Headers of a real, active staff account of `role` (the staff guard checks the account). */
  const staffAccount = async (role: StaffRole): Promise<{ id: string; headers: Record<string, string> }> => {
    const member = await staffMember(t, role);
    return { id: member.id, headers: { authorization: `Bearer ${member.token}` } };
  };
  const staffHeaders = async (role: StaffRole): Promise<Record<string, string>> =>
    (await staffAccount(role)).headers;

  const order = (overrides: Partial<OrderForCreditApproval> = {}): OrderForCreditApproval => ({
    id: randomUUID(),
    subjectId: `customer:${randomUUID()}`,
    totalCents: 12_900,
    currency: 'EUR',
    paymentMethod: 'sepa_debit',
    billing: {
      firstName: 'Erika',
      lastName: 'Mustermann',
      street: 'Siemensring',
      houseNumber: '98',
      postalCode: '47877',
      city: 'Willich',
      country: 'DE',
    },
    ...overrides,
  });
  const named = (
    lastName: string,
    overrides: Partial<OrderForCreditApproval> = {},
  ): OrderForCreditApproval => {
    const o = order(overrides);
    return { ...o, billing: { ...o.billing, lastName } };
  };

  const checkRows = async (orderId: string): Promise<Record<string, unknown>[]> =>
    (await t.db.query('select * from credit_check where order_id = $1 order by requested_at', [orderId]))
      .rows;

  describe('when a check is made', () => {
    it('lets a SEPA direct debit order with a green check proceed, storing only the answer', async () => {
      const o = order();
      const answer = await approval.requireApproval(o);

      expect(answer).toMatchObject({ status: 'approved', checkId: expect.any(String) });
      expect(agency.bodies()).toHaveLength(1);
      expect(agency.requests[0].headers['x-api-key']).toBe(agency.apiKey);
      const [row] = await checkRows(o.id);
      expect(row).toMatchObject({
        id: answer.checkId,
        subject_id: o.subjectId,
        agency: 'Fake Auskunftei AG',
        result: 'green',
        score: 97.8,
        status: 'approved',
        date_of_birth_sent: false,
      });
      expect(row.agency_reference).toMatch(/^SIM-/);
      // No name, address or date of birth is kept with the check.
      expect(JSON.stringify(row)).not.toMatch(/Erika|Mustermann|Siemensring|Willich|47877/);
      // The agency refers to the check by the shop's check id, not the order.
      expect(agency.bodies()[0].reference).toBe(answer.checkId);
    });

    it('sends nothing to the agency and stores nothing for card or PayPal orders', async () => {
      const subjects: string[] = [];
      for (const paymentMethod of ['card', 'paypal'] as const) {
        const o = order({ paymentMethod, totalCents: 500_000 });
        subjects.push(o.subjectId);
        await expect(approval.requireApproval(o)).resolves.toEqual({ status: 'not-required' });
        expect(await checkRows(o.id)).toEqual([]);
      }
      expect(agency.requests).toHaveLength(0);
      const logged = await t.db.query('select 1 from privacy.disclosure_log where subject_id = any($1)', [
        subjects,
      ]);
      expect(logged.rowCount).toBe(0);
    });

    it('checks no SEPA or invoice order below CREDIT_CHECK_MIN_AMOUNT_CENTS (50 EUR by default)', async () => {
      const small = order({ paymentMethod: 'invoice', totalCents: 4_999 });
      await expect(approval.requireApproval(small)).resolves.toMatchObject({ status: 'not-required' });
      expect(await checkRows(small.id)).toEqual([]);
      expect(agency.requests).toHaveLength(0);

      const atThreshold = order({ paymentMethod: 'invoice', totalCents: 5_000 });
      await expect(approval.requireApproval(atThreshold)).resolves.toMatchObject({ status: 'approved' });
      expect(agency.requests).toHaveLength(1);
    });

    it('answers a second call for the same order from the stored check, without asking the agency again', async () => {
      const o = order();
      const first = await approval.requireApproval(o);
      const [again, concurrent] = await Promise.all([
        approval.requireApproval(o),
        approval.requireApproval(o),
      ]);
      expect(again).toEqual(first);
      expect(concurrent).toEqual(first);
      expect(agency.requests).toHaveLength(1);
      expect(await checkRows(o.id)).toHaveLength(1);
    });

    it('logs every disclosure to the agency: to whom, for which activity, about whom, which fields', async () => {
      const o = order();
      await approval.requireApproval(o);
      const { rows } = await t.db.query(
        'select recipient_id, activity_id, fields, outcome from privacy.disclosure_log where subject_id = $1',
        [o.subjectId],
      );
      expect(rows).toEqual([
        {
          recipient_id: 'credit-agency',
          activity_id: 'credit-check',
          fields: [
            'city',
            'country',
            'firstName',
            'houseNumber',
            'lastName',
            'postalCode',
            'reference',
            'street',
          ],
          outcome: 'sent',
        },
      ]);
    });
  });

  describe('traffic lights and failures', () => {
    it('declines a red check without ending the order: card and PayPal are offered, and a review can be asked for', async () => {
      const o = named('Rotmann');
      const answer = await approval.requireApproval(o);
      expect(answer).toMatchObject({
        status: 'declined',
        checkId: expect.any(String),
        offerMethods: ['card', 'paypal'],
      });
      expect(answer.explanation).toMatch(/card or PayPal/);
      expect(answer.explanation).toMatch(/review/);
      expect(answer.explanation).not.toMatch(/Rotmann|Erika/);
      expect(await checkRows(o.id)).toEqual([
        expect.objectContaining({ result: 'red', score: 31.5, status: 'declined' }),
      ]);
    });

    it('allows a yellow check up to CREDIT_CHECK_YELLOW_MAX_CENTS and declines it above, with alternatives', async () => {
      await expect(
        approval.requireApproval(named('Gelbert', { paymentMethod: 'invoice', totalCents: 20_000 })),
      ).resolves.toMatchObject({ status: 'approved' });
      await expect(
        approval.requireApproval(named('Gelbert', { paymentMethod: 'invoice', totalCents: 20_001 })),
      ).resolves.toMatchObject({ status: 'declined', offerMethods: ['card', 'paypal'] });
    });

    it('declines when the agency fails, offers alternatives, and asks again on the next attempt', async () => {
      const o = named('Fehlermann');
      await expect(approval.requireApproval(o)).resolves.toMatchObject({
        status: 'declined',
        offerMethods: ['card', 'paypal'],
      });
      const [row] = await checkRows(o.id);
      expect(row).toMatchObject({ outcome: 'agency-unavailable', result: null, status: 'declined' });

      await approval.requireApproval(o);
      expect(agency.requests).toHaveLength(2);
      const logged = await t.db.query<{ outcome: string }>(
        `select outcome from privacy.disclosure_log where subject_id = $1 order by id`,
        [o.subjectId],
      );
      expect(logged.rows.map((r) => r.outcome)).toEqual(['failed', 'failed']);
    });

    it('declines when the agency does not answer within CREDIT_AGENCY_TIMEOUT_MS', async () => {
      const slow = await startFakeCreditAgency({ slowMs: 5_000 });
      const app = await startTestApp({ env: { ...slow.env, CREDIT_AGENCY_TIMEOUT_MS: '500' } });
      try {
        const started = Date.now();
        await expect(
          app.app.get<CreditApproval>(CREDIT_APPROVAL).requireApproval(named('Langsam')),
        ).resolves.toMatchObject({ status: 'declined', offerMethods: ['card', 'paypal'] });
        expect(Date.now() - started).toBeLessThan(4_000);
      } finally {
        await app.close();
        await slow.stop();
      }
    });
  });

  describe('the date of birth', () => {
    it('is not sent when the agency identifies the person without it, even when the person gave it', async () => {
      await approval.requireApproval(order({ dateOfBirth: '1964-08-12' }));
      expect(agency.bodies()).toHaveLength(1);
      expect(agency.bodies()[0]).not.toHaveProperty('dateOfBirth');
    });

    it('is sent on a second request only after the agency demanded it', async () => {
      const o = named('Geburtig', { dateOfBirth: '1964-08-12' });
      await expect(approval.requireApproval(o)).resolves.toMatchObject({ status: 'approved' });
      const bodies = agency.bodies();
      expect(bodies).toHaveLength(2);
      expect(bodies[0]).not.toHaveProperty('dateOfBirth');
      expect(bodies[1]).toMatchObject({ dateOfBirth: '1964-08-12' });
      const [row] = await checkRows(o.id);
      expect(row).toMatchObject({ date_of_birth_sent: true, result: 'green' });
      expect(JSON.stringify(row)).not.toContain('1964');
    });

    it('is asked for (voluntarily) when the agency needs it and the person has not given it', async () => {
      const o = named('Geburtig');
      const first = await approval.requireApproval(o);
      expect(first).toMatchObject({
        status: 'declined',
        dateOfBirthRequested: true,
        offerMethods: ['card', 'paypal'],
      });
      expect(first.explanation).toMatch(/voluntary/);
      // Asking again without it sends nothing new.
      await approval.requireApproval(o);
      expect(agency.bodies()).toHaveLength(1);
      // Given now, it goes out at once: the agency already said it needs it for this order.
      await expect(approval.requireApproval({ ...o, dateOfBirth: '1964-08-12' })).resolves.toMatchObject({
        status: 'approved',
      });
      expect(agency.bodies()).toHaveLength(2);
      expect(agency.bodies()[1]).toMatchObject({ dateOfBirth: '1964-08-12' });
    });

    it('is refused when it is not a past date', async () => {
      await expect(approval.requireApproval(order({ dateOfBirth: '12.08.1964' }))).rejects.toMatchObject({
        errors: [{ field: 'dateOfBirth', reason: expect.any(String) }],
      });
      expect(agency.requests).toHaveLength(0);
    });
  });

  it('sends the agency no field beyond the allow-list the registry declares for it', async () => {
    await approval.requireApproval(order());
    await approval.requireApproval(named('Rotmann', { paymentMethod: 'invoice' }));
    await approval.requireApproval(named('Geburtig', { dateOfBirth: '1970-01-31' }));
    const o = order();
    await approval.requireApproval({ ...o, billing: { ...o.billing, houseNumber: null } });

    const declared = t.app
      .get(PrivacyRegistryService)
      .registry.activity('credit-check')
      .disclosures.find((d) => d.recipient === 'credit-agency');
    expect(declared?.fields).toBeDefined();
    const allowed = new Set(declared?.fields);
    const bodies = agency.bodies();
    expect(bodies).toHaveLength(5);
    for (const body of bodies) {
      for (const [field, value] of Object.entries(body)) {
        expect(allowed.has(field) ? field : `${field} (not on the allow-list)`).toBe(field);
        expect(typeof value).toBe('string');
      }
    }
    // The raw bodies too: nothing hides in a nested object or a duplicate key.
    for (const request of agency.requests) expect(JSON.parse(request.rawBody)).toEqual(request.body);
  });

  describe('human review (Art. 22(3))', () => {
    it('lets the customer contest a red check and a support member approve it with a written reason, audited; the order then proceeds', async () => {
      const customer = newCustomer();
      const o = named('Rothaus', { subjectId: customer.subjectId });
      const declined = await approval.requireApproval(o);
      expect(declined.status).toBe('declined');

      const request = await t.inject({
        method: 'POST',
        url: `/api/v1/shop/credit-checks/${declined.checkId}/review-requests`,
        headers: customer.headers,
        payload: { comment: 'I moved last month; my old address had no payment problems.' },
      });
      expect(request.statusCode).toBe(201);
      expect(request.json()).toMatchObject({ status: 'review-requested', reviewAvailable: false });
      await expect(approval.requireApproval(o)).resolves.toMatchObject({
        status: 'review-requested',
        offerMethods: ['card', 'paypal'],
      });

      const reviewer = await staffAccount('support');
      const reviewerId = reviewer.id;
      const open = await t.inject({
        method: 'GET',
        url: '/api/v1/admin/credit-checks/reviews?status=open',
        headers: reviewer.headers,
      });
      expect(open.statusCode).toBe(200);
      const listed = open.json<{ checkId: string }[]>().find((r) => r.checkId === declined.checkId);
      expect(listed).toMatchObject({
        subjectId: customer.subjectId,
        result: 'red',
        comment: 'I moved last month; my old address had no payment problems.',
      });
      expect(JSON.stringify(listed)).not.toMatch(/Rothaus|Erika|Siemensring/);

      const decided = await t.inject({
        method: 'POST',
        url: `/api/v1/admin/credit-checks/${declined.checkId}/review`,
        headers: reviewer.headers,
        payload: {
          decision: 'approve',
          reason: 'Previous address confirmed; three earlier orders paid on time.',
        },
      });
      expect(decided.statusCode).toBe(200);
      expect(decided.json()).toMatchObject({
        status: 'reviewed-approved',
        decision: 'approved',
        reviewerId,
      });

      await expect(approval.requireApproval(o)).resolves.toMatchObject({
        status: 'approved',
        checkId: declined.checkId,
      });
      expect(agency.requests).toHaveLength(1);

      const audit = await t.db.query(
        `select actor_type, actor_id, actor_role, action, fields from privacy.access_audit_log
          where subject_id = $1 and activity_id = 'credit-check' order by seq`,
        [customer.subjectId],
      );
      expect(audit.rows).toEqual([
        expect.objectContaining({ actor_type: 'staff', actor_id: reviewerId, action: 'read' }),
        {
          actor_type: 'staff',
          actor_id: reviewerId,
          actor_role: 'support',
          action: 'review',
          fields: ['decision', 'result', 'score'],
        },
      ]);
      const job = await t.db.query(
        `select data from pgboss.job where name = 'credit-check.review-decided' and data->>'checkId' = $1`,
        [declined.checkId],
      );
      expect(job.rows).toEqual([
        {
          data: {
            checkId: declined.checkId,
            orderId: o.id,
            subjectId: customer.subjectId,
            decision: 'approved',
          },
        },
      ]);

      const seen = await t.inject({
        method: 'GET',
        url: `/api/v1/shop/credit-checks/${declined.checkId}`,
        headers: customer.headers,
      });
      expect(seen.json()).toMatchObject({
        status: 'reviewed-approved',
        review: { decision: 'approved', reason: expect.stringMatching(/Previous address confirmed/) },
      });
    });

    it('lets a privacy officer uphold a decline; the customer keeps card and PayPal', async () => {
      const customer = newCustomer();
      const declined = await approval.requireApproval(named('Rotberg', { subjectId: customer.subjectId }));
      await t.inject({
        method: 'POST',
        url: `/api/v1/shop/credit-checks/${declined.checkId}/review-requests`,
        headers: customer.headers,
        payload: {},
      });
      const decided = await t.inject({
        method: 'POST',
        url: `/api/v1/admin/credit-checks/${declined.checkId}/review`,
        headers: await staffHeaders('privacy-officer'),
        payload: {
          decision: 'decline',
          reason: 'Red result confirmed by the agency; no contrary evidence given.',
        },
      });
      expect(decided.json()).toMatchObject({ status: 'reviewed-declined', decision: 'declined' });
      const again = await t.inject({
        method: 'POST',
        url: `/api/v1/shop/credit-checks/${declined.checkId}/review-requests`,
        headers: customer.headers,
        payload: {},
      });
      expect(again.statusCode).toBe(409);
      expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
    });

    it('refuses a decision without a written reason, by a role that may not review, or without a review request', async () => {
      const customer = newCustomer();
      const declined = await approval.requireApproval(named('Rotkamp', { subjectId: customer.subjectId }));
      const url = `/api/v1/admin/credit-checks/${declined.checkId}/review`;

      const unasked = await t.inject({
        method: 'POST',
        url,
        headers: await staffHeaders('support'),
        payload: { decision: 'approve', reason: 'Approved without anybody asking for it.' },
      });
      expect(unasked.statusCode).toBe(409);

      await t.inject({
        method: 'POST',
        url: `/api/v1/shop/credit-checks/${declined.checkId}/review-requests`,
        headers: customer.headers,
        payload: {},
      });
      const noReason = await t.inject({
        method: 'POST',
        url,
        headers: await staffHeaders('support'),
        payload: { decision: 'approve', reason: 'ok' },
      });
      expect(noReason.statusCode).toBe(400);
      expect(noReason.json()).toMatchObject({ errors: [{ field: 'reason' }] });

      const fulfilment = await t.inject({
        method: 'POST',
        url,
        headers: await staffHeaders('fulfilment'),
        payload: { decision: 'approve', reason: 'Fulfilment may not decide credit reviews.' },
      });
      expect(fulfilment.statusCode).toBe(403);
      const customerAsStaff = await t.inject({
        method: 'GET',
        url: '/api/v1/admin/credit-checks/reviews',
        headers: customer.headers,
      });
      expect(customerAsStaff.statusCode).toBe(401);

      const row = await t.db.query('select status from credit_check where id = $1', [declined.checkId]);
      expect(row.rows[0].status).toBe('review-requested');
    });

    it('shows a customer only their own checks and refuses unknown fields in the request', async () => {
      const owner = newCustomer();
      const stranger = newCustomer();
      const declined = await approval.requireApproval(named('Rotstein', { subjectId: owner.subjectId }));
      const foreign = await t.inject({
        method: 'POST',
        url: `/api/v1/shop/credit-checks/${declined.checkId}/review-requests`,
        headers: stranger.headers,
        payload: {},
      });
      expect(foreign.statusCode).toBe(404);
      const read = await t.inject({
        method: 'GET',
        url: `/api/v1/shop/credit-checks/${declined.checkId}`,
        headers: stranger.headers,
      });
      expect(read.statusCode).toBe(404);

      const extra = await t.inject({
        method: 'POST',
        url: `/api/v1/shop/credit-checks/${declined.checkId}/review-requests`,
        headers: owner.headers,
        payload: { comment: 'please', decision: 'approve' },
      });
      expect(extra.statusCode).toBe(400);
      expect(extra.json()).toMatchObject({
        errors: [{ field: 'decision', reason: 'is not an allowed property' }],
      });

      const anonymous = await t.inject({
        method: 'GET',
        url: `/api/v1/shop/credit-checks/${declined.checkId}`,
      });
      expect(anonymous.statusCode).toBe(401);
    });

    it('offers nothing to review once a check approved the method', async () => {
      const customer = newCustomer();
      const approved = await approval.requireApproval(order({ subjectId: customer.subjectId }));
      const res = await t.inject({
        method: 'POST',
        url: `/api/v1/shop/credit-checks/${approved.checkId}/review-requests`,
        headers: customer.headers,
        payload: {},
      });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ type: 'urn:storefront:problem:credit-check-approved' });
    });
  });

  describe('objection (Art. 21)', () => {
    it('stops every further check: nothing reaches the agency, only card and PayPal are offered', async () => {
      const customer = newCustomer();
      await approval.requireApproval(order({ subjectId: customer.subjectId }));
      expect(agency.requests).toHaveLength(1);
      agency.clear();

      const objected = await t.inject({
        method: 'POST',
        url: '/api/v1/shop/credit-checks/objection',
        headers: customer.headers,
        payload: {},
      });
      expect(objected.statusCode).toBe(200);
      expect(objected.json()).toMatchObject({ objected: true, offerMethods: ['card', 'paypal'] });

      for (const paymentMethod of ['sepa_debit', 'invoice'] as const) {
        const o = order({ subjectId: customer.subjectId, paymentMethod, totalCents: 99_000 });
        await expect(approval.requireApproval(o)).resolves.toEqual({
          status: 'objected',
          offerMethods: ['card', 'paypal'],
          explanation: expect.stringMatching(/objected/),
        });
        expect(await checkRows(o.id)).toEqual([]);
      }
      expect(agency.requests).toHaveLength(0);

      const state = await t.inject({
        method: 'GET',
        url: '/api/v1/shop/credit-checks/objection',
        headers: customer.headers,
      });
      expect(state.json()).toMatchObject({ objected: true });
    });

    it('checks again once the objection is withdrawn', async () => {
      const customer = newCustomer();
      await t.inject({
        method: 'POST',
        url: '/api/v1/shop/credit-checks/objection',
        headers: customer.headers,
        payload: {},
      });
      const withdrawn = await t.inject({
        method: 'DELETE',
        url: '/api/v1/shop/credit-checks/objection',
        headers: customer.headers,
      });
      expect(withdrawn.statusCode).toBe(204);
      await expect(approval.requireApproval(order({ subjectId: customer.subjectId }))).resolves.toMatchObject(
        {
          status: 'approved',
        },
      );
      expect(agency.requests).toHaveLength(1);
    });
  });

  it('declares the activity so that the privacy linter finds nothing to report', () => {
    const registry = t.app.get(PrivacyRegistryService);
    expect(registry.lintFindings().filter((f) => f.activity === 'credit-check')).toEqual([]);
    expect(registry.registry.activity('credit-check')).toMatchObject({
      legalBasis: '6(1)(f)',
      automatedDecision: { safeguards: expect.arrayContaining([expect.stringMatching(/human review/)]) },
    });
  });

  it('documents its shop and staff routes in the OpenAPI document', async () => {
    const res = await t.inject({ method: 'GET', url: '/docs-json' });
    const paths = Object.keys(res.json<{ paths: Record<string, unknown> }>().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/shop/credit-checks/objection',
        '/api/v1/shop/credit-checks/{id}',
        '/api/v1/shop/credit-checks/{id}/review-requests',
        '/api/v1/admin/credit-checks/reviews',
        '/api/v1/admin/credit-checks/{id}/review',
      ]),
    );
  });

  describe('rights and retention', () => {
    it('answers Art. 15 with the check, the agency, the review and the logic involved; erasure removes them', async () => {
      const customer = newCustomer();
      const declined = await approval.requireApproval(named('Rotfeld', { subjectId: customer.subjectId }));
      await t.inject({
        method: 'POST',
        url: `/api/v1/shop/credit-checks/${declined.checkId}/review-requests`,
        headers: customer.headers,
        payload: { comment: 'Please look again.' },
      });
      const rights = t.app.get(RightsService);
      const exported = await rights.exportSubject(customer.subjectId);
      const section = exported.sections.find((s) => s.exporter === 'credit-check');
      expect(section).toMatchObject({
        activities: ['credit-check'],
        categories: expect.arrayContaining(['credit-check.result', 'credit-check.review']),
      });
      expect(section?.records).toEqual([
        expect.objectContaining({
          recordType: 'credit_check',
          recordId: declined.checkId,
          data: expect.objectContaining({
            agency: 'Fake Auskunftei AG',
            result: 'red',
            score: 31.5,
            status: 'review-requested',
            review: expect.objectContaining({ comment: 'Please look again.' }),
            automatedDecisionLogic: expect.stringMatching(/green.*yellow.*red/is),
          }),
        }),
      ]);
      const logic = (section?.records[0].data as { automatedDecisionLogic: string }).automatedDecisionLogic;
      expect(logic).toContain('50.00 EUR');
      expect(logic).toContain('200.00 EUR');

      const report = await rights.eraseSubject(customer.subjectId);
      expect(report.erasers.find((e) => e.eraser === 'credit-check')).toMatchObject({
        erased: expect.arrayContaining([
          { recordType: 'credit_check', recordId: declined.checkId },
          { recordType: 'credit_review', recordId: expect.any(String) },
        ]),
      });
      expect(
        (await t.db.query('select 1 from credit_check where subject_id = $1', [customer.subjectId])).rowCount,
      ).toBe(0);
      expect(
        (await t.db.query('select 1 from credit_review where requested_by = $1', [customer.subjectId]))
          .rowCount,
      ).toBe(0);
    });

    it('erases results (and their reviews) by the retention sweep 90 days after the check, not before', async () => {
      const o = named('Rotmeier');
      const checked = await approval.requireApproval(o);
      await t.app
        .get(CreditCheckService)
        .requestReview(checked.checkId as string, o.subjectId, 'Review please.');
      const sweep = t.app.get(RetentionSweep);

      await sweep.runSweep(new Date(Date.now() + 89 * DAY_MS));
      expect(await checkRows(o.id)).toHaveLength(1);

      const report = await sweep.runSweep(new Date(Date.now() + 91 * DAY_MS));
      expect(report.details.policies.find((p) => p.policyId === 'credit-check.results')).toMatchObject({
        erased: expect.any(Number),
        errors: [],
      });
      expect(await checkRows(o.id)).toEqual([]);
      expect(
        (await t.db.query('select 1 from credit_review where check_id = $1', [checked.checkId])).rowCount,
      ).toBe(0);
    });
  });
});
