import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SubjectControls } from '@app/privacy';
import { OrderStateMachine } from '../../src/modules/orders/order-state-machine.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import type { StaffRole } from '../../src/common/auth/auth.guards.js';
import { createStaff, orderBody, placeOrder, stockOf, stockProducts } from './orders-fixtures.js';

describe('the order state machine, payments and invoices', () => {
  let t: TestApp;
  let machine: OrderStateMachine;
  let guests = 0;
  const staff = {} as Record<StaffRole, { id: string; headers: { authorization: string } }>;

  beforeAll(async () => {
    t = await startTestApp();
    machine = t.app.get(OrderStateMachine);
    for (const role of ['fulfilment', 'support', 'privacy-officer', 'admin'] as const) {
      staff[role] = await createStaff(t, role);
    }
    await stockProducts(t, [
      { sku: 'DV-GO', priceCents: 89_900, vatRateBp: 1900, stock: 1_000 },
      { sku: 'BOOK-ATLAS', priceCents: 4_900, vatRateBp: 700, stock: 1_000 },
    ]);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A fresh guest order of 2 × DV-GO + 1 × BOOK-ATLAS (total 184,700 cents). */
  async function newOrder(): Promise<{ id: string; number: string; totalCents: number }> {
    guests += 1;
    const res = await placeOrder(
      t,
      orderBody(
        [
          { sku: 'DV-GO', quantity: 2 },
          { sku: 'BOOK-ATLAS', quantity: 1 },
        ],
        { email: `lifecycle${guests}@example.org` },
      ),
    );
    expect(res.statusCode).toBe(201);
    return res.json();
  }

  const pay = (order: { id: string; totalCents: number }, reference = `pi_${order.id.slice(0, 8)}`) =>
    machine.markPaid(order.id, {
      provider: 'stripe',
      reference,
      amountCents: order.totalCents,
      currency: 'EUR',
    });

  // Staff give a reason to cancel (400 without one).
  const move = (
    id: string,
    to: string,
    role: StaffRole = 'admin',
    reason = to === 'cancelled' ? 'cancelled in a test' : undefined,
  ) =>
    t.inject({
      method: 'POST',
      url: `/api/v1/admin/orders/${id}/transitions`,
      headers: staff[role].headers,
      payload: { to, ...(reason ? { reason } : {}) },
    });

  const statusOf = async (id: string): Promise<string> =>
    (await t.db.query<{ status: string }>('select status from shop_order where id = $1', [id])).rows[0]
      .status;

  it('takes a paid order through picking, packing and the carrier to delivered, keeping every step', async () => {
    const order = await newOrder();
    const paid = await pay(order);
    expect(paid).toMatchObject({ from: 'placed', to: 'paid', alreadyRecorded: false });
    const fulfilment = staff.fulfilment.headers;
    for (const to of ['picking', 'packed', 'handed_to_carrier', 'delivered']) {
      const res = await t.inject({
        method: 'POST',
        url: `/api/v1/admin/orders/${order.id}/transitions`,
        headers: fulfilment,
        payload: { to },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: order.id, number: order.number, status: to });
    }
    const { rows } = await t.db.query(
      `select from_status, to_status, actor_type, actor_id, actor_role from order_status_change
        where order_id = $1 order by id`,
      [order.id],
    );
    expect(rows.map((r): unknown[] => [r.from_status, r.to_status])).toEqual([
      [null, 'placed'],
      ['placed', 'paid'],
      ['paid', 'picking'],
      ['picking', 'packed'],
      ['packed', 'handed_to_carrier'],
      ['handed_to_carrier', 'delivered'],
    ]);
    expect(rows[0]).toMatchObject({ actor_type: 'subject', actor_id: expect.stringMatching(/^guest:/) });
    expect(rows[5]).toMatchObject({
      actor_type: 'staff',
      actor_id: staff.fulfilment.id,
      actor_role: 'fulfilment',
    });
  });

  it('answers a forbidden transition with 409 problem+json naming from and to, and changes nothing', async () => {
    const order = await newOrder();
    const res = await move(order.id, 'packed', 'fulfilment');
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json()).toMatchObject({
      type: 'urn:storefront:problem:forbidden-transition',
      status: 409,
      from: 'placed',
      to: 'packed',
    });
    expect(await statusOf(order.id)).toBe('placed');
  });

  it('lets only one of two concurrent moves from the same status succeed', async () => {
    const order = await newOrder();
    const answers = await Promise.all([
      move(order.id, 'cancelled', 'support'),
      move(order.id, 'cancelled', 'admin'),
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
    const { rows } = await t.db.query(
      `select count(*)::int as n from order_status_change where order_id = $1 and to_status = 'cancelled'`,
      [order.id],
    );
    expect(rows[0].n).toBe(1);
  });

  it('gives the stock back when an unpaid order is cancelled', async () => {
    const before = await stockOf(t, 'DV-GO');
    const order = await newOrder();
    expect(await stockOf(t, 'DV-GO')).toBe(before - 2);
    const res = await move(order.id, 'cancelled', 'support', 'customer called');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ previousStatus: 'placed', status: 'cancelled' });
    expect(await stockOf(t, 'DV-GO')).toBe(before);
    expect((await move(order.id, 'cancelled', 'support')).statusCode).toBe(409);
    expect(await stockOf(t, 'DV-GO')).toBe(before);
  });

  it('gives the stock back on a refund before shipping, not after delivery', async () => {
    const before = await stockOf(t, 'BOOK-ATLAS');
    const early = await newOrder();
    await pay(early);
    expect((await move(early.id, 'refunded', 'support')).statusCode).toBe(200);
    expect(await stockOf(t, 'BOOK-ATLAS')).toBe(before);

    const late = await newOrder();
    await pay(late);
    for (const to of ['picking', 'packed', 'handed_to_carrier', 'delivered'])
      await move(late.id, to, 'fulfilment');
    expect((await move(late.id, 'refunded', 'support')).statusCode).toBe(200);
    expect(await stockOf(t, 'BOOK-ATLAS')).toBe(before - 1);
  });

  it('holds each role to its moves: fulfilment ships, support cancels and refunds', async () => {
    const order = await newOrder();
    const cancelByFulfilment = await move(order.id, 'cancelled', 'fulfilment');
    expect(cancelByFulfilment.statusCode).toBe(403);
    expect(cancelByFulfilment.json()).toMatchObject({ role: 'fulfilment', to: 'cancelled' });
    await pay(order);
    expect((await move(order.id, 'picking', 'support')).statusCode).toBe(403);
    expect((await move(order.id, 'picking', 'privacy-officer')).statusCode).toBe(403);
    expect(await statusOf(order.id)).toBe('paid');
  });

  it('leaves payment states to the payments module and needs a staff token', async () => {
    const order = await newOrder();
    const paidByStaff = await move(order.id, 'paid', 'admin');
    expect(paidByStaff.statusCode).toBe(400);
    expect(paidByStaff.json().errors[0].field).toBe('to');
    const anonymous = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/orders/${order.id}/transitions`,
      payload: { to: 'picking' },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('refuses the token of a staff member whose account was deactivated meanwhile', async () => {
    const order = await newOrder();
    const leaver = await createStaff(t, 'support');
    await t.db.query('update staff_account set active = false, deactivated_at = now() where id = $1', [
      leaver.id,
    ]);
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/orders/${order.id}/transitions`,
      headers: leaver.headers,
      payload: { to: 'cancelled' },
    });
    expect(res.statusCode).toBe(401);
    expect(await statusOf(order.id)).toBe('placed');
  });

  it('answers 404 for an order that does not exist', async () => {
    expect((await move('6a1b2c3d-0000-4000-8000-000000000000', 'cancelled')).statusCode).toBe(404);
    expect((await move('not-an-id', 'cancelled')).statusCode).toBe(404);
  });

  it('refuses fulfilment of a person who restricted processing, but lets support cancel', async () => {
    const order = await newOrder();
    await pay(order);
    const { rows } = await t.db.query<{ subject_id: string }>(
      'select subject_id from shop_order where id = $1',
      [order.id],
    );
    await t.app
      .get(SubjectControls)
      .restrict(rows[0].subject_id, 'accuracy contested (Art. 18(1)(a))', 'test');
    const picking = await move(order.id, 'picking', 'fulfilment');
    expect(picking.statusCode).toBe(403);
    expect(picking.json()).toMatchObject({ reason: 'restricted' });
    expect((await move(order.id, 'refunded', 'support')).statusCode).toBe(200);
  });

  describe('markPaid', () => {
    it('refuses a payment whose amount or currency differs from the order total', async () => {
      const order = await newOrder();
      await expect(
        machine.markPaid(order.id, {
          provider: 'stripe',
          reference: 'pi_short',
          amountCents: order.totalCents - 1,
          currency: 'EUR',
        }),
      ).rejects.toMatchObject({ code: 'payment-mismatch' });
      await expect(
        machine.markPaid(order.id, {
          provider: 'stripe',
          reference: 'pi_chf',
          amountCents: order.totalCents,
          currency: 'CHF',
        }),
      ).rejects.toMatchObject({ code: 'payment-mismatch' });
      expect(await statusOf(order.id)).toBe('placed');
      const { rows } = await t.db.query('select count(*)::int as n from invoice where order_id = $1', [
        order.id,
      ]);
      expect(rows[0].n).toBe(0);
    });

    it('marks an order paid exactly once: the same payment reported again changes nothing', async () => {
      const order = await newOrder();
      const reports = await Promise.all([
        pay(order, 'pi_twice'),
        pay(order, 'pi_twice'),
        pay(order, 'pi_twice'),
      ]);
      expect(reports.filter((r) => !r.alreadyRecorded)).toHaveLength(1);
      expect(new Set(reports.map((r) => r.invoice.number)).size).toBe(1);
      const { rows } = await t.db.query(
        `select (select count(*)::int from invoice where order_id = $1) as invoices,
                (select count(*)::int from order_status_change where order_id = $1 and to_status = 'paid') as moves`,
        [order.id],
      );
      expect(rows[0]).toEqual({ invoices: 1, moves: 1 });
    });

    it('refuses a second, different payment of a paid order with 409', async () => {
      const order = await newOrder();
      await pay(order, 'pi_first');
      await expect(pay(order, 'pi_second')).rejects.toMatchObject({ code: 'already-paid' });
    });

    it('lets an admin record a bank transfer, issuing the invoice', async () => {
      const order = await newOrder();
      const res = await t.inject({
        method: 'POST',
        url: `/api/v1/admin/orders/${order.id}/payments`,
        headers: staff.admin.headers,
        payload: {
          provider: 'bank-transfer',
          reference: 'statement 17',
          amountCents: order.totalCents,
          currency: 'EUR',
        },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        status: 'paid',
        invoiceNumber: expect.stringMatching(/^RE-\d{4}-\d{6}$/),
        alreadyRecorded: false,
      });
      const byFulfilment = await t.inject({
        method: 'POST',
        url: `/api/v1/admin/orders/${order.id}/payments`,
        headers: staff.fulfilment.headers,
        payload: {
          provider: 'bank-transfer',
          reference: 'statement 18',
          amountCents: order.totalCents,
          currency: 'EUR',
        },
      });
      expect(byFulfilment.statusCode).toBe(403);
    });
  });

  describe('invoices', () => {
    it('snapshots the billing address and the lines, with VAT per rate adding up to the order', async () => {
      const order = await newOrder();
      const { invoice } = await pay(order);
      const { rows } = await t.db.query('select * from invoice where id = $1', [invoice.id]);
      expect(rows[0]).toMatchObject({
        number: invoice.number,
        order_id: order.id,
        subject_id: expect.stringMatching(/^guest:/),
        payment_method: 'card',
        total_cents: 184_700,
        vat_cents: 28_708 + 321,
        subtotal_cents: 184_700 - 28_708 - 321,
        billing_city: 'Willich',
        billing_postal_code: '47877',
      });
      expect(rows[0].lines).toEqual([
        expect.objectContaining({
          lineNo: 1,
          sku: 'DV-GO',
          quantity: 2,
          lineTotalCents: 179_800,
          vatCents: 28_708,
        }),
        expect.objectContaining({
          lineNo: 2,
          sku: 'BOOK-ATLAS',
          quantity: 1,
          lineTotalCents: 4_900,
          vatCents: 321,
        }),
      ]);
    });

    it('refuses to change an issued invoice', async () => {
      const order = await newOrder();
      const { invoice } = await pay(order);
      await expect(
        t.db.query(`update invoice set billing_city = 'Berlin' where id = $1`, [invoice.id]),
      ).rejects.toThrow(/immutable/);
    });

    it('numbers invoices without gaps, across two app instances and failed payments', async () => {
      const second = await startTestApp({ db: t.db });
      try {
        const secondMachine = second.app.get(OrderStateMachine);
        const orders = await Promise.all(Array.from({ length: 12 }, () => newOrder()));
        const results = await Promise.allSettled(
          orders.map((order, i) => {
            // Every third payment is short: it fails inside its transaction, after nothing was numbered.
            const amountCents = i % 3 === 0 ? order.totalCents - 100 : order.totalCents;
            const target = i % 2 === 0 ? machine : secondMachine;
            return target.markPaid(order.id, {
              provider: 'stripe',
              reference: `pi_gap_${i}`,
              amountCents,
              currency: 'EUR',
            });
          }),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(8);
      } finally {
        await second.close();
      }
      const { rows } = await t.db.query<{ number: string }>('select number from invoice order by number');
      const year = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Berlin', year: 'numeric' }).format(
        new Date(),
      );
      expect(rows.map((r) => r.number)).toEqual(
        rows.map((_, i) => `RE-${year}-${String(i + 1).padStart(6, '0')}`),
      );
    });
  });
});
