import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createWebhookVerifier,
  WebhookVerificationError,
} from '../../src/modules/partners/webhooks/example/verify-partner-webhook.js';
import { startFakeDhl, type FakeDhl } from '../fakes/dhl/index.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import {
  eventually,
  orderStatus,
  pack,
  pickingOrder,
  shipmentIn,
  staffAuth,
  stockForHandoff,
  type PickingOrder,
} from '../carrier-handoff/handoff-fixtures.js';

interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A partner's webhook endpoint: records what arrives; answers with the next queued status (default 200). */
async function startReceiver(): Promise<{
  url: string;
  received: ReceivedWebhook[];
  answers: number[];
  close(): Promise<void>;
}> {
  const received: ReceivedWebhook[] = [];
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/storefront`,
    received,
    answers,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('the partner shipment API and signed webhooks', () => {
  let t: TestApp;
  let dhl: FakeDhl;
  let admin: { authorization: string };
  let fulfilment: { authorization: string };
  const partner = { north: '', south: '', dhl: '' };
  const key = { north: '', south: '', northReadOnly: '', dhl: '' };

  const asPartner = (apiKey: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    t.inject({ method, url, headers: { 'x-api-key': apiKey }, ...(payload ? { payload } : {}) });

  async function createPartner(
    name: string,
    kind: 'carrier' | 'logistics',
    recipientId: string,
  ): Promise<string> {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/admin/partners',
      headers: admin,
      payload: { name, kind, recipientId },
    });
    expect(res.statusCode).toBe(201);
    return res.json<{ id: string }>().id;
  }

  async function issueKey(partnerId: string, scopes: string[]): Promise<string> {
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/partners/${partnerId}/api-keys`,
      headers: admin,
      payload: { scopes },
    });
    expect(res.statusCode).toBe(201);
    return res.json<{ key: string }>().key;
  }

  /** Packs a fresh order, waits for DHL to have it, and assigns its shipment to `partnerId`. */
  async function shipmentFor(
    partnerId: string,
    options: { consent?: boolean } = {},
  ): Promise<{ order: PickingOrder; shipmentId: string }> {
    const order = await pickingOrder(t, options);
    await pack(t, order.id, fulfilment);
    const shipment = await shipmentIn(t, order.id, ['created']);
    const res = await t.inject({
      method: 'PUT',
      url: `/api/v1/admin/shipments/${shipment.id}/partner`,
      headers: fulfilment,
      payload: { partnerId },
    });
    expect(res.statusCode).toBe(200);
    return { order, shipmentId: shipment.id };
  }

  beforeAll(async () => {
    dhl = await startFakeDhl();
    t = await startTestApp({
      env: {
        ...dhl.env,
        JOBS_ENABLED: 'true',
        CARRIER_SIMULATORS: 'off',
        CARRIER_HTTP_TIMEOUT_MS: '1000',
        CARRIER_HANDOFF_RETRY_DELAY_SECONDS: '1',
        CARRIER_HANDOFF_RETRY_DELAY_MAX_SECONDS: '2',
        CARRIER_CIRCUIT_FAILURES: '100',
        PARTNER_WEBHOOK_RETRY_DELAY_SECONDS: '1',
      },
    });
    await stockForHandoff(t);
    admin = await staffAuth(t, 'admin');
    fulfilment = await staffAuth(t, 'fulfilment');
    partner.north = await createPartner('Spedition Nord GmbH', 'logistics', 'logistics-partner');
    partner.south = await createPartner('Spedition Süd GmbH', 'logistics', 'logistics-partner');
    partner.dhl = await createPartner('DHL Paket GmbH', 'carrier', 'dhl');
    key.north = await issueKey(partner.north, ['shipments:read', 'shipments:write']);
    key.south = await issueKey(partner.south, ['shipments:read', 'shipments:write']);
    key.northReadOnly = await issueKey(partner.north, ['shipments:read']);
    key.dhl = await issueKey(partner.dhl, ['shipments:read']);
  });
  afterAll(async () => {
    await t?.close();
    await dhl?.stop();
  });

  it('assigns a shipment to the carrier partner that carries it, who sees it through the API', async () => {
    const order = await pickingOrder(t);
    await pack(t, order.id, fulfilment);
    const shipment = await shipmentIn(t, order.id, ['created']);
    const res = await asPartner(key.dhl, 'GET', `/api/v1/partner/shipments/${shipment.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: shipment.id,
      reference: order.number,
      carrier: 'dhl',
      trackingNumber: shipment.tracking_number,
    });
  });

  it('shows partner A only its own shipments: partner B’s answer 404 like ones that do not exist', async () => {
    const mine = await shipmentFor(partner.north);
    const theirs = await shipmentFor(partner.south);

    const list = await asPartner(key.north, 'GET', '/api/v1/partner/shipments?limit=100');
    expect(list.statusCode).toBe(200);
    const ids = list.json<{ items: { id: string }[] }>().items.map((i) => i.id);
    expect(ids).toContain(mine.shipmentId);
    expect(ids).not.toContain(theirs.shipmentId);
    expect(list.body).not.toContain(theirs.order.number);

    for (const [method, url] of [
      ['GET', `/api/v1/partner/shipments/${theirs.shipmentId}`],
      ['POST', `/api/v1/partner/shipments/${theirs.shipmentId}/ack`],
      ['POST', `/api/v1/partner/shipments/${theirs.shipmentId}/status`],
    ] as const) {
      const res = await asPartner(
        key.north,
        method,
        url,
        method === 'POST' ? (url.endsWith('status') ? { status: 'delivered' } : {}) : undefined,
      );
      expect({ url, status: res.statusCode }).toEqual({ url, status: 404 });
    }
    const unknown = await asPartner(
      key.north,
      'GET',
      '/api/v1/partner/shipments/00000000-0000-4000-8000-000000000000',
    );
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().detail).toBe(
      (await asPartner(key.north, 'GET', `/api/v1/partner/shipments/${theirs.shipmentId}`)).json().detail,
    );
    expect(await orderStatus(t, theirs.order.id)).toBe('handed_to_carrier');
  });

  it('returns only the allow-listed fields, the email only with the consent, and logs every read as a disclosure and an access', async () => {
    const plain = await shipmentFor(partner.north);
    const consenting = await shipmentFor(partner.north, { consent: true });

    const res = await asPartner(key.north, 'GET', `/api/v1/partner/shipments/${plain.shipmentId}`);
    expect(res.statusCode).toBe(200);
    const view = res.json<{ recipient: Record<string, unknown>; personalData: unknown }>();
    expect(Object.keys(view.recipient).sort()).toEqual([
      'addressLine2',
      'city',
      'country',
      'houseNumber',
      'name',
      'postalCode',
      'street',
    ]);
    expect(view.recipient).toMatchObject({
      name: 'Erika Mustermann',
      street: 'Siemensring',
      postalCode: '47877',
      city: 'Willich',
      country: 'DE',
    });
    expect(view.personalData).toEqual({ available: true, until: null });
    expect(res.body).not.toContain(plain.order.email);

    const withConsent = await asPartner(
      key.north,
      'GET',
      `/api/v1/partner/shipments/${consenting.shipmentId}`,
    );
    expect(withConsent.json().recipient.email).toBe(consenting.order.email);

    const { rows: disclosed } = await t.db.query<{
      recipient_id: string;
      fields: string[];
      actor_type: string;
      actor_id: string;
    }>(
      `select recipient_id, fields, actor_type, actor_id from privacy.disclosure_log
        where subject_id = $1 and recipient_id = 'logistics-partner' order by id`,
      [plain.order.subjectId],
    );
    expect(disclosed).toContainEqual({
      recipient_id: 'logistics-partner',
      fields: [
        'addressLine2',
        'city',
        'country',
        'houseNumber',
        'name',
        'parcel.reference',
        'parcel.weight',
        'postalCode',
        'street',
      ],
      actor_type: 'partner',
      actor_id: partner.north,
    });
    const { rows: audited } = await t.db.query<{
      actor_type: string;
      actor_id: string;
      action: string;
      fields: string[];
    }>(
      `select actor_type, actor_id, action, fields from privacy.access_audit_log where subject_id = $1 and actor_type = 'partner'`,
      [plain.order.subjectId],
    );
    expect(audited).toContainEqual({
      actor_type: 'partner',
      actor_id: partner.north,
      action: 'read',
      fields: ['addressLine2', 'city', 'country', 'houseNumber', 'name', 'postalCode', 'street'],
    });
  });

  it('pages through a partner’s shipments with a cursor, without gaps or repeats', async () => {
    for (let i = 0; i < 3; i += 1) await shipmentFor(partner.south);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await asPartner(
        key.south,
        'GET',
        `/api/v1/partner/shipments?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.statusCode).toBe(200);
      const page = res.json<{ items: { id: string }[]; nextCursor: string | null }>();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    const { rows } = await t.db.query<{ id: string }>(
      'select id from shipment where partner_id = $1 order by created_at, id',
      [partner.south],
    );
    expect(seen).toEqual(rows.map((r) => r.id));
    const bad = await asPartner(key.south, 'GET', '/api/v1/partner/shipments?cursor=not-a-cursor');
    expect(bad.statusCode).toBe(400);
  });

  it('moves the order on with the partner’s reports, idempotently, and refuses going back', async () => {
    const { order, shipmentId } = await shipmentFor(partner.north);
    const report = (status: string, apiKey = key.north) =>
      asPartner(apiKey, 'POST', `/api/v1/partner/shipments/${shipmentId}/status`, { status });

    expect((await report('picked_up', key.northReadOnly)).statusCode).toBe(403);
    const ack = await asPartner(key.north, 'POST', `/api/v1/partner/shipments/${shipmentId}/ack`);
    expect(ack.statusCode).toBe(200);
    expect(ack.json().acknowledgedAt).not.toBeNull();
    expect((await report('picked_up')).json()).toMatchObject({ status: 'picked_up' });
    expect(await orderStatus(t, order.id)).toBe('handed_to_carrier');
    const delivered = await report('delivered');
    expect(delivered.statusCode).toBe(200);
    expect(await orderStatus(t, order.id)).toBe('delivered');
    expect((await report('delivered')).statusCode).toBe(200);
    const back = await report('picked_up');
    expect(back.statusCode).toBe(409);
    expect(back.json()).toMatchObject({
      type: 'urn:storefront:problem:shipment-status-conflict',
      shipmentStatus: 'delivered',
    });

    const { rows } = await t.db.query<{ actor_type: string; actor_id: string; to_status: string }>(
      `select actor_type, actor_id, to_status from order_status_change where order_id = $1 and to_status = 'delivered'`,
      [order.id],
    );
    expect(rows).toEqual([{ actor_type: 'partner', actor_id: partner.north, to_status: 'delivered' }]);
  });

  it('stops returning an expired shipment’s personal data, and says so', async () => {
    const { shipmentId } = await shipmentFor(partner.north);
    await asPartner(key.north, 'POST', `/api/v1/partner/shipments/${shipmentId}/status`, {
      status: 'delivered',
    });
    const { rows } = await t.db.query<{ days: number }>(
      `select extract(day from personal_data_until - delivered_at)::int as days from shipment where id = $1`,
      [shipmentId],
    );
    expect(rows[0].days).toBe(14);
    expect(
      (await asPartner(key.north, 'GET', `/api/v1/partner/shipments/${shipmentId}`)).json().personalData
        .available,
    ).toBe(true);

    // Fifteen days later (the clock moved by moving the dates).
    await t.db.query(
      `update shipment set delivered_at = delivered_at - interval '15 days', personal_data_until = personal_data_until - interval '15 days'
        where id = $1`,
      [shipmentId],
    );
    const res = await asPartner(key.north, 'GET', `/api/v1/partner/shipments/${shipmentId}`);
    expect(res.statusCode).toBe(200);
    const view = res.json();
    expect(view.recipient).toBeNull();
    expect(view.personalData).toMatchObject({ available: false, reason: 'retention-expired' });
    expect(res.body).not.toContain('Mustermann');
    expect(res.body).not.toContain('Siemensring');
    const listed = await asPartner(key.north, 'GET', '/api/v1/partner/shipments?status=delivered&limit=100');
    expect(listed.json().items.find((i: { id: string }) => i.id === shipmentId).recipient).toBeNull();
  });

  it('lets a partner take over a shipment the carrier API could not take: nothing is sent to the carrier after', async () => {
    dhl.simulator.failFor(60_000, { status: 503 });
    const order = await pickingOrder(t);
    await pack(t, order.id, fulfilment);
    const failing = await shipmentIn(t, order.id, ['failed']);
    const assigned = await t.inject({
      method: 'PUT',
      url: `/api/v1/admin/shipments/${failing.id}/partner`,
      headers: fulfilment,
      payload: { partnerId: partner.south },
    });
    expect(assigned.statusCode).toBe(200);
    const ack = await eventually(async () => {
      const res = await asPartner(key.south, 'POST', `/api/v1/partner/shipments/${failing.id}/ack`);
      return res.statusCode === 200 ? res : undefined; // 409 while an attempt is under way
    });
    expect(ack.json()).toMatchObject({ status: 'created' });
    expect(await orderStatus(t, order.id)).toBe('handed_to_carrier');
    dhl.simulator.recover();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(dhl.simulator.shipmentsFor(order.number)).toHaveLength(0);
    const { rows } = await t.db.query<{ status: string; handed_over_by: string }>(
      'select status, handed_over_by from shipment where id = $1',
      [failing.id],
    );
    expect(rows[0]).toEqual({ status: 'created', handed_over_by: 'partner' });
  });

  it('refuses to assign a shipment to a partner whose recipient has no allow-list for carrier handoff', async () => {
    const stranger = await createPartner('Hosting GmbH', 'logistics', 'hosting-provider');
    const order = await pickingOrder(t);
    await pack(t, order.id, fulfilment);
    const shipment = await shipmentIn(t, order.id, ['created']);
    const res = await t.inject({
      method: 'PUT',
      url: `/api/v1/admin/shipments/${shipment.id}/partner`,
      headers: fulfilment,
      payload: { partnerId: stranger },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ field: 'partnerId' });
  });

  describe('signed webhooks', () => {
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let secret: string;

    beforeAll(async () => {
      receiver = await startReceiver();
      const res = await t.inject({
        method: 'POST',
        url: `/api/v1/admin/partners/${partner.north}/webhooks`,
        headers: admin,
        payload: { url: receiver.url, events: ['shipment.assigned', 'shipment.delivered'] },
      });
      expect(res.statusCode).toBe(201);
      expect(res.headers['cache-control']).toBe('no-store');
      secret = res.json<{ secret: string }>().secret;
      expect(secret).toMatch(/^whsec_/);
      const { rows } = await t.db.query<{ secret_ciphertext: Buffer }>(
        'select secret_ciphertext from partner_webhook',
      );
      expect(rows[0].secret_ciphertext.toString('utf8')).not.toContain(secret.slice(6));
      const listed = await t.inject({
        method: 'GET',
        url: `/api/v1/admin/partners/${partner.north}/webhooks`,
        headers: admin,
      });
      expect(listed.body).not.toContain(secret);
    });
    afterAll(async () => {
      await receiver?.close();
    });

    it('pushes the assignment signed with the partner’s secret; the example verifier accepts it once and rejects the replay', async () => {
      const { order, shipmentId } = await shipmentFor(partner.north);
      const webhook = await eventually(() =>
        Promise.resolve(receiver.received.find((r) => r.body.includes(shipmentId))),
      );
      const verifier = createWebhookVerifier({ secret });
      const event = verifier.verify(webhook.headers, webhook.body);
      expect(event).toMatchObject({
        type: 'shipment.assigned',
        data: { shipment: { id: shipmentId, reference: order.number } },
      });
      expect(
        (event.data as { shipment: { recipient: Record<string, unknown> } }).shipment.recipient,
      ).toMatchObject({
        name: 'Erika Mustermann',
        city: 'Willich',
      });
      expect(webhook.body).not.toContain(order.email);

      const replay = (() => {
        try {
          verifier.verify(webhook.headers, webhook.body);
          return 'accepted';
        } catch (error) {
          return error instanceof WebhookVerificationError ? error.reason : 'error';
        }
      })();
      expect(replay).toBe('replayed');
      expect(() =>
        createWebhookVerifier({ secret: 'whsec_someone-else' }).verify(webhook.headers, webhook.body),
      ).toThrow(WebhookVerificationError);

      const { rows } = await t.db.query<{ recipient_id: string; actor_type: string; outcome: string }>(
        `select recipient_id, actor_type, outcome from privacy.disclosure_log
          where subject_id = $1 and recipient_id = 'logistics-partner' and actor_type = 'system'`,
        [order.subjectId],
      );
      expect(rows).toEqual([{ recipient_id: 'logistics-partner', actor_type: 'system', outcome: 'sent' }]);
      const log = await t.inject({
        method: 'GET',
        url: `/api/v1/admin/partners/${partner.north}/webhook-deliveries`,
        headers: admin,
      });
      expect(log.json().items.find((d: { shipmentId: string }) => d.shipmentId === shipmentId)).toMatchObject(
        {
          eventType: 'shipment.assigned',
          status: 'delivered',
          attempts: 1,
          lastStatusCode: 200,
        },
      );
    });

    it('retries a delivery the partner’s endpoint refused, with backoff, until it is accepted', async () => {
      receiver.answers.push(500, 503);
      const { shipmentId } = await shipmentFor(partner.north);
      const delivery = await eventually(async () => {
        const res = await t.inject({
          method: 'GET',
          url: `/api/v1/admin/partners/${partner.north}/webhook-deliveries?status=delivered`,
          headers: admin,
        });
        return res
          .json<{ items: { shipmentId: string; attempts: number }[] }>()
          .items.find((d) => d.shipmentId === shipmentId);
      }, 30_000);
      expect(delivery).toMatchObject({ attempts: 3, lastStatusCode: 200 });
      expect(receiver.received.filter((r) => r.body.includes(shipmentId))).toHaveLength(3);
    });

    it('sends no webhook about a delivery the partner reported itself', async () => {
      const { shipmentId } = await shipmentFor(partner.north);
      await eventually(() => Promise.resolve(receiver.received.find((r) => r.body.includes(shipmentId))));
      const before = receiver.received.length;
      await asPartner(key.north, 'POST', `/api/v1/partner/shipments/${shipmentId}/status`, {
        status: 'delivered',
      });
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(receiver.received.slice(before).filter((r) => r.body.includes(shipmentId))).toHaveLength(0);
    });
  });
});
