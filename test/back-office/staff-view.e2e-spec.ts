import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { StaffAuthGuard } from '../../src/common/auth/auth.guards.js';
import { StaffView } from '../../src/common/masking/index.js';
import { customerSubject } from '../../src/common/subjects.js';
import { staffToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/** An order as the orders module will answer it: everything, for the interceptor to mask. */
const order = (id: string, customerId: string) => ({
  id,
  number: `SO-${id}`,
  status: 'paid',
  customerId,
  email: 'erika@example.org',
  phone: '+49 2154 123456',
  items: [{ sku: 'DERMA-1', name: 'Skin analyser', quantity: 1, unitPriceCents: 129900, totalCents: 129900 }],
  deliveryAddress: {
    firstName: 'Erika',
    lastName: 'Mustermann',
    street: 'Siemensring',
    postalCode: '47877',
    city: 'Willich',
    country: 'DE',
  },
  billingAddress: {
    firstName: 'Erika',
    lastName: 'Mustermann',
    street: 'Rechnungsweg',
    postalCode: '47877',
    city: 'Willich',
    country: 'DE',
  },
  paymentMethod: 'sepa-debit',
  payment: { provider: 'stripe', iban: 'DE89370400440532013000' },
  creditCheck: { score: 712 },
  totalCents: 129900,
  currency: 'EUR',
});

type Order = ReturnType<typeof order>;
const view = { subject: (o: Order) => customerSubject(o.customerId), activity: 'customer-support' };

/** Probe routes: the mechanism on shapes the customer routes do not return. */
@UseGuards(StaffAuthGuard)
@Controller('api/v1/admin/test-orders')
class OrderProbeController {
  @Get('one')
  @StaffView('order', view)
  one(): Order {
    return order('1', '11111111-1111-4111-8111-111111111111');
  }

  @Get('many')
  @StaffView('order', view)
  many(): Order[] {
    return [
      order('1', '11111111-1111-4111-8111-111111111111'),
      order('2', '11111111-1111-4111-8111-111111111111'),
      order('3', '22222222-2222-4222-8222-222222222222'),
    ];
  }

  @Get('staff-record')
  @StaffView('staff-account', { subject: (s: { id: string }) => `staff:${s.id}`, activity: 'staff-accounts' })
  staffRecord(): { id: string; email: string } {
    return { id: '33333333-3333-4333-8333-333333333333', email: 'colleague@shop.example' };
  }

  @Get('undeclared')
  @StaffView('order', { ...view, activity: 'no-such-activity' })
  undeclared(): Order {
    return order('1', '11111111-1111-4111-8111-111111111111');
  }
}

@Module({ controllers: [OrderProbeController] })
class OrderProbeModule {}

describe('the StaffView interceptor', () => {
  let t: TestApp;
  let fulfilment: { authorization: string };

  beforeAll(async () => {
    t = await startTestApp({ modules: [OrderProbeModule] });
    fulfilment = { authorization: `Bearer ${await staffToken(t, 'fulfilment')}` };
  });
  afterAll(async () => {
    await t?.close();
  });

  it('masks a record that has an items list as one record, not as a page', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/v1/admin/test-orders/one', headers: fulfilment });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: '1',
      number: 'SO-1',
      status: 'paid',
      items: [{ sku: 'DERMA-1', name: 'Skin analyser', quantity: 1 }],
      deliveryAddress: {
        firstName: 'Erika',
        lastName: 'Mustermann',
        street: 'Siemensring',
        postalCode: '47877',
        city: 'Willich',
        country: 'DE',
      },
    });
    for (const secret of ['erika@example.org', '2154', 'DE89', 'Rechnungsweg', 'sepa', '712', '129900'])
      expect(res.body).not.toContain(secret);
  });

  it('masks every record of an array and audits once per subject, not once per record', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/v1/admin/test-orders/many', headers: fulfilment });
    expect(res.json()).toHaveLength(3);
    expect(res.body).not.toContain('erika@example.org');
    const { rows } = await t.db.query(
      `select subject_id, count(*)::int as n from privacy.access_audit_log
        where subject_id like 'customer:%' group by subject_id order by subject_id`,
    );
    expect(rows).toEqual([
      { subject_id: 'customer:11111111-1111-4111-8111-111111111111', n: 2 }, // 'one' above, and once for two orders here
      { subject_id: 'customer:22222222-2222-4222-8222-222222222222', n: 1 },
    ]);
  });

  it('refuses to answer for an activity the registry does not declare, showing nothing', async () => {
    const res = await t.inject({
      method: 'GET',
      url: '/api/v1/admin/test-orders/undeclared',
      headers: fulfilment,
    });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('Erika');
  });

  it('answers 403 to a role the view does not name, whatever the route allows', async () => {
    const refused = await t.inject({
      method: 'GET',
      url: '/api/v1/admin/test-orders/staff-record',
      headers: fulfilment,
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ detail: 'Your role may not read staff-account records.' });
    expect(refused.body).not.toContain('colleague');
    const admin = { authorization: `Bearer ${await staffToken(t, 'admin')}` };
    const allowed = await t.inject({
      method: 'GET',
      url: '/api/v1/admin/test-orders/staff-record',
      headers: admin,
    });
    expect(allowed.json()).toEqual({
      id: '33333333-3333-4333-8333-333333333333',
      email: 'colleague@shop.example',
    });
  });
});
