import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ActorContext,
  Discloser,
  LegalHolds,
  PrivacyRegistryService,
  RetentionSweep,
  RightsService,
} from '@app/privacy';
import { randomBytes } from 'node:crypto';
import { TokenService } from '../../src/common/auth/token.service.js';
import { InquiriesRights } from '../../src/modules/inquiries/inquiries.rights.js';
import { InquiryAnswerDelivery } from '../../src/modules/inquiries/inquiry-answer-delivery.js';
import { staffMember, staffToken, startTestApp, type TestApp } from '../helpers/test-app.js';

const DAY_MS = 86_400_000;

const erika = {
  name: 'Erika Mustermann',
  email: '  Erika.Mustermann@Example.org ',
  company: 'Hautarztpraxis Willich',
  phone: '02154 8826-0',
  message: 'Does the DermaScope 200 work with the practice software we use?',
  productSku: 'DERMA-SCOPE-200',
};

/** A client address of its own per call, so the form's throttle counts each test separately. */
const someClient = (): string => `198.51.100.${1 + (randomBytes(1)[0] % 250)}`;

interface Receipt {
  id: string;
  withdrawalToken: string;
  withdrawUrl: string;
}

describe('contact form and product inquiries', () => {
  let t: TestApp;
  let staff: Record<string, string>;
  let supportId: string;

  beforeAll(async () => {
    t = await startTestApp({
      env: { INQUIRY_RATE_LIMIT_MAX: '3', INQUIRY_RATE_LIMIT_WINDOW_SECONDS: '600' },
    });
    const support = await staffMember(t, 'support');
    supportId = support.id;
    staff = {
      authorization: `Bearer ${support.token}`,
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  const submit = async (body: object = erika, remoteAddress = someClient()): Promise<Receipt> => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/shop/inquiries',
      payload: body,
      remoteAddress,
    });
    expect(res.statusCode).toBe(202);
    return res.json<Receipt>();
  };
  const stored = async (id: string) =>
    (await t.db.query('select * from inquiry where id = $1', [id])).rows[0] as
      Record<string, unknown> | undefined;
  const answer = (id: string, text = 'Yes: it exports DICOM and PDF.') =>
    t.inject({
      method: 'POST',
      url: `/api/v1/admin/inquiries/${id}/answer`,
      headers: staff,
      payload: { text },
    });
  const close = (id: string) =>
    t.inject({ method: 'POST', url: `/api/v1/admin/inquiries/${id}/close`, headers: staff });
  const placeHold = (scope: Parameters<LegalHolds['create']>[0]) =>
    ActorContext.run({ type: 'staff', id: 'privacy-officer-1', role: 'privacy-officer' }, () =>
      t.app.get(LegalHolds).create(scope, 'incident 2026-11: abuse of the contact form under investigation'),
    );
  const release = (id: string) =>
    ActorContext.run({ type: 'staff', id: 'privacy-officer-1', role: 'privacy-officer' }, () =>
      t.app.get(LegalHolds).release(id),
    );

  describe('taking an inquiry', () => {
    it('takes an inquiry without an account: 202 with a withdrawal token that is stored only as a hash', async () => {
      const receipt = await submit();

      expect(receipt.withdrawUrl).toBe(`/api/v1/shop/inquiries/${receipt.id}`);
      expect(receipt.withdrawalToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const row = await stored(receipt.id);
      expect(row).toMatchObject({
        name: 'Erika Mustermann',
        email: 'Erika.Mustermann@Example.org',
        email_normalized: 'erika.mustermann@example.org',
        company: 'Hautarztpraxis Willich',
        phone: '+49215488260',
        product_sku: 'DERMA-SCOPE-200',
        status: 'open',
        delete_after: null,
      });
      const hash = row!.withdrawal_token_hash as Buffer;
      expect(hash).toHaveLength(32);
      expect(JSON.stringify(row)).not.toContain(receipt.withdrawalToken);
    });

    it('takes the voluntary fields as optional', async () => {
      const receipt = await submit({
        name: 'Max',
        email: 'max@example.org',
        message: 'Do you ship to Austria?',
      });
      expect(await stored(receipt.id)).toMatchObject({ company: null, phone: null, product_sku: null });
    });

    it('refuses unknown fields and invalid values as problem+json naming each field, never echoing a value', async () => {
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/shop/inquiries',
        remoteAddress: someClient(),
        payload: {
          ...erika,
          email: 'erika-at-example.org',
          phone: '12',
          message: 'x'.repeat(5001),
          newsletter: true,
        },
      });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const fields = (res.json<{ errors: { field: string }[] }>().errors ?? []).map((e) => e.field);
      expect(new Set(fields)).toEqual(new Set(['email', 'phone', 'message', 'newsletter']));
      expect(res.body).not.toContain('erika-at-example.org');
    });

    it('throttles the form per client: the fourth inquiry within the window is 429 with Retry-After', async () => {
      const client = someClient();
      for (let i = 0; i < 3; i++) await submit(erika, client);
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/shop/inquiries',
        payload: erika,
        remoteAddress: client,
      });
      expect(res.statusCode).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.headers['content-type']).toContain('application/problem+json');
      // Another client is not affected.
      await submit(erika, someClient().replace('198.51.100.', '203.0.113.'));
    });
  });

  describe('support', () => {
    it('lists the queue oldest first, without personal data', async () => {
      const receipt = await submit();
      const res = await t.inject({
        method: 'GET',
        url: '/api/v1/admin/inquiries?status=open&pageSize=100',
        headers: staff,
      });
      expect(res.statusCode).toBe(200);
      const page = res.json<{
        items: Record<string, unknown>[];
        total: number;
        page: number;
        pageSize: number;
      }>();
      expect(page).toMatchObject({ page: 1, pageSize: 100 });
      const item = page.items.find((i) => i.id === receipt.id);
      expect(Object.keys(item!).sort()).toEqual(
        [
          'answerCount',
          'answeredAt',
          'closedAt',
          'createdAt',
          'deleteAfter',
          'id',
          'productSku',
          'status',
        ].sort(),
      );
      expect(res.body).not.toContain('Mustermann');
      const created = page.items.map((i) => String(i.createdAt));
      expect([...created].sort()).toEqual(created);
    });

    it('writes every read of an inquiry to the audit log, with the fields shown', async () => {
      const receipt = await submit({ name: 'Max', email: 'max@example.org', message: 'Price for 10 units?' });
      const res = await t.inject({
        method: 'GET',
        url: `/api/v1/admin/inquiries/${receipt.id}`,
        headers: staff,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        id: receipt.id,
        name: 'Max',
        email: 'max@example.org',
        answers: [],
      });
      const audit = await t.db.query(
        `select actor_type, actor_id, actor_role, activity_id, action, fields from privacy.access_audit_log where subject_id = $1`,
        [`inquiry:${receipt.id}`],
      );
      expect(audit.rows).toEqual([
        {
          actor_type: 'staff',
          actor_id: supportId,
          actor_role: 'support',
          activity_id: 'inquiries',
          action: 'read',
          fields: ['contact.email', 'inquiry.message', 'inquiry.name'],
        },
      ]);
    });

    it('lets only support and admin staff in', async () => {
      const tokens = t.app.get(TokenService);
      const fulfilment = await staffToken(t, 'fulfilment');
      const customer = tokens.sign({ sub: 'c-1', kind: 'customer' }).token;
      const list = (authorization?: string) =>
        t.inject({
          method: 'GET',
          url: '/api/v1/admin/inquiries',
          headers: authorization ? { authorization } : {},
        });
      expect((await list()).statusCode).toBe(401);
      expect((await list(`Bearer ${customer}`)).statusCode).toBe(401);
      expect((await list(`Bearer ${fulfilment}`)).statusCode).toBe(403);
      const admin = await staffToken(t, 'admin');
      expect((await list(`Bearer ${admin}`)).statusCode).toBe(200);
    });

    it('stores an answer and enqueues inquiry.answered with ids only, in the same transaction', async () => {
      const receipt = await submit();
      const res = await answer(receipt.id);
      expect(res.statusCode).toBe(201);
      const answered = res.json<{ id: string; status: string }>();
      expect(answered.status).toBe('answered');
      expect(await stored(receipt.id)).toMatchObject({ status: 'answered' });
      const jobs = await t.db.query<{ data: unknown }>(
        `select data from pgboss.job where name = 'inquiry.answered'`,
      );
      expect(jobs.rows.map((r) => r.data)).toContainEqual({ inquiryId: receipt.id, answerId: answered.id });
      expect(JSON.stringify(jobs.rows)).not.toContain('example.org');

      const delivery = await t.app.get(InquiryAnswerDelivery).forDelivery(answered.id);
      expect(delivery).toMatchObject({
        inquiryId: receipt.id,
        recipient: { name: 'Erika Mustermann', email: 'Erika.Mustermann@Example.org' },
        answer: 'Yes: it exports DICOM and PDF.',
        deliveredAt: null,
      });
    });

    it('answers 404 for an unknown inquiry and 409 when answering a closed one', async () => {
      expect((await answer('5b0c3c1e-3d4a-4f6b-9a53-7e2b1d9c0a11')).statusCode).toBe(404);
      const held = await submit();
      const hold = await placeHold({ subjectId: `inquiry:${held.id}` });
      expect((await close(held.id)).statusCode).toBe(200);
      const res = await answer(held.id);
      expect(res.statusCode).toBe(409);
      expect((await close(held.id)).statusCode).toBe(409);
      await release(hold.id);
    });
  });

  describe('deletion once handled', () => {
    it('deletes an inquiry when support closes it (grace 0): nothing is kept', async () => {
      const receipt = await submit();
      const res = await close(receipt.id);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        id: receipt.id,
        status: 'closed',
        deleted: true,
        deleteAfter: null,
        keptFor: null,
      });
      expect(await stored(receipt.id)).toBeUndefined();
      expect(
        (await t.inject({ method: 'GET', url: `/api/v1/admin/inquiries/${receipt.id}`, headers: staff }))
          .statusCode,
      ).toBe(404);
    });

    it('keeps a closed inquiry until its answer has been sent, then deletes it with the answer', async () => {
      const receipt = await submit();
      const answerId = (await answer(receipt.id)).json<{ id: string }>().id;
      const closed = await close(receipt.id);
      expect(closed.json()).toMatchObject({ deleted: false, keptFor: 'answer-undelivered' });
      await t.app.get(RetentionSweep).runSweep(new Date());
      expect(await stored(receipt.id)).toBeDefined();

      expect(await t.app.get(InquiryAnswerDelivery).markDelivered(answerId)).toBe(true);

      expect(await stored(receipt.id)).toBeUndefined();
      expect((await t.db.query('select 1 from inquiry_answer where id = $1', [answerId])).rowCount).toBe(0);
    });

    it('deletes a closed inquiry whose answer could not be sent after the delivery wait', async () => {
      const receipt = await submit();
      await answer(receipt.id);
      await close(receipt.id);
      await t.app.get(RetentionSweep).runSweep(new Date(Date.now() + 6 * DAY_MS));
      expect(await stored(receipt.id)).toBeDefined();
      await t.app.get(RetentionSweep).runSweep(new Date(Date.now() + 8 * DAY_MS));
      expect(await stored(receipt.id)).toBeUndefined();
    });

    it('keeps a closed inquiry a legal hold covers; the sweep deletes it once the hold is released', async () => {
      const receipt = await submit();
      const hold = await placeHold({ activityId: 'inquiries', subjectId: `inquiry:${receipt.id}` });

      const closed = await close(receipt.id);
      expect(closed.json()).toMatchObject({ deleted: false, keptFor: 'legal-hold' });
      const sweep = t.app.get(RetentionSweep);
      const first = await sweep.runSweep(new Date());
      expect(first.details.policies.find((p) => p.policyId === 'inquiries.ended')).toMatchObject({
        heldBy: { [hold.id]: 1 },
      });
      expect(await stored(receipt.id)).toBeDefined();

      await release(hold.id);
      await sweep.runSweep(new Date());
      expect(await stored(receipt.id)).toBeUndefined();
    });
  });

  describe('withdrawal by the person', () => {
    const withdraw = (id: string, token?: string) =>
      t.inject({
        method: 'DELETE',
        url: `/api/v1/shop/inquiries/${id}`,
        headers: token === undefined ? {} : { 'x-withdrawal-token': token },
      });

    it('deletes the inquiry at once with the token of the receipt (204), whatever its state', async () => {
      const receipt = await submit();
      await answer(receipt.id);
      const res = await withdraw(receipt.id, receipt.withdrawalToken);
      expect(res.statusCode).toBe(204);
      expect(await stored(receipt.id)).toBeUndefined();
      expect(
        (await t.db.query('select 1 from inquiry_answer a where a.inquiry_id = $1', [receipt.id])).rowCount,
      ).toBe(0);
    });

    it('answers 404 to a wrong, missing or another inquiry\u2019s token and deletes nothing', async () => {
      const mine = await submit();
      const other = await submit();
      expect((await withdraw(mine.id, other.withdrawalToken)).statusCode).toBe(404);
      expect((await withdraw(mine.id)).statusCode).toBe(404);
      expect((await withdraw(mine.id, 'x'.repeat(43))).statusCode).toBe(404);
      expect((await withdraw('not-a-uuid', mine.withdrawalToken)).statusCode).toBe(404);
      expect(await stored(mine.id)).toBeDefined();
    });

    it('keeps a withdrawn inquiry a legal hold covers out of support\u2019s sight, and deletes it after the release', async () => {
      const receipt = await submit();
      const hold = await placeHold({ subjectId: `inquiry:${receipt.id}` });
      const res = await withdraw(receipt.id, receipt.withdrawalToken);
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({ status: 'withdrawn' });
      expect(
        (await t.inject({ method: 'GET', url: `/api/v1/admin/inquiries/${receipt.id}`, headers: staff }))
          .statusCode,
      ).toBe(404);
      expect((await answer(receipt.id)).statusCode).toBe(404);

      await release(hold.id);
      await t.app.get(RetentionSweep).runSweep(new Date());
      expect(await stored(receipt.id)).toBeUndefined();
    });
  });

  describe('rights and registry', () => {
    it('exports an inquiry with its answers for its subject, and finds a person\u2019s inquiries by email', async () => {
      const email = `anna.${randomBytes(3).toString('hex')}@example.org`;
      const receipt = await submit({ ...erika, email: email.toUpperCase() });
      await answer(receipt.id, 'We will call you back.');
      const rights = t.app.get(InquiriesRights);
      expect(await rights.subjectsByEmail(` ${email} `)).toEqual([`inquiry:${receipt.id}`]);

      const copy = await t.app.get(RightsService).exportSubject(`inquiry:${receipt.id}`);
      const section = copy.sections.find((s) => s.exporter === 'inquiries')!;
      expect(section.categories).toEqual(
        expect.arrayContaining([
          'inquiry.name',
          'contact.email',
          'contact.phone',
          'inquiry.message',
          'inquiry.answer',
        ]),
      );
      expect(section.records.map((r) => r.recordType)).toEqual(['inquiry', 'inquiry_answer']);
      expect(section.records[0].data).toMatchObject({ email: email.toUpperCase(), phone: '+49215488260' });
      expect(section.records[1].data).toMatchObject({ text: 'We will call you back.' });
      expect(JSON.stringify(section)).not.toContain(supportId);
    });

    it('erases an inquiry and its answers on an erasure request', async () => {
      const receipt = await submit();
      const answerId = (await answer(receipt.id)).json<{ id: string }>().id;
      const report = await t.app.get(RightsService).eraseSubject(`inquiry:${receipt.id}`);
      expect(report.complete).toBe(true);
      expect(report.erasers.find((e) => e.eraser === 'inquiries')?.erased).toEqual([
        { recordType: 'inquiry', recordId: receipt.id },
        { recordType: 'inquiry_answer', recordId: answerId },
      ]);
      expect(await stored(receipt.id)).toBeUndefined();
    });

    it('declares the activity on Art. 6(1)(b), with no recipient, and refuses every disclosure of an inquiry', async () => {
      const registry = t.app.get(PrivacyRegistryService);
      const activity = registry.registry.activity('inquiries');
      expect(activity).toMatchObject({ legalBasis: '6(1)(b)', disclosures: [], processors: [] });
      expect(registry.lintFindings().filter((f) => f.activity === 'inquiries')).toEqual([]);

      const receipt = await submit();
      let sent = false;
      await expect(
        t.app.get(Discloser).disclose({
          activityId: 'inquiries',
          recipientId: 'dhl',
          subjectId: `inquiry:${receipt.id}`,
          payload: { name: 'Erika Mustermann' },
          send: () => {
            sent = true;
            return Promise.resolve();
          },
        }),
      ).rejects.toThrow();
      expect(sent).toBe(false);
    });
  });
});

describe('inquiries with a deletion grace', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { INQUIRY_DELETE_GRACE_DAYS: '3' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps a closed inquiry for the grace and the sweep deletes it after', async () => {
    const staff = { authorization: `Bearer ${await staffToken(t, 'support')}` };
    const { id } = (
      await t.inject({
        method: 'POST',
        url: '/api/v1/shop/inquiries',
        payload: erika,
        remoteAddress: someClient(),
      })
    ).json<Receipt>();
    const closed = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/inquiries/${id}/close`,
      headers: staff,
    });
    const body = closed.json<{ deleted: boolean; keptFor: string; closedAt: string; deleteAfter: string }>();
    expect(body).toMatchObject({ deleted: false, keptFor: 'grace' });
    expect(Date.parse(body.deleteAfter) - Date.parse(body.closedAt)).toBe(3 * DAY_MS);

    const sweep = t.app.get(RetentionSweep);
    await sweep.runSweep(new Date(Date.now() + 2 * DAY_MS));
    expect((await t.db.query('select 1 from inquiry where id = $1', [id])).rowCount).toBe(1);
    await sweep.runSweep(new Date(Date.now() + 3 * DAY_MS + 60_000));
    expect((await t.db.query('select 1 from inquiry where id = $1', [id])).rowCount).toBe(0);
  });
});
