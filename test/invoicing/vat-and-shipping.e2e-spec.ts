import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { startFakeVies, type FakeVies } from '../fakes/vies/index.js';
import { orderBody, placeOrder, registerCustomer } from '../orders/orders-fixtures.js';
import {
  BERLIN_CONSUMER,
  PARIS_CONSUMER,
  VIENNA_PRACTICE,
  businessCustomer,
  stockInvoicingCatalogue,
} from './invoicing-fixtures.js';

describe('VAT and shipping at order placement', () => {
  let t: TestApp;
  let vies: FakeVies;

  beforeAll(async () => {
    vies = await startFakeVies({ ATU99999999: 'invalid', ATU88888888: { fault: 'MS_UNAVAILABLE' } });
    t = await startTestApp({ env: vies.env });
    await stockInvoicingCatalogue(t);
  });
  afterAll(async () => {
    await t.close();
    await vies.stop();
  });

  it('charges a consumer in France French VAT (20 %, 5.5 % on books) on the same gross prices', async () => {
    const response = await placeOrder(
      t,
      orderBody(
        [
          { sku: 'INV-DEVICE', quantity: 1 },
          { sku: 'INV-BOOK', quantity: 1 },
        ],
        { email: 'claire@example.org', deliveryAddress: PARIS_CONSUMER },
      ),
    );
    expect(response.statusCode).toBe(201);
    const order = response.json();
    expect(order.items.map((i: { vatRateBp: number }) => i.vatRateBp)).toEqual([2000, 550]);
    // 1,190.00 gross at 20 %: 198.33 VAT; 107.00 at 5.5 %: 5.58 VAT.
    expect(order.items.map((i: { vatCents: number }) => i.vatCents)).toEqual([19_833, 558]);
    expect(order.totals).toMatchObject({ totalCents: 129_700, vatCents: 20_391, subtotalCents: 109_309 });
    expect(order.vat).toMatchObject({
      vatRegime: 'oss',
      vatCountry: 'FR',
      vatNote: null,
      pricesIncludeVat: true,
    });
  });

  it('charges shipping by zone and weight, with the VAT of the delivery', async () => {
    // 2 × 1.5 kg = 3 kg to Germany with DHL: the 5 kg band, 7.90.
    const de = await placeOrder(
      t,
      orderBody([{ sku: 'INV-BOOK', quantity: 2 }], {
        email: 'erika@example.org',
        deliveryAddress: BERLIN_CONSUMER,
        shippingMethod: 'dhl-parcel',
        items: [{ sku: 'INV-DEVICE', quantity: 2 }],
      }),
    );
    expect(de.statusCode).toBe(201);
    // Above the free-shipping threshold of 500.00: no charge.
    expect(de.json().shipping).toMatchObject({ method: 'dhl-parcel', weightGrams: 3000, amountCents: 0 });

    const book = await placeOrder(
      t,
      orderBody([{ sku: 'INV-BOOK', quantity: 2 }], {
        email: 'erika@example.org',
        deliveryAddress: BERLIN_CONSUMER,
        shippingMethod: 'dhl-parcel',
      }),
    );
    expect(book.json().shipping).toMatchObject({
      weightGrams: 1600,
      amountCents: 590,
      vatRateBp: 1900,
      vatCents: 94,
    });
    expect(book.json().totals.totalCents).toBe(2 * 10_700 + 590);

    const fr = await placeOrder(
      t,
      orderBody([{ sku: 'INV-BOOK', quantity: 4 }], {
        email: 'claire@example.org',
        deliveryAddress: PARIS_CONSUMER,
        shippingMethod: 'dhl-parcel',
      }),
    );
    // 3.2 kg to zone eu-1: the 5 kg band, 18.90 gross, French VAT 20 % in it.
    expect(fr.json().shipping).toMatchObject({
      weightGrams: 3200,
      amountCents: 1890,
      vatRateBp: 2000,
      vatCents: 315,
    });
  });

  it('refuses a weightless product on a method priced by weight, naming the line', async () => {
    const response = await placeOrder(
      t,
      orderBody(
        [
          { sku: 'INV-BOOK', quantity: 1 },
          { sku: 'INV-NOWEIGHT', quantity: 1 },
        ],
        { email: 'erika@example.org', deliveryAddress: BERLIN_CONSUMER, shippingMethod: 'dhl-parcel' },
      ),
    );
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().errors).toEqual([
      { field: 'items.1.sku', reason: expect.stringContaining('no weight') },
    ]);
    // The flat-rate method carries it.
    const flat = await placeOrder(
      t,
      orderBody([{ sku: 'INV-NOWEIGHT', quantity: 1 }], {
        email: 'erika@example.org',
        deliveryAddress: BERLIN_CONSUMER,
        shippingMethod: 'hermes-parcel',
      }),
    );
    expect(flat.statusCode).toBe(201);
    expect(flat.json().shipping).toMatchObject({ amountCents: 495, weightGrams: null });
  });

  it('refuses an unknown shipping method and a destination it does not serve', async () => {
    const unknown = await placeOrder(
      t,
      orderBody([{ sku: 'INV-BOOK', quantity: 1 }], { email: 'e@example.org', shippingMethod: 'pigeon' }),
    );
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([{ field: 'shippingMethod', reason: expect.any(String) }]);
    const abroad = await placeOrder(
      t,
      orderBody([{ sku: 'INV-BOOK', quantity: 1 }], {
        email: 'c@example.org',
        deliveryAddress: PARIS_CONSUMER,
        shippingMethod: 'hermes-parcel',
      }),
    );
    expect(abroad.statusCode).toBe(422);
    expect(abroad.json().errors[0].field).toBe('deliveryAddress.country');
  });

  it('zero-rates a practice in Austria with a confirmed VAT ID, at net prices, with the statutory note', async () => {
    const practice = await businessCustomer(t, {
      companyName: 'Hautarztpraxis Dr. Huber',
      country: 'AT',
      vatId: 'ATU12345678',
    });
    expect(practice.profile.statusCode).toBe(200);
    expect(practice.profile.json()).toMatchObject({ vatId: 'ATU12345678', vatIdStatus: 'confirmed' });
    expect(practice.profile.json().vatIdConsultationNumber).toMatch(/^WAPI/);
    // VIES received the VAT ID and the shop's own as requester, nothing else.
    expect(vies.requests.at(-1)).toMatchObject({
      countryCode: 'AT',
      vatNumber: 'U12345678',
      requesterCountryCode: 'DE',
    });

    const response = await placeOrder(
      t,
      orderBody([{ sku: 'INV-DEVICE', quantity: 1 }], {
        deliveryAddress: VIENNA_PRACTICE,
        shippingMethod: 'dhl-parcel',
      }),
      practice.headers,
    );
    expect(response.statusCode).toBe(201);
    const order = response.json();
    // Net: 1,190.00 less 19 % German VAT = 1,000.00; 0 % VAT; shipping free above the threshold.
    expect(order.items[0]).toMatchObject({ unitPriceCents: 100_000, vatRateBp: 0, vatCents: 0 });
    expect(order.totals).toMatchObject({ subtotalCents: 100_000, vatCents: 0, totalCents: 100_000 });
    expect(order.vat).toMatchObject({
      vatRegime: 'intra-eu-supply',
      pricesIncludeVat: false,
      buyerVatId: 'ATU12345678',
      vatNote: expect.stringContaining('§ 4 Nr. 1 Buchst. b'),
    });
  });

  it('applies the customer group’s net price list and adds German VAT for a German practice', async () => {
    const admin = await import('../orders/orders-fixtures.js').then((f) => f.createStaff(t, 'admin'));
    const list = await t.inject({
      method: 'PUT',
      url: '/api/v1/admin/customer-groups/practices/price-list',
      headers: admin.headers,
      payload: { name: 'Medical practices', prices: [{ sku: 'INV-DEVICE', netPriceCents: 90_000 }] },
    });
    expect(list.statusCode).toBe(200);
    const practice = await businessCustomer(t, {
      companyName: 'Praxis Berlin',
      country: 'DE',
      vatId: 'DE123456780',
    });
    const group = await t.inject({
      method: 'PUT',
      url: `/api/v1/admin/business-customers/${practice.id}/group`,
      headers: admin.headers,
      payload: { group: 'practices' },
    });
    expect(group.statusCode).toBe(200);
    const order = (
      await placeOrder(
        t,
        orderBody([{ sku: 'INV-DEVICE', quantity: 2 }], { deliveryAddress: BERLIN_CONSUMER }),
        practice.headers,
      )
    ).json();
    expect(order.items[0]).toMatchObject({
      unitPriceCents: 90_000,
      lineTotalCents: 180_000,
      vatRateBp: 1900,
      vatCents: 34_200,
    });
    expect(order.totals).toMatchObject({ subtotalCents: 180_000, vatCents: 34_200, totalCents: 214_200 });
    expect(order.vat).toMatchObject({ vatRegime: 'domestic', pricesIncludeVat: false });
  });

  it('taxes a practice whose VAT ID VIES does not confirm like a consumer (Austrian VAT)', async () => {
    const practice = await businessCustomer(t, {
      companyName: 'Praxis Graz',
      country: 'AT',
      vatId: 'ATU99999999',
    });
    expect(practice.profile.json().vatIdStatus).toBe('invalid');
    const order = (
      await placeOrder(
        t,
        orderBody([{ sku: 'INV-DEVICE', quantity: 1 }], { deliveryAddress: VIENNA_PRACTICE }),
        practice.headers,
      )
    ).json();
    expect(order.vat).toMatchObject({ vatRegime: 'oss', vatCountry: 'AT' });
    expect(order.items[0]).toMatchObject({ unitPriceCents: 100_000, vatRateBp: 2000, vatCents: 20_000 });

    const outage = await businessCustomer(t, {
      companyName: 'Praxis Linz',
      country: 'AT',
      vatId: 'ATU88888888',
    });
    expect(outage.profile.json().vatIdStatus).toBe('unavailable');
  });

  it('answers bad VAT IDs with a 400 problem naming vatId', async () => {
    const customer = await registerCustomer(t, 'Bad');
    const put = (payload: Record<string, unknown>) =>
      t.inject({ method: 'PUT', url: '/api/v1/shop/me/business', headers: customer.headers, payload });
    const malformed = await put({ companyName: 'Praxis', country: 'AT', vatId: 'ATU1234' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['content-type']).toContain('application/problem+json');
    expect(malformed.json().errors).toEqual([{ field: 'vatId', reason: expect.stringContaining('format') }]);
    const otherCountry = await put({ companyName: 'Praxis', country: 'DE', vatId: 'ATU12345678' });
    expect(otherCountry.statusCode).toBe(400);
    expect(otherCountry.json().errors).toEqual([
      { field: 'vatId', reason: expect.stringContaining('of AT') },
    ]);
    const unknownField = await put({ companyName: 'Praxis', country: 'DE', iban: 'x' });
    expect(unknownField.statusCode).toBe(400);
  });

  it('refuses an order whose billing country is not the VAT ID’s', async () => {
    const practice = await businessCustomer(t, {
      companyName: 'Praxis Salzburg',
      country: 'AT',
      vatId: 'ATU12345670',
    });
    const response = await placeOrder(
      t,
      orderBody([{ sku: 'INV-BOOK', quantity: 1 }], {
        deliveryAddress: VIENNA_PRACTICE,
        billingAddress: BERLIN_CONSUMER,
      }),
      practice.headers,
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([{ field: 'billingAddress.country', reason: expect.any(String) }]);
  });
});
