import type { TestApp } from '../helpers/test-app.js';
import { createStaff, registerCustomer, stockProducts } from '../orders/orders-fixtures.js';

export const VIENNA_PRACTICE = {
  firstName: 'Anna',
  lastName: 'Huber',
  company: 'Hautarztpraxis Dr. Huber',
  street: 'Mariahilfer Straße',
  houseNumber: '12',
  addressLine2: null,
  postalCode: '1060',
  city: 'Wien',
  country: 'AT',
};

export const PARIS_CONSUMER = {
  firstName: 'Claire',
  lastName: 'Martin',
  company: null,
  street: 'Rue de Rivoli',
  houseNumber: '5',
  addressLine2: null,
  postalCode: '75001',
  city: 'Paris',
  country: 'FR',
};

export const BERLIN_CONSUMER = {
  firstName: 'Erika',
  lastName: 'Mustermann',
  company: null,
  street: 'Unter den Linden',
  houseNumber: '1',
  addressLine2: null,
  postalCode: '10117',
  city: 'Berlin',
  country: 'DE',
};

/** Products with weights (a device, a book at the reduced rate) and one without a weight. */
export async function stockInvoicingCatalogue(t: TestApp): Promise<void> {
  await stockProducts(t, [
    { sku: 'INV-DEVICE', priceCents: 119_000, stock: 50, name: 'Skin analysis device' },
    { sku: 'INV-BOOK', priceCents: 10_700, vatRateBp: 700, stock: 50, name: 'Skin atlas (book)' },
    { sku: 'INV-NOWEIGHT', priceCents: 1_190, stock: 50, name: 'Voucher card' },
  ]);
  await t.db.query(`update product set weight_grams = 1500 where sku = 'INV-DEVICE'`);
  await t.db.query(`update product set weight_grams = 800 where sku = 'INV-BOOK'`);
}

/** A signed-in business customer with a profile (VAT ID confirmed by the fake VIES unless it says otherwise). */
export async function businessCustomer(
  t: TestApp,
  profile: { companyName: string; country: string; vatId?: string | null },
) {
  const customer = await registerCustomer(t, 'Practice');
  const response = await t.inject({
    method: 'PUT',
    url: '/api/v1/shop/me/business',
    headers: customer.headers,
    payload: profile,
  });
  return { ...customer, profile: response };
}

/** Records the full payment of an order as an admin would (bank transfer): the order is paid and invoiced. */
export async function pay(t: TestApp, order: { id: string; totalCents: number }) {
  const admin = await createStaff(t, 'admin');
  const response = await t.inject({
    method: 'POST',
    url: `/api/v1/admin/orders/${order.id}/payments`,
    headers: admin.headers,
    payload: {
      provider: 'bank-transfer',
      reference: `BT-${order.id.slice(0, 8)}`,
      amountCents: order.totalCents,
      currency: 'EUR',
    },
  });
  if (response.statusCode !== 200) throw new Error(`payment failed: ${response.statusCode} ${response.body}`);
  return response.json<{ invoiceNumber: string }>();
}
