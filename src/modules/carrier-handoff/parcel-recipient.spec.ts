import { describe, expect, it } from '@jest/globals';
import { fieldPaths } from '@app/privacy';
import type { OrderView } from '../orders/index.js';
import { CARRIER_ALLOW_LIST } from './carrier-handoff.declarations.js';
import { parcelRecipient } from './parcel-recipient.js';

const address = {
  firstName: 'Erika',
  lastName: 'Mustermann',
  company: 'Hautarztpraxis Dr. Muster',
  street: 'Siemensring',
  houseNumber: '98',
  addressLine2: null,
  postalCode: '47877',
  city: 'Willich',
  country: 'DE',
};

const order = (consent: boolean): OrderView => ({
  id: '7d9c1a52-0b7a-4b8e-9d64-2f1f6f0b1c11',
  number: 'SO-2026-000042',
  status: 'packed',
  customer: { firstName: 'Max', lastName: 'Käufer', email: 'erika@example.org', guest: true },
  deliveryAddress: address,
  billingAddress: { ...address, firstName: 'Max', lastName: 'Käufer', street: 'Rechnungsweg' },
  paymentMethod: 'card',
  carrierNotificationConsent: consent,
  items: [],
  totals: { subtotalCents: 1000, vatCents: 160, totalCents: 1000, currency: 'EUR', vatBreakdown: [] },
  placedAt: '2026-03-05T10:00:00.000Z',
  paidAt: '2026-03-05T10:01:00.000Z',
});

describe('what a carrier receives of an order', () => {
  it('is the delivery address’s name and address and the parcel, nothing of the billing address, company, items or amounts', () => {
    const payload = parcelRecipient(order(false), { weightGrams: 2000 }, [...CARRIER_ALLOW_LIST]);
    expect(payload).toEqual({
      name: 'Erika Mustermann',
      street: 'Siemensring',
      houseNumber: '98',
      addressLine2: undefined,
      postalCode: '47877',
      city: 'Willich',
      country: 'DE',
      parcel: { weight: 2000, reference: 'SO-2026-000042' },
    });
    expect(fieldPaths(payload).every((f) => (CARRIER_ALLOW_LIST as readonly string[]).includes(f))).toBe(
      true,
    );
  });

  it('adds the email only when the registry allows it now (consent stands) and the buyer consented on this order', () => {
    const allowed = [...CARRIER_ALLOW_LIST, 'email', 'phone'];
    expect(parcelRecipient(order(true), { weightGrams: 1 }, allowed).email).toBe('erika@example.org');
    expect(parcelRecipient(order(false), { weightGrams: 1 }, allowed).email).toBeUndefined();
    expect(parcelRecipient(order(true), { weightGrams: 1 }, [...CARRIER_ALLOW_LIST]).email).toBeUndefined();
  });
});
