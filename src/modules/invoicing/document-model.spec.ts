import { describe, expect, it } from '@jest/globals';
import type { InvoiceRecord } from '../orders/index.js';
import { creditNoteModel, invoiceModel, ossNote, uncredited, type Seller } from './document-model.js';

const seller: Seller = {
  name: 'DermaView Medizintechnik GmbH',
  street: 'Siemensring 98',
  postalCode: '47877',
  city: 'Willich',
  country: 'DE',
  vatId: 'DE123456789',
  taxNumber: null,
  email: 'rechnung@example.org',
  iban: null,
};

/** A consumer invoice at gross prices: a device at 19 %, two books at 7 %, shipping at 19 %. */
const invoice = (overrides: Partial<InvoiceRecord['charges']> = {}): InvoiceRecord => ({
  id: '00000000-0000-4000-8000-000000000001',
  number: 'RE-2026-000001',
  orderId: '00000000-0000-4000-8000-000000000002',
  orderNumber: 'SO-2026-000001',
  subjectId: 'customer:x',
  issuedAt: new Date('2026-12-06T10:00:00Z'),
  orderPaidAt: new Date('2026-12-06T10:00:00Z'),
  paymentMethod: 'card',
  currency: 'EUR',
  subtotalCents: 100_000 + 20_000 + 496,
  vatCents: 19_000 + 1_400 + 94,
  totalCents: 140_990,
  billingAddress: {
    firstName: 'Erika',
    lastName: 'Mustermann',
    company: null,
    street: 'Unter den Linden',
    houseNumber: '1',
    addressLine2: null,
    postalCode: '10117',
    city: 'Berlin',
    country: 'DE',
  },
  deliveryCountry: 'DE',
  lines: [
    {
      lineNo: 1,
      sku: 'D',
      name: 'Device',
      quantity: 1,
      unitPriceCents: 119_000,
      vatRateBp: 1900,
      lineTotalCents: 119_000,
      vatCents: 19_000,
    },
    {
      lineNo: 2,
      sku: 'B',
      name: 'Book',
      quantity: 2,
      unitPriceCents: 10_700,
      vatRateBp: 700,
      lineTotalCents: 21_400,
      vatCents: 1_400,
    },
  ],
  charges: {
    pricesIncludeVat: true,
    vatRegime: 'domestic',
    vatCountry: 'DE',
    vatNote: null,
    buyerVatId: null,
    buyerVatIdEvidence: null,
    shipping: { method: 'dhl-parcel', carrier: 'dhl', amountCents: 590, vatRateBp: 1900, vatCents: 94 },
    ...overrides,
  },
});

describe('document model', () => {
  it('adds net and VAT per rate, the shipping line at its own rate, and matches the stored totals', () => {
    const model = invoiceModel(invoice(), seller);
    expect(model.lines.map((l) => [l.position, l.sku, l.netCents, l.vatCents])).toEqual([
      [1, 'D', 100_000, 19_000],
      [2, 'B', 20_000, 1_400],
      [3, 'SHIPPING', 496, 94],
    ]);
    expect(model.rates).toEqual([
      { vatRateBp: 1900, netCents: 100_496, vatCents: 19_094 },
      { vatRateBp: 700, netCents: 20_000, vatCents: 1_400 },
    ]);
    expect(model.grossCents).toBe(140_990);
    expect(model.categoryCode).toBe('S');
    expect(model.notes).toEqual([]);
  });

  it('is paid when the order was paid in the issuing transaction, due when issued on release before payment', () => {
    expect(invoiceModel(invoice(), seller).paid).toBe(true);
    expect(invoiceModel({ ...invoice(), orderPaidAt: null }, seller).paid).toBe(false);
    expect(invoiceModel({ ...invoice(), orderPaidAt: new Date('2026-12-20T10:00:00Z') }, seller).paid).toBe(
      false,
    );
  });

  it('refuses an invoice whose lines do not add up to its totals', () => {
    expect(() => invoiceModel({ ...invoice(), vatCents: 1 }, seller)).toThrow(/add up/);
  });

  it('names the OSS taxation and the exemption of an intra-EU supply', () => {
    expect(invoiceModel(invoice(), seller).notes).toEqual([]);
    const oss = { ...invoice({ vatRegime: 'oss', vatCountry: 'FR' }) };
    expect(invoiceModel(oss, seller).notes).toEqual([ossNote('FR')]);
    const zero = invoice({
      vatRegime: 'intra-eu-supply',
      vatNote: 'Steuerfreie innergemeinschaftliche Lieferung',
      pricesIncludeVat: false,
      buyerVatId: 'ATU12345678',
      shipping: null,
    });
    zero.lines = [
      { ...zero.lines[0], unitPriceCents: 100_000, lineTotalCents: 100_000, vatRateBp: 0, vatCents: 0 },
    ];
    Object.assign(zero, { subtotalCents: 100_000, vatCents: 0, totalCents: 100_000 });
    const model = invoiceModel(zero, seller);
    expect(model).toMatchObject({
      categoryCode: 'K',
      exemption: { code: 'VATEX-EU-IC' },
      business: true,
      buyer: { vatId: 'ATU12345678' },
    });
  });

  it('reverses every line of the invoice in a credit note, or the lines and delivery charge asked for', () => {
    const original = invoiceModel(invoice(), seller);
    const credit = { number: 'RK-2026-000001', issuedAt: new Date(), reason: 'order refunded' };
    const full = creditNoteModel(original, credit, null);
    expect(full.grossCents).toBe(-140_990);
    expect(full.lines.every((l) => l.quantity < 0 && l.netCents <= 0 && l.vatCents <= 0)).toBe(true);
    expect(full.corrects).toEqual({
      number: 'RE-2026-000001',
      issuedAt: original.issuedAt,
      reason: 'order refunded',
    });
    // Gross amounts as the refund was paid: one book of two, 107.00 with 7.00 VAT.
    const partial = creditNoteModel(original, credit, {
      lines: [{ lineNo: 2, quantity: 1, amountCents: 10_700, vatCents: 700 }],
      shipping: null,
    });
    expect(partial.lines).toEqual([
      expect.objectContaining({ position: 1, sku: 'B', quantity: -1, netCents: -10_000, vatCents: -700 }),
    ]);
    expect(partial.rates).toEqual([{ vatRateBp: 700, netCents: -10_000, vatCents: -700 }]);
    const withShipping = creditNoteModel(original, credit, {
      lines: [],
      shipping: { amountCents: 590, vatCents: 94 },
    });
    expect(withShipping.lines).toEqual([
      expect.objectContaining({ sku: 'SHIPPING', netCents: -496, vatCents: -94 }),
    ]);
  });

  it('credits only what earlier credit notes left, and nothing once all is credited', () => {
    const original = invoiceModel(invoice(), seller);
    const book = { lines: [{ lineNo: 2, quantity: 1, amountCents: 10_700, vatCents: 700 }], shipping: null };
    expect(uncredited(original, [book])).toEqual({
      lines: [
        { lineNo: 1, quantity: 1, amountCents: 119_000, vatCents: 19_000 },
        { lineNo: 2, quantity: 1, amountCents: 10_700, vatCents: 700 },
      ],
      shipping: { amountCents: 590, vatCents: 94 },
    });
    const rest = uncredited(original, [book]);
    expect(rest && uncredited(original, [book, rest])).toBeNull();
    const credit = { number: 'RK-2026-000002', issuedAt: new Date(), reason: 'order refunded' };
    expect(rest && creditNoteModel(original, credit, rest).grossCents).toBe(-(140_990 - 10_700));
  });
});
