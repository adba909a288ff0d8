import { describe, expect, it } from '@jest/globals';
import { project } from './projection.js';

const erika = {
  id: 'c-1',
  email: 'erika@example.org',
  firstName: 'Erika',
  lastName: 'Mustermann',
  phone: '+49 2154 000000',
  createdAt: new Date('2025-01-02T03:04:05Z'),
  addresses: [
    { id: 'a-1', street: 'Siemensring', city: 'Willich', isDefaultBilling: true },
    { id: 'a-2', street: 'Bahnstraße', city: 'Krefeld', isDefaultBilling: false },
  ],
  payment: { method: 'card', last4: '4242' },
};

describe('projecting a record onto the fields a role may see', () => {
  it('keeps exactly the allowed top-level fields and reports them', () => {
    const { value, fields } = project(erika, ['id', 'firstName', 'lastName']);
    expect(value).toEqual({ id: 'c-1', firstName: 'Erika', lastName: 'Mustermann' });
    expect(fields).toEqual(['firstName', 'id', 'lastName']);
  });

  it('reaches through arrays: a path under an array applies to every element, the rest of each element goes', () => {
    const { value, fields } = project(erika, ['id', 'addresses.street', 'addresses.city']);
    expect(value).toEqual({
      id: 'c-1',
      addresses: [
        { street: 'Siemensring', city: 'Willich' },
        { street: 'Bahnstraße', city: 'Krefeld' },
      ],
    });
    expect(fields).toEqual(['addresses.city', 'addresses.street', 'id']);
  });

  it('removes a nested record the policy does not lead into, however deep', () => {
    const nested = { id: 1, order: { delivery: { street: 'x', phone: '0172' }, payment: { iban: 'DE00' } } };
    const { value, fields } = project(nested, ['id', 'order.delivery.street']);
    expect(value).toEqual({ id: 1, order: { delivery: { street: 'x' } } });
    expect(JSON.stringify(value)).not.toMatch(/0172|DE00|iban|phone|payment/);
    expect(fields).toEqual(['id', 'order.delivery.street']);
  });

  it('lets an allowed parent through whole and reports each leaf under it', () => {
    const { value, fields } = project(erika, ['payment']);
    expect(value).toEqual({ payment: { method: 'card', last4: '4242' } });
    expect(fields).toEqual(['payment.last4', 'payment.method']);
  });

  it('reports an empty list that went out under its name', () => {
    const { value, fields } = project({ id: 'c-2', addresses: [] }, ['id', 'addresses.street']);
    expect(value).toEqual({ id: 'c-2', addresses: [] });
    expect(fields).toEqual(['addresses', 'id']);
  });

  it('keeps nulls and dates of allowed fields as they are', () => {
    const { value } = project({ id: 'x', phone: null, createdAt: erika.createdAt }, ['phone', 'createdAt']);
    expect(value).toEqual({ phone: null, createdAt: erika.createdAt });
  });

  it('does not let a scalar through where the policy expects a record below it', () => {
    const { value, fields } = project({ deliveryAddress: 'Siemensring 98, Willich' }, [
      'deliveryAddress.city',
    ]);
    expect(value).toEqual({});
    expect(fields).toEqual([]);
  });

  it('allows nothing with an empty policy and leaves the input untouched', () => {
    const input = structuredClone(erika);
    expect(project(input, [])).toEqual({ value: {}, fields: [] });
    expect(input).toEqual(erika);
  });

  it('does not mistake a field name for a prefix of another (phone is not phoneVerified)', () => {
    const { value } = project({ phone: '1', phoneVerified: true, phoneNumbers: ['2'] }, ['phone']);
    expect(value).toEqual({ phone: '1' });
  });
});
