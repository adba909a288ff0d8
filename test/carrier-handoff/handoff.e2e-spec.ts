import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConsentLedger, PrivacyRegistryService, SubjectControls } from '@app/privacy';
import { DHL_FIXED_FIELDS, DHL_WIRE_FIELDS } from '../../src/modules/carrier-handoff/dhl/dhl.adapter.js';
import { startFakeDhl, type FakeDhl } from '../fakes/dhl/index.js';
import { startFakeDpd, type FakeDpd } from '../fakes/dpd/index.js';
import { startFakeHermes, type FakeHermes } from '../fakes/hermes/index.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import {
  ADDRESSES,
  leafPaths,
  orderStatus,
  pack,
  pickingOrder,
  shipmentIn,
  staffAuth,
  stockForHandoff,
  valueAt,
} from './handoff-fixtures.js';

describe('carrier handoff through the transactional outbox', () => {
  let t: TestApp;
  let dhl: FakeDhl;
  let hermes: FakeHermes;
  let dpd: FakeDpd;
  let fulfilment: { authorization: string };

  beforeAll(async () => {
    [dhl, hermes, dpd] = await Promise.all([startFakeDhl(), startFakeHermes(), startFakeDpd()]);
    t = await startTestApp({
      env: {
        ...dhl.env,
        ...hermes.env,
        ...dpd.env,
        JOBS_ENABLED: 'true',
        CARRIER_SIMULATORS: 'off',
        CARRIER_DEFAULT: 'dhl',
        CARRIER_COUNTRY_OVERRIDES: 'AT:dpd,NL:hermes',
        CARRIER_HTTP_TIMEOUT_MS: '1000',
        CARRIER_HANDOFF_MAX_ATTEMPTS: '5',
        CARRIER_HANDOFF_RETRY_DELAY_SECONDS: '1',
        CARRIER_HANDOFF_RETRY_DELAY_MAX_SECONDS: '2',
        // The breaker has its own tests; here it must not open between the tests' deliberate outages.
        CARRIER_CIRCUIT_FAILURES: '100',
      },
    });
    await stockForHandoff(t);
    fulfilment = await staffAuth(t, 'fulfilment');
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([dhl?.stop(), hermes?.stop(), dpd?.stop()]);
  });

  /** The allow-list the registry declares for `recipient`, with the consent-gated fields when consented. */
  function registryAllows(recipient: string, consented: boolean): Set<string> {
    const disclosure = t.app
      .get(PrivacyRegistryService)
      .registry.activity('carrier-handoff')
      .disclosures.find((d) => d.recipient === recipient);
    if (!disclosure) throw new Error(`the registry declares no disclosure to ${recipient}`);
    return new Set([
      ...disclosure.fields,
      ...(consented ? (disclosure.consentedFields ?? []).flatMap((g) => g.fields) : []),
    ]);
  }

  /** Every field of DHL's recorded body is either the contract and sender, or a field the registry allows. */
  function expectOnlyAllowedFields(body: unknown, allowed: Set<string>): string[] {
    const registryFieldsAt = new Map<string, string[]>();
    for (const [field, wire] of Object.entries(DHL_WIRE_FIELDS)) {
      registryFieldsAt.set(wire, [...(registryFieldsAt.get(wire) ?? []), field]);
    }
    const sent: string[] = [];
    for (const path of leafPaths(body)) {
      if (DHL_FIXED_FIELDS.includes(path)) continue;
      const fields = registryFieldsAt.get(path);
      expect({ path, mappedToRegistryField: fields !== undefined }).toEqual({
        path,
        mappedToRegistryField: true,
      });
      for (const field of fields ?? []) {
        expect({ path, field, allowed: allowed.has(field) }).toEqual({ path, field, allowed: true });
        sent.push(field);
      }
    }
    return sent.sort();
  }

  /** The whole body DHL received for the order, as recorded. */
  function dhlRequestFor(reference: string): unknown {
    const requests = dhl.simulator
      .createRequests()
      .filter((r) => valueAt(r, 'shipments.0.refNo') === reference);
    expect(requests).toHaveLength(1);
    return requests[0];
  }

  async function disclosures(subjectId: string) {
    const { rows } = await t.db.query<{ recipient_id: string; fields: string[]; outcome: string }>(
      `select recipient_id, fields, outcome from privacy.disclosure_log
        where subject_id = $1 and activity_id = 'carrier-handoff' order by id`,
      [subjectId],
    );
    return rows;
  }

  it('packing an order creates exactly one shipment at DHL, whose body holds only the fields the registry allows', async () => {
    const order = await pickingOrder(t);
    await pack(t, order.id, fulfilment);
    const shipment = await shipmentIn(t, order.id, ['created']);

    expect(dhl.simulator.shipmentsFor(order.number)).toHaveLength(1);
    const request = dhlRequestFor(order.number);
    const body = valueAt(request, 'shipments.0');
    const sent = expectOnlyAllowedFields(request, registryAllows('dhl', false));
    expect(sent).toEqual([
      'addressLine2',
      'city',
      'country',
      'houseNumber',
      'name',
      'parcel.reference',
      'parcel.weight',
      'postalCode',
      'street',
    ]);
    expect(valueAt(body, 'consignee')).toEqual({
      name1: 'Erika Mustermann',
      addressStreet: 'Siemensring',
      addressHouse: '98',
      additionalAddressInformation1: 'Hinterhaus, 2. OG',
      postalCode: '47877',
      city: 'Willich',
      country: 'DEU',
    });
    expect(valueAt(body, 'refNo')).toBe(order.number);
    expect(JSON.stringify(body)).not.toContain(order.email);

    expect(shipment.tracking_number).toBe(dhl.simulator.shipmentsFor(order.number)[0].number);
    expect(shipment.label?.toString('utf8')).toContain(shipment.tracking_number);
    expect(await orderStatus(t, order.id)).toBe('handed_to_carrier');
    const logged = await disclosures(order.subjectId);
    expect(logged).toEqual([{ recipient_id: 'dhl', fields: sent, outcome: 'sent' }]);
  });

  it('passes the email to the carrier only with the consent to carrier notifications given for the order', async () => {
    const consenting = await pickingOrder(t, { consent: true });
    await pack(t, consenting.id, fulfilment);
    await shipmentIn(t, consenting.id, ['created']);
    const request = dhlRequestFor(consenting.number);
    const body = valueAt(request, 'shipments.0');
    const sent = expectOnlyAllowedFields(request, registryAllows('dhl', true));
    expect(sent).toContain('email');
    expect(valueAt(body, 'consignee.email')).toBe(consenting.email);
    expect((await disclosures(consenting.subjectId))[0].fields).toContain('email');

    // Withdrawn before the handoff: the carrier gets no email, though the order once said yes.
    const withdrawing = await pickingOrder(t, { consent: true });
    await t.app
      .get(ConsentLedger)
      .withdraw({ subjectId: withdrawing.subjectId, purpose: 'carrier-notifications', channel: 'test' });
    await pack(t, withdrawing.id, fulfilment);
    await shipmentIn(t, withdrawing.id, ['created']);
    const withoutEmail = dhl.simulator.shipmentsFor(withdrawing.number)[0].request;
    expect(valueAt(withoutEmail, 'consignee.email')).toBeUndefined();
    expect((await disclosures(withdrawing.subjectId))[0].fields).not.toContain('email');
  });

  it('ships with the carrier configured for the delivery country (dpd to Austria, Hermes to the Netherlands)', async () => {
    const vienna = await pickingOrder(t, { address: ADDRESSES.AT });
    const amsterdam = await pickingOrder(t, { address: ADDRESSES.NL, consent: true });
    await pack(t, vienna.id, fulfilment);
    await pack(t, amsterdam.id, fulfilment);
    expect((await shipmentIn(t, vienna.id, ['created'])).carrier).toBe('dpd');
    expect((await shipmentIn(t, amsterdam.id, ['created'])).carrier).toBe('hermes');

    const dpdBody = dpd.simulator.shipmentsFor(vienna.number)[0].request;
    expect(valueAt(dpdBody, 'OrderDataList.0.ShipAddress')).toEqual({
      Name: 'Erika Mustermann',
      Street: 'Stephansplatz',
      HouseNo: '1',
      ZipCode: '1010',
      City: 'Wien',
      Country: 'AUT',
    });
    const hermesBody = hermes.simulator.shipmentsFor(amsterdam.number)[0].request;
    expect(hermesBody).toMatchObject({
      clientReference: amsterdam.number,
      receiverName: { lastname: 'Erika Mustermann' },
      receiverAddress: {
        street: 'Dam',
        houseNumber: '1',
        zipCode: '1012 JS',
        town: 'Amsterdam',
        countryCode: 'NL',
      },
      receiverContact: { mail: amsterdam.email },
    });
    expect(dhl.simulator.shipmentsFor(vienna.number)).toHaveLength(0);
    expect((await disclosures(vienna.subjectId)).map((d) => d.recipient_id)).toEqual(['dpd']);
  });

  it('hands the shipment over once a carrier that answered 503 for a while recovers', async () => {
    dhl.simulator.failNext(3, { status: 503 });
    const order = await pickingOrder(t);
    await pack(t, order.id, fulfilment);
    const shipment = await shipmentIn(t, order.id, ['created'], 30_000);
    expect(shipment.attempts).toBe(4);
    expect(dhl.simulator.shipmentsFor(order.number)).toHaveLength(1);
    const { rows } = await t.db.query<{ outcome: string; http_status: number | null }>(
      'select outcome, http_status from shipment_attempt where shipment_id = $1 order by attempt',
      [shipment.id],
    );
    expect(rows).toEqual([
      { outcome: 'unavailable', http_status: 503 },
      { outcome: 'unavailable', http_status: 503 },
      { outcome: 'unavailable', http_status: 503 },
      { outcome: 'created', http_status: null },
    ]);
    // Each retry asked DHL for the reference first: an outage may hide a shipment DHL did create.
    expect(
      dhl.simulator.requests.filter((r) => r.method === 'GET' && r.query.refNo === order.number),
    ).toHaveLength(3);
    expect(await orderStatus(t, order.id)).toBe('handed_to_carrier');
  });

  it('adopts the shipment DHL created before its answer was lost (a 5xx or a timeout after acting) instead of creating another', async () => {
    dhl.simulator.failNext(1, { status: 502, afterActing: true });
    const lost = await pickingOrder(t);
    await pack(t, lost.id, fulfilment);
    const adopted = await shipmentIn(t, lost.id, ['created'], 30_000);
    expect(dhl.simulator.shipmentsFor(lost.number)).toHaveLength(1);
    expect(adopted.tracking_number).toBe(dhl.simulator.shipmentsFor(lost.number)[0].number);

    dhl.simulator.failNext(1, { hang: true, afterActing: true });
    const timedOut = await pickingOrder(t);
    await pack(t, timedOut.id, fulfilment);
    await shipmentIn(t, timedOut.id, ['created'], 30_000);
    expect(dhl.simulator.shipmentsFor(timedOut.number)).toHaveLength(1);
    const { rows } = await t.db.query<{ outcome: string; error: string | null }>(
      `select a.outcome, a.error from shipment_attempt a join shipment s on s.id = a.shipment_id
        where s.order_id = $1 order by a.attempt`,
      [timedOut.id],
    );
    expect(rows).toEqual([
      { outcome: 'unavailable', error: 'dhl is unavailable: timeout' },
      { outcome: 'adopted', error: null },
    ]);
  });

  it('dead-letters a shipment that keeps failing, shows it to fulfilment, and hands it over on a staff retry', async () => {
    dhl.simulator.failFor(120_000, { status: 503 });
    const order = await pickingOrder(t);
    await pack(t, order.id, fulfilment);
    const dead = await shipmentIn(t, order.id, ['dead_letter'], 30_000);
    expect(dead.attempts).toBe(5);
    expect(dead.last_error).toBe('dhl is unavailable: server error (HTTP 503)');
    expect(await orderStatus(t, order.id)).toBe('packed');

    const list = await t.inject({
      method: 'GET',
      url: '/api/v1/admin/shipments?status=dead_letter',
      headers: fulfilment,
    });
    expect(list.statusCode).toBe(200);
    const item = list
      .json<{ items: { id: string; orderNumber: string; lastError: string; attempts: number }[] }>()
      .items.find((i) => i.id === dead.id);
    expect(item).toMatchObject({
      orderNumber: order.number,
      lastError: 'dhl is unavailable: server error (HTTP 503)',
      attempts: 5,
    });
    expect(list.body).not.toContain('Mustermann');
    const support = await t.inject({
      method: 'GET',
      url: '/api/v1/admin/shipments?status=dead_letter',
      headers: await staffAuth(t, 'support'),
    });
    expect(support.statusCode).toBe(403);

    dhl.simulator.recover();
    const retried = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/shipments/${dead.id}/retry`,
      headers: fulfilment,
      payload: {},
    });
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ status: 'queued', attemptLimit: 10 });
    await shipmentIn(t, order.id, ['created'], 30_000);
    expect(dhl.simulator.shipmentsFor(order.number)).toHaveLength(1);
    expect(await orderStatus(t, order.id)).toBe('handed_to_carrier');

    const again = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/shipments/${dead.id}/retry`,
      headers: fulfilment,
      payload: {},
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({
      type: 'urn:storefront:problem:shipment-not-dead-lettered',
      shipmentStatus: 'created',
    });
  });

  it('dead-letters at once what the carrier refuses (4xx): repeating it unchanged would fail again', async () => {
    dhl.simulator.failNext(1, { status: 400 });
    const order = await pickingOrder(t);
    await pack(t, order.id, fulfilment);
    const dead = await shipmentIn(t, order.id, ['dead_letter']);
    expect(dead.attempts).toBe(1);
    expect(dead.last_error).toBe('dhl rejected the request (HTTP 400)');
  });

  it('dead-letters rather than risk a second shipment when the carrier refuses the lookup, until staff retry without it', async () => {
    dhl.simulator.failNext(1, { status: 503 }).failNext(1, { status: 400, operations: ['lookup'] });
    const order = await pickingOrder(t);
    await pack(t, order.id, fulfilment);
    const dead = await shipmentIn(t, order.id, ['dead_letter'], 30_000);
    expect(dead.attempts).toBe(2);
    expect(dead.last_error).toMatch(
      /^dhl refused the lookup of the order number \(HTTP 400\): check at the carrier/,
    );
    expect(dhl.simulator.shipmentsFor(order.number)).toHaveLength(0);

    const lookupsBefore = dhl.simulator.requests.filter(
      (r) => r.method === 'GET' && r.query.refNo === order.number,
    ).length;
    const retried = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/shipments/${dead.id}/retry`,
      headers: fulfilment,
      payload: { skipLookup: true },
    });
    expect(retried.statusCode).toBe(200);
    await shipmentIn(t, order.id, ['created'], 30_000);
    expect(dhl.simulator.shipmentsFor(order.number)).toHaveLength(1);
    expect(
      dhl.simulator.requests.filter((r) => r.method === 'GET' && r.query.refNo === order.number),
    ).toHaveLength(lookupsBefore);
  });

  it('sends nothing about a person who restricted processing (Art. 18) and leaves the shipment to staff', async () => {
    dhl.simulator.failNext(1, { status: 503 });
    const order = await pickingOrder(t);
    await pack(t, order.id, fulfilment);
    await shipmentIn(t, order.id, ['failed', 'created']);
    await t.app.get(SubjectControls).restrict(order.subjectId, 'contests accuracy', 'test');
    const dead = await shipmentIn(t, order.id, ['dead_letter', 'created'], 30_000);
    expect(dead.status).toBe('dead_letter');
    expect(dead.last_error).toBe('processing refused: restricted');
    expect(dhl.simulator.shipmentsFor(order.number)).toHaveLength(0);
  });

  it('lets fulfilment print the label and audits the read', async () => {
    const order = await pickingOrder(t);
    await pack(t, order.id, fulfilment);
    const shipment = await shipmentIn(t, order.id, ['created']);
    const label = await t.inject({
      method: 'GET',
      url: `/api/v1/admin/shipments/${shipment.id}/label`,
      headers: fulfilment,
    });
    expect(label.statusCode).toBe(200);
    expect(label.headers['content-type']).toBe('application/pdf');
    expect(label.headers['cache-control']).toBe('no-store');
    expect(label.body).toContain('%PDF');
    const { rows } = await t.db.query<{ action: string; fields: string[]; actor_role: string }>(
      `select action, fields, actor_role from privacy.access_audit_log where subject_id = $1 order by seq`,
      [order.subjectId],
    );
    expect(rows).toContainEqual({ action: 'read', fields: ['shipment.label'], actor_role: 'fulfilment' });

    const tracking = await t.inject({
      method: 'GET',
      url: `/api/v1/admin/shipments/${shipment.id}/tracking`,
      headers: fulfilment,
    });
    expect(tracking.json()).toMatchObject({
      carrier: 'dhl',
      trackingNumber: shipment.tracking_number,
      state: 'announced',
    });
  });
});
