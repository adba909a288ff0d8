import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CarrierRejected,
  CarrierUnavailable,
  type CarrierAdapter,
  type ParcelRecipient,
} from './carrier.port.js';
import { DhlAdapter, dhlOrder } from './dhl/dhl.adapter.js';
import { DpdAdapter, dpdOrder } from './dpd/dpd.adapter.js';
import { HermesAdapter, hermesOrder } from './hermes/hermes.adapter.js';
import type { CarrierSimulator } from './simulators/carrier-simulator.js';
import { DhlSimulator } from './simulators/dhl-simulator.js';
import { DpdSimulator } from './simulators/dpd-simulator.js';
import { HermesSimulator } from './simulators/hermes-simulator.js';

const shipper = {
  name: 'Example Skin Analysis Devices GmbH',
  street: 'Siemensring',
  houseNumber: '98',
  postalCode: '47877',
  city: 'Willich',
  country: 'DE',
};

const recipient = (reference: string, extra: Partial<ParcelRecipient> = {}): ParcelRecipient => ({
  name: 'Erika Mustermann',
  street: 'Heidestraße',
  houseNumber: '17',
  postalCode: '51147',
  city: 'Köln',
  country: 'DE',
  parcel: { weight: 1250, reference },
  ...extra,
});

describe('the carriers’ wire formats', () => {
  it('DHL: consignee with name1, addressStreet, addressHouse, alpha-3 country, weight in grams, the order number as refNo', () => {
    const body = dhlOrder(recipient('SO-2026-000001', { addressLine2: 'c/o Praxis' }), {
      baseUrl: '',
      trackingUrl: '',
      apiKey: '',
      username: '',
      password: '',
      billingNumber: '33333333330102',
      product: 'V01PAK',
      shipper,
      timeoutMs: 1000,
    });
    expect(JSON.parse(JSON.stringify(body))).toMatchObject({
      profile: 'STANDARD_GRUPPENPROFIL',
      shipments: [
        {
          product: 'V01PAK',
          billingNumber: '33333333330102',
          refNo: 'SO-2026-000001',
          consignee: {
            name1: 'Erika Mustermann',
            addressStreet: 'Heidestraße',
            addressHouse: '17',
            additionalAddressInformation1: 'c/o Praxis',
            postalCode: '51147',
            city: 'Köln',
            country: 'DEU',
          },
          details: { weight: { uom: 'g', value: 1250 } },
        },
      ],
    });
  });

  it('never sends an absent optional field, not even empty', () => {
    const json = JSON.stringify(hermesOrder(recipient('SO-2026-000002')));
    expect(json).not.toContain('receiverContact');
    expect(json).not.toContain('addressAddition');
    expect(json).not.toContain('null');
  });

  it('dpd: kilograms, alpha-3, the address addition appended to the street', () => {
    const body = dpdOrder(recipient('SO-2026-000003', { addressLine2: 'Hinterhaus' }), {
      baseUrl: '',
      partnerName: '',
      partnerToken: '',
      cloudUserId: '',
      userToken: '',
      shipService: 'Classic',
      timeoutMs: 1000,
    });
    expect(body).toMatchObject({
      OrderAction: 'startOrder',
      OrderDataList: [
        {
          ShipAddress: {
            Name: 'Erika Mustermann',
            Street: 'Heidestraße, Hinterhaus',
            HouseNo: '17',
            Country: 'DEU',
          },
          ParcelData: { YourInternalID: 'SO-2026-000003', Weight: 1.25, ShipService: 'Classic' },
        },
      ],
    });
  });
});

describe.each([
  [
    'DHL',
    () => new DhlSimulator(),
    (sim: CarrierSimulator): CarrierAdapter => {
      const env = sim.env();
      return new DhlAdapter({
        baseUrl: env.DHL_BASE_URL,
        trackingUrl: `${sim.baseUrl}/track/shipments`,
        apiKey: env.DHL_API_KEY,
        username: env.DHL_USERNAME,
        password: env.DHL_PASSWORD,
        billingNumber: env.DHL_BILLING_NUMBER,
        product: 'V01PAK',
        shipper,
        timeoutMs: 500,
      });
    },
  ],
  [
    'Hermes',
    () => new HermesSimulator({ tokenTtlSeconds: 3600 }),
    (sim: CarrierSimulator): CarrierAdapter => {
      const env = sim.env();
      return new HermesAdapter({
        baseUrl: env.HERMES_BASE_URL,
        authUrl: env.HERMES_AUTH_URL,
        clientId: env.HERMES_CLIENT_ID,
        clientSecret: env.HERMES_CLIENT_SECRET,
        username: env.HERMES_USERNAME,
        password: env.HERMES_PASSWORD,
        timeoutMs: 500,
      });
    },
  ],
  [
    'dpd',
    () => new DpdSimulator(),
    (sim: CarrierSimulator): CarrierAdapter => {
      const env = sim.env();
      return new DpdAdapter({
        baseUrl: env.DPD_BASE_URL,
        partnerName: env.DPD_PARTNER_NAME,
        partnerToken: env.DPD_PARTNER_TOKEN,
        cloudUserId: env.DPD_CLOUD_USER_ID,
        userToken: env.DPD_USER_TOKEN,
        shipService: 'Classic',
        timeoutMs: 500,
      });
    },
  ],
])('the %s adapter against its simulator', (_name, simulate, adapterFor) => {
  let sim: CarrierSimulator;
  let adapter: CarrierAdapter;
  let n = 0;
  const reference = (): string => `SO-2026-${String((n += 1)).padStart(6, '0')}`;

  beforeAll(async () => {
    sim = simulate();
    await sim.start();
    adapter = adapterFor(sim);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('creates a shipment with a label, finds it again by the reference, tracks it and cancels it', async () => {
    const ref = reference();
    const created = await adapter.createShipment(recipient(ref));
    expect(created.trackingNumber).toBe(sim.shipmentsFor(ref)[0].number);
    expect(created.label?.content.toString('utf8')).toContain('%PDF');
    expect((await adapter.findShipment(ref))?.carrierReference).toBe(created.carrierReference);
    expect(await adapter.findShipment('SO-2026-999999')).toBeNull();
    expect((await adapter.trackingStatus(created.trackingNumber)).state).toBe('announced');
    sim.setTracking(created.trackingNumber, 'delivered');
    expect((await adapter.trackingStatus(created.trackingNumber)).state).toBe('delivered');
    await adapter.cancelShipment(created.carrierReference, ref);
    expect(sim.shipmentsFor(ref)).toHaveLength(0);
  });

  it('reports a 5xx and a timeout as unavailable (try again) and a refusal as rejected (staff)', async () => {
    sim.failNext(1, { status: 503 });
    await expect(adapter.createShipment(recipient(reference()))).rejects.toMatchObject({
      name: 'CarrierUnavailable',
      reason: 'server-error',
      httpStatus: 503,
    });
    sim.failNext(1, { delayMs: 1500 });
    await expect(adapter.createShipment(recipient(reference()))).rejects.toMatchObject({ reason: 'timeout' });
    await expect(adapter.createShipment(recipient(reference(), { postalCode: '' }))).rejects.toBeInstanceOf(
      CarrierRejected,
    );
  });

  it('names no request value in its errors (carriers echo addresses)', async () => {
    sim.failNext(1, { status: 500 });
    const error = await adapter.createShipment(recipient(reference())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CarrierUnavailable);
    expect(String((error as Error).message)).not.toMatch(/Mustermann|Heidestraße|51147|Köln/);
  });
});

describe('the Hermes adapter’s tokens', () => {
  it('fetches a new token and repeats the call once when Hermes revoked the old one', async () => {
    const sim = new HermesSimulator();
    await sim.start();
    try {
      const env = sim.env();
      const adapter = new HermesAdapter({
        baseUrl: env.HERMES_BASE_URL,
        authUrl: env.HERMES_AUTH_URL,
        clientId: env.HERMES_CLIENT_ID,
        clientSecret: env.HERMES_CLIENT_SECRET,
        username: env.HERMES_USERNAME,
        password: env.HERMES_PASSWORD,
        timeoutMs: 500,
      });
      await adapter.createShipment(recipient('SO-2026-100001'));
      sim.revokeTokens();
      await adapter.createShipment(recipient('SO-2026-100002'));
      expect(sim.server.received('POST', '/oauth2/access_token')).toHaveLength(2);
      expect(sim.shipments).toHaveLength(2);
    } finally {
      await sim.close();
    }
  });
});
