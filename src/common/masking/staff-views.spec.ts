import { describe, expect, it } from '@jest/globals';
import { STAFF_ROLES } from '../auth/auth.guards.js';
import { project } from './projection.js';
import { maySee, rolesSeeing, STAFF_VIEWS, viewFields, type StaffViewName } from './staff-views.js';

const address = (street: string) => ({
  firstName: 'Erika',
  lastName: 'Mustermann',
  company: null,
  street,
  houseNumber: '98',
  addressLine2: null,
  postalCode: '47877',
  city: 'Willich',
  country: 'DE',
});

/** An order as the orders module will return it, with everything a fulfilment bench must not see. */
const order = {
  id: 'o-1',
  number: 'SO-1001',
  status: 'paid',
  createdAt: '2025-03-01T10:00:00Z',
  customerId: 'c-1',
  email: 'erika@example.org',
  phone: '+49 2154 000000',
  items: [{ sku: 'DERMA-1', name: 'Skin analyser', quantity: 1, unitPriceCents: 129900, totalCents: 129900 }],
  deliveryAddress: address('Siemensring'),
  billingAddress: address('Rechnungsweg'),
  paymentMethod: 'sepa-debit',
  paymentStatus: 'captured',
  payment: { provider: 'stripe', iban: 'DE89370400440532013000', mandateId: 'M-1' },
  creditCheck: { agency: 'credit-agency', score: 712, decision: 'approved' },
  totalCents: 129900,
  currency: 'EUR',
};

describe('the staff view policy', () => {
  it('never lets fulfilment receive email, phone, payment or credit data of an order', () => {
    const { value, fields } = project(order, viewFields('order', 'fulfilment')!);
    const wire = JSON.stringify(value);
    for (const secret of [
      'erika@example.org',
      '+49 2154',
      'DE89370400440532013000',
      '712',
      'Rechnungsweg',
      'sepa-debit',
    ])
      expect(wire).not.toContain(secret);
    expect(fields.filter((f) => /email|phone|payment|credit|billing|Cents/i.test(f))).toEqual([]);
    expect(value).toMatchObject({
      number: 'SO-1001',
      items: [{ sku: 'DERMA-1', name: 'Skin analyser', quantity: 1 }],
      deliveryAddress: { lastName: 'Mustermann', street: 'Siemensring', city: 'Willich' },
    });
  });

  it('gives support the contact data of an order but not the payment provider or credit-check details', () => {
    const { value } = project(order, viewFields('order', 'support')!);
    expect(value).toMatchObject({
      email: 'erika@example.org',
      phone: '+49 2154 000000',
      paymentMethod: 'sepa-debit',
    });
    expect(value).not.toHaveProperty('payment');
    expect(value).not.toHaveProperty('creditCheck');
  });

  it('shows the privacy officer everything held, payment and credit check included', () => {
    const { value } = project(order, viewFields('order', 'privacy-officer')!);
    expect(value).toEqual(order);
  });

  it('never lets fulfilment see a customer’s email, phone, company or date of birth', () => {
    for (const field of ['email', 'phone', 'company', 'dateOfBirth'])
      expect(maySee('customer', 'fulfilment', field)).toBe(false);
    expect(maySee('customer', 'fulfilment', 'addresses.street')).toBe(true);
    expect(maySee('customer', 'fulfilment', 'addresses.isDefaultBilling')).toBe(false);
  });

  it('gives admin the same customer and order fields as support, no more', () => {
    expect(viewFields('customer', 'admin')).toEqual(viewFields('customer', 'support'));
    expect(viewFields('order', 'admin')).toEqual(viewFields('order', 'support'));
    expect(rolesSeeing('customer', 'dateOfBirth')).toEqual(['privacy-officer']);
  });

  it('grows monotonically from fulfilment to support to the privacy officer', () => {
    for (const view of ['customer', 'order'] as StaffViewName[]) {
      const fulfilment = viewFields(view, 'fulfilment')!;
      const support = viewFields(view, 'support')!;
      const officer = viewFields(view, 'privacy-officer')!;
      expect(support).toEqual(expect.arrayContaining([...fulfilment]));
      expect(officer).toEqual(expect.arrayContaining([...support]));
    }
  });

  it('answers no fields for a role a view does not name, or an unknown role', () => {
    expect(viewFields('staff-account', 'support')).toBeUndefined();
    expect(viewFields('customer', 'intern')).toBeUndefined();
    expect(maySee('customer', 'intern', 'id')).toBe(false);
  });

  it('names only known roles and lists no path twice', () => {
    for (const [view, policy] of Object.entries(STAFF_VIEWS)) {
      for (const [role, fields] of Object.entries(policy)) {
        expect(STAFF_ROLES).toContain(role);
        expect({ view, role, duplicates: fields.filter((f, i) => fields.indexOf(f) !== i) }).toEqual({
          view,
          role,
          duplicates: [],
        });
      }
    }
  });
});
