import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Discloser, ProcessingGuard } from '@app/privacy';
import { strFromU8, unzipSync } from 'fflate';
import { RequestCodes } from '../../src/modules/data-subject-rights/request-codes.js';
import { OrderSecrets } from '../../src/modules/orders/order-secrets.js';
import { orderBody, placeOrder } from '../orders/orders-fixtures.js';
import { CREDIT_APPROVAL, type CreditApproval } from '../../src/modules/credit-check/credit-approval.port.js';
import { OrderStateMachine } from '../../src/modules/orders/order-state-machine.js';
import { PrivacyRequests } from '../../src/modules/data-subject-rights/privacy-requests.service.js';
import {
  ADDRESSES,
  orderStatus,
  pack,
  PRODUCT,
  pickingOrder,
  shipmentIn,
  staffAuth,
  stockForHandoff,
} from '../carrier-handoff/handoff-fixtures.js';
import { startFakeCreditAgency, type FakeCreditAgency } from '../fakes/credit-agency/index.js';
import { startFakeDhl, type FakeDhl } from '../fakes/dhl/index.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { eventually, mailTo } from '../registration/helpers.js';

const URL = '/api/v1/shop/privacy-requests';

describe('privacy requests without an account (guests and inquirers)', () => {
  let t: TestApp;
  let dhl: FakeDhl;
  let agency: FakeCreditAgency;
  let officer: { authorization: string };
  let fulfilment: { authorization: string };

  beforeAll(async () => {
    dhl = await startFakeDhl();
    agency = await startFakeCreditAgency();
    t = await startTestApp({
      env: { ...dhl.env, ...agency.env, JOBS_ENABLED: 'true', CARRIER_SIMULATORS: 'off' },
    });
    await stockForHandoff(t);
    officer = await staffAuth(t, 'privacy-officer');
    fulfilment = await staffAuth(t, 'fulfilment');
  });
  afterAll(async () => {
    await t?.close();
    await dhl?.stop();
    await agency?.stop();
  });

  /** The code of the newest message of `template` to `email`, once the worker has sent it. */
  async function codeFrom(email: string, template: string, after = 0): Promise<string> {
    const message = await eventually(async () => {
      const mails = (await mailTo(t, email)).filter((m) => m.template === template);
      return mails.length > after ? mails[mails.length - 1] : undefined;
    });
    const match = /\b(\d{6})\b/.exec(message.subject_line);
    if (!match) throw new Error('no code in the message');
    return match[1];
  }

  const ask = (payload: Record<string, unknown>) =>
    t.inject({
      method: 'POST',
      url: URL,
      payload,
      remoteAddress: `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
    });
  const verify = (id: string, code: string) =>
    t.inject({ method: 'POST', url: `${URL}/${id}/verification`, payload: { code } });
  const confirm = (id: string, code: string) =>
    t.inject({ method: 'POST', url: `${URL}/${id}/confirmation`, payload: { code } });

  async function inquiry(email: string): Promise<string> {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/shop/inquiries',
      payload: { name: 'Erika Mustermann', email, message: 'Does the DV-GO work with the UV lens?' },
      remoteAddress: `10.8.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
    });
    expect(res.statusCode).toBe(202);
    return res.json<{ id: string }>().id;
  }

  /** A guest's paid order handed to DHL (the carrier received name and address). */
  async function handedToDhl() {
    const order = await pickingOrder(t, { address: ADDRESSES.DE });
    await pack(t, order.id, fulfilment);
    const shipment = await shipmentIn(t, order.id, ['created']);
    return { order, shipment };
  }

  async function deliver(orderId: string, daysAgo: number): Promise<void> {
    const machine = t.app.get(OrderStateMachine);
    if ((await orderStatus(t, orderId)) === 'packed') await machine.transition(orderId, 'handed_to_carrier');
    await machine.transition(orderId, 'delivered');
    await t.db.query(
      `update order_status_change set at = now() - make_interval(days => $2) where order_id = $1 and to_status = 'delivered'`,
      [orderId, daysAgo],
    );
  }

  it('answers a guest who ordered and wrote an inquiry, after the code from the email, with both; a wrong and a replayed code fail', async () => {
    const { order } = await handedToDhl();
    const inquiryId = await inquiry(order.email);

    const res = await ask({ type: 'access', email: order.email, lang: 'en' });
    expect(res.statusCode).toBe(202);
    const { requestId } = res.json<{ requestId: string }>();
    const code = await codeFrom(order.email, 'data-subject-rights.verify-code');

    const wrong = await verify(requestId, code === '000000' ? '111111' : '000000');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors).toEqual([{ field: 'code', reason: 'is wrong, expired or already used' }]);
    expect(JSON.stringify(wrong.json())).not.toContain(order.email);

    const ok = await verify(requestId, code);
    expect(ok.statusCode).toBe(200);
    const { result, requestToken } = ok.json();
    const records = result.answer.copy.sections.flatMap(
      (s: { records: { recordType: string; recordId: string }[] }) => s.records,
    );
    expect(records).toContainEqual(expect.objectContaining({ recordType: 'order', recordId: order.id }));
    expect(records).toContainEqual(expect.objectContaining({ recordType: 'inquiry', recordId: inquiryId }));
    expect(result.answer.recipients.actual).toContainEqual(expect.objectContaining({ recipient: 'dhl' }));
    expect(result.answer.recipients.processors).toContainEqual(
      expect.objectContaining({ recipient: 'hosting-provider' }),
    );

    const replay = await verify(requestId, code);
    expect(replay.statusCode).toBe(400);

    const html = await t.inject({
      method: 'GET',
      url: `${URL}/${requestId}/answer?format=html&lang=de`,
      headers: { 'x-privacy-request-token': requestToken },
    });
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.body).toContain('Auskunft nach Art. 15 DSGVO');
    expect(html.body).toContain(order.number);
    const noToken = await t.inject({ method: 'GET', url: `${URL}/${requestId}/answer` });
    expect(noToken.statusCode).toBe(404);
  });

  it('gives an unknown address the same answer as a known one', async () => {
    const { order } = await handedToDhl();
    const known = await ask({ type: 'access', email: order.email });
    const unknown = await ask({ type: 'access', email: `nobody-${randomUUID()}@example.org` });
    expect(unknown.statusCode).toBe(known.statusCode);
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: typeof body.requestId });
    expect(strip(unknown.json())).toEqual(strip(known.json()));
    expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(known.headers).sort());
  });

  it('erases after a fresh confirmation and tells the carrier and the credit agency that received data (Art. 19)', async () => {
    const { order, shipment } = await handedToDhl();
    const email = order.email;
    await deliver(order.id, 20);
    // The same guest paid another order by invoice: the agency received name and address.
    const approval = await t.app.get<CreditApproval>(CREDIT_APPROVAL).requireApproval({
      id: randomUUID(),
      subjectId: order.subjectId,
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
    expect(approval.status).not.toBe('not-required');
    expect(agency.bodies().length).toBeGreaterThan(0);

    const res = await ask({ type: 'erasure', email });
    const { requestId } = res.json<{ requestId: string }>();
    const code = await codeFrom(email, 'data-subject-rights.verify-code');
    const verified = await verify(requestId, code);
    expect(verified.statusCode).toBe(200);
    expect(verified.json().result).toEqual({ type: 'erasure', stage: 'awaiting-confirmation' });
    // The first code does not confirm: a fresh one is needed.
    expect((await confirm(requestId, code)).statusCode).toBe(400);
    const second = await codeFrom(email, 'data-subject-rights.confirm-erasure');
    const done = await confirm(requestId, second);
    expect(done.statusCode).toBe(200);
    expect(done.json().result).toMatchObject({ type: 'erasure', stage: 'completed', recipientsNotified: 2 });

    // Blocked as an accounting voucher, but only with what the statute needs.
    const kept = await t.db.query(
      `select guest_email, delivery_street, delivery_last_name, delivery_country, billing_last_name, total_cents
         from shop_order where id = $1`,
      [order.id],
    );
    expect(kept.rows[0]).toMatchObject({
      guest_email: null,
      delivery_street: null,
      delivery_last_name: null,
      delivery_country: 'DE',
      billing_last_name: expect.any(String),
    });
    expect((await t.db.query('select 1 from invoice where order_id = $1', [order.id])).rowCount).toBe(1);

    const dhlNotice = await eventually(() =>
      Promise.resolve(
        dhl.simulator.privacyNotices.find((n) =>
          (n.parcelNumbers as string[]).includes(shipment.tracking_number as string),
        ),
      ),
    );
    expect(dhlNotice).toMatchObject({ type: 'erasure', legalBasis: 'Art. 19 GDPR' });
    expect(JSON.stringify(dhlNotice)).not.toContain('Mustermann');
    const agencyNotice = await eventually(() =>
      Promise.resolve(agency.privacyNotices().find((n) => n.type === 'erasure')),
    );
    expect(agencyNotice.references).toEqual(expect.arrayContaining([expect.any(String)]));

    const told = await t.inject({
      method: 'GET',
      url: `${URL}/${requestId}/recipients`,
      headers: { 'x-privacy-request-token': verified.json().requestToken },
    });
    expect(told.statusCode).toBe(200);
    await eventually(async () => {
      const list = (
        await t.inject({
          method: 'GET',
          url: `${URL}/${requestId}/recipients`,
          headers: { 'x-privacy-request-token': verified.json().requestToken },
        })
      ).json<{ recipient: string; status: string }[]>();
      return list.every((r) => r.status === 'sent') && list.length === 2 ? list : undefined;
    });
    await codeFrom(email, 'data-subject-rights.erasure-done').catch(() => undefined);
    const mails = (await mailTo(t, email)).map((m) => m.template);
    expect(mails).toContain('data-subject-rights.erasure-done');
  });

  it('erases an order in transit only after delivery and its withdrawal period, by the job, and tells the person when', async () => {
    const { order } = await handedToDhl();
    const email = order.email;
    if ((await orderStatus(t, order.id)) === 'packed')
      await t.app.get(OrderStateMachine).transition(order.id, 'handed_to_carrier');

    const { requestId } = (await ask({ type: 'erasure', email })).json<{ requestId: string }>();
    await verify(requestId, await codeFrom(email, 'data-subject-rights.verify-code'));
    const scheduled = await confirm(requestId, await codeFrom(email, 'data-subject-rights.confirm-erasure'));
    expect(scheduled.json().result).toEqual({ type: 'erasure', stage: 'scheduled', waitUntil: null });
    await eventually(async () =>
      (await mailTo(t, email)).find((m) => m.template === 'data-subject-rights.erasure-scheduled'),
    );

    const job = t.app.get(PrivacyRequests);
    const soon = new Date(Date.now() + 2 * 3_600_000);
    expect(await job.runDueSteps(soon)).toMatchObject({ ran: 0, waiting: 1 });
    expect((await t.db.query('select 1 from shop_order where id = $1', [order.id])).rowCount).toBe(1);

    await deliver(order.id, 15);
    expect(await job.runDueSteps(new Date(Date.now() + 4 * 3_600_000))).toMatchObject({ ran: 1 });
    const { rows } = await t.db.query(
      `select statute from privacy.blocked_record where record_type = 'order' and record_id = $1`,
      [order.id],
    );
    expect(rows).toHaveLength(1);
    const status = await t.db.query(`select status from privacy_request where id = $1`, [requestId]);
    expect(status.rows[0].status).toBe('completed');
  });

  it('shows an overdue request in the privacy officer’s queue, by due date', async () => {
    const recorded = await t.inject({
      method: 'POST',
      url: '/api/v1/admin/privacy/requests',
      headers: officer,
      payload: {
        type: 'access',
        email: `letter-${randomUUID()}@example.org`,
        receivedVia: 'letter',
        receivedAt: new Date(Date.now() - 40 * 86_400_000).toISOString(),
        identityCheck: 'Signed letter; address matches the order on file',
      },
    });
    expect(recorded.statusCode).toBe(201);
    const id = recorded.json().request.id;
    // An answer generated for staff completes it; reopen it as if the answer were still being prepared.
    await t.db.query(`update privacy_request set status = 'received', completed_at = null where id = $1`, [
      id,
    ]);
    const queue = await t.inject({
      method: 'GET',
      url: '/api/v1/admin/privacy/requests?overdue=true',
      headers: officer,
    });
    expect(queue.statusCode).toBe(200);
    const entries = queue.json<{ id: string; overdue: boolean; dueAt: string }[]>();
    expect(entries).toContainEqual(expect.objectContaining({ id, overdue: true, channel: 'letter' }));
    const dues = entries.map((e) => Date.parse(e.dueAt));
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    const late = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/privacy/requests/${id}/extension`,
      headers: officer,
      payload: { months: 1, reason: 'Many records in archives to review' },
    });
    expect(late.statusCode).toBe(422);
  });

  it('extends within the first month and tells the person; refuses with a reason and the right to complain', async () => {
    const email = `ext-${randomUUID()}@example.org`;
    const { requestId } = (await ask({ type: 'access', email })).json<{ requestId: string }>();
    await t.db.query(`update privacy_request set status = 'received', verified_at = now() where id = $1`, [
      requestId,
    ]);
    const extended = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/privacy/requests/${requestId}/extension`,
      headers: officer,
      payload: { months: 2, reason: 'Many records in archives to review' },
    });
    expect(extended.statusCode).toBe(200);
    expect(extended.json().extended).toBe(true);
    const more = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/privacy/requests/${requestId}/extension`,
      headers: officer,
      payload: { months: 1, reason: 'Still more records to review' },
    });
    expect(more.statusCode).toBe(400);
    await eventually(async () =>
      (await mailTo(t, email)).find((m) => m.template === 'data-subject-rights.extension'),
    );

    const refused = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/privacy/requests/${requestId}/refusal`,
      headers: officer,
      payload: { reason: 'excessive', detail: 'Fifth identical request this month' },
    });
    expect(refused.statusCode).toBe(200);
    const mail = await eventually(async () =>
      (await mailTo(t, email)).find((m) => m.template === 'data-subject-rights.refusal'),
    );
    expect(mail.body_text).toMatch(/Art\. 77/);
    const detail = await t.inject({
      method: 'GET',
      url: `/api/v1/admin/privacy/requests/${requestId}`,
      headers: officer,
    });
    expect(detail.json().events.map((e: { step: string }) => e.step)).toEqual(
      expect.arrayContaining(['received', 'code-sent', 'extended', 'refused']),
    );
  });

  it('restricts one activity only, and lifts it only after telling the person (Art. 18(3))', async () => {
    const { order } = await handedToDhl();
    const email = order.email;
    const { requestId } = (
      await ask({ type: 'restriction', email, activity: 'credit-check', reason: 'I contest the score' })
    ).json<{ requestId: string }>();
    const done = await verify(requestId, await codeFrom(email, 'data-subject-rights.verify-code'));
    expect(done.json().result).toMatchObject({ type: 'restriction', activity: 'credit-check' });
    const guard = t.app.get(ProcessingGuard);
    await expect(guard.mayProcess('credit-check', order.subjectId)).resolves.toBe(false);
    await expect(guard.mayProcess('order-processing', order.subjectId)).resolves.toBe(true);

    const liftOn = new Date(Date.now() + 3 * 86_400_000);
    const lift = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/privacy/requests/${requestId}/restriction-lift`,
      headers: officer,
      payload: { liftOn: liftOn.toISOString(), reason: 'The agency confirmed the data is accurate' },
    });
    expect(lift.statusCode).toBe(201);
    await eventually(async () =>
      (await mailTo(t, email)).find((m) => m.template === 'data-subject-rights.restriction-lift'),
    );
    const job = t.app.get(PrivacyRequests);
    await job.runDueSteps(new Date());
    await expect(guard.mayProcess('credit-check', order.subjectId)).resolves.toBe(false);
    await job.runDueSteps(new Date(liftOn.getTime() + 60_000));
    await expect(guard.mayProcess('credit-check', order.subjectId)).resolves.toBe(true);
  });

  it('lets a guest withdraw the carrier-notification consent with the order link, in one step (Art. 7(3))', async () => {
    const email = `consent-${randomUUID().slice(0, 8)}@example.org`;
    const placed = await placeOrder(
      t,
      orderBody([{ sku: PRODUCT.sku, quantity: 1 }], { email, carrierNotificationConsent: true }),
      { 'idempotency-key': randomUUID() },
    );
    expect(placed.statusCode).toBe(201);
    const { accessToken } = placed.json<{ accessToken: string }>();
    const subjectId = await t.app.get(OrderSecrets).guestSubject(email);
    const discloser = t.app.get(Discloser);
    expect(await discloser.allowedFields('carrier-handoff', 'dhl', subjectId)).toContain('email');

    const withdraw = (token: string) =>
      t.inject({
        method: 'POST',
        url: `${URL}/consent-withdrawals`,
        headers: { 'x-order-token': token },
        payload: { purpose: 'carrier-notifications' },
      });
    const bad = await withdraw('not-a-token');
    expect(bad.statusCode).toBe(404);
    const res = await withdraw(accessToken);
    expect(res.statusCode).toBe(200);
    expect(res.json().result).toEqual({
      type: 'consent-withdrawal',
      purpose: 'carrier-notifications',
      withdrawn: true,
    });
    expect(await discloser.allowedFields('carrier-handoff', 'dhl', subjectId)).not.toContain('email');
    const unknown = await t.inject({
      method: 'POST',
      url: `${URL}/consent-withdrawals`,
      headers: { 'x-order-token': accessToken },
      payload: { purpose: 'credit-check' },
    });
    expect(unknown.statusCode).toBe(400);
  });

  it('hands out the data as a ZIP of JSON and CSV through an expiring link (Art. 20)', async () => {
    const { order } = await handedToDhl();
    await inquiry(order.email);
    const { requestId } = (await ask({ type: 'portability', email: order.email })).json<{
      requestId: string;
    }>();
    const done = await verify(requestId, await codeFrom(order.email, 'data-subject-rights.verify-code'));
    expect(done.statusCode).toBe(200);
    const { url, expiresAt } = done.json().result.download;
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now() + 3_600_000);
    expect(url).not.toContain(order.email);
    const res = await t.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const files = unzipSync(new Uint8Array(res.rawPayload));
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(['README.txt', 'data.json', 'inquiry.csv', 'order.csv']),
    );
    const data = JSON.parse(strFromU8(files['data.json'])) as {
      records: { recordType: string; recordId: string }[];
    };
    expect(data.records).toContainEqual(expect.objectContaining({ recordType: 'order', recordId: order.id }));
    const csv = strFromU8(files['order.csv']).split('\r\n');
    expect(csv[0].split(',')).toEqual(expect.arrayContaining(['recordId', 'activity']));
    expect(csv[1]).toContain(order.id);

    const expired = t.app.get(RequestCodes).signRequestToken(requestId, new Date(Date.now() - 1000));
    const gone = await t.inject({
      method: 'GET',
      url: `${URL}/${requestId}/export?token=${encodeURIComponent(expired)}`,
    });
    expect(gone.statusCode).toBe(404);
  });

  it('limits requests per address', async () => {
    const email = `many-${randomUUID()}@example.org`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await ask({ type: 'access', email })).statusCode);
    expect(statuses).toEqual([202, 202, 202, 429]);
  });
});
