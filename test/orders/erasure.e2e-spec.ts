import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RetentionSweep, RightsService, RETENTION_PURPOSE, BlockedRecords } from '@app/privacy';
import { customerSubject } from '../../src/common/subjects.js';
import { OrderStateMachine } from '../../src/modules/orders/order-state-machine.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { orderBody, placeOrder, registerCustomer, stockOf, stockProducts } from './orders-fixtures.js';

/** 23:59:59.999 on 31 December of `year` in Berlin (CET, UTC+1), as an instant. */
const endOfYearInBerlin = (year: number): Date => new Date(`${year}-12-31T22:59:59.999Z`);

const berlinYear = (instant: Date): number =>
  Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Berlin', year: 'numeric' }).format(instant));

describe('erasure of a customer with orders', () => {
  let t: TestApp;
  let rights: RightsService;
  let machine: OrderStateMachine;

  beforeAll(async () => {
    t = await startTestApp();
    rights = t.app.get(RightsService);
    machine = t.app.get(OrderStateMachine);
    await stockProducts(t, [{ sku: 'DV-GO', priceCents: 89_900, stock: 100 }]);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function customerOrder(headers: Record<string, string>, quantity = 1) {
    const res = await placeOrder(t, orderBody([{ sku: 'DV-GO', quantity }]), headers);
    expect(res.statusCode).toBe(201);
    return res.json<{ id: string; number: string; totalCents: number }>();
  }

  it('blocks a paid order and its invoice until their retention date, erases the rest and the account', async () => {
    const erika = await registerCustomer(t, 'Erika');
    const max = await registerCustomer(t, 'Max');
    const paid = await customerOrder(erika.headers);
    const { invoice } = await machine.markPaid(paid.id, {
      provider: 'stripe',
      reference: 'pi_erasure',
      amountCents: paid.totalCents,
      currency: 'EUR',
    });
    const open = await customerOrder(erika.headers, 3);
    const cancelled = await customerOrder(erika.headers);
    await machine.transition(cancelled.id, 'cancelled');
    const maxOrder = await customerOrder(max.headers);
    const stockBefore = await stockOf(t, 'DV-GO');

    const report = await rights.eraseSubject(customerSubject(erika.id));

    expect(report.complete).toBe(true);
    const orders = report.erasers.find((e) => e.eraser === 'orders');
    const until = endOfYearInBerlin(berlinYear(invoice.issuedAt) + 8);
    expect(orders?.blocked).toEqual(
      expect.arrayContaining([
        {
          recordType: 'order',
          recordId: paid.id,
          activityId: 'order-processing',
          statute: expect.stringContaining('HGB'),
          until,
        },
        {
          recordType: 'invoice',
          recordId: invoice.id,
          activityId: 'invoicing',
          statute: expect.stringContaining('AO'),
          until,
        },
      ]),
    );
    expect(orders?.erased).toEqual(
      expect.arrayContaining([
        { recordType: 'order', recordId: open.id },
        { recordType: 'order', recordId: cancelled.id },
      ]),
    );

    // The paid order and its invoice are still there, marked blocked until the end of (year + 8).
    const blocked = t.app.get(BlockedRecords);
    expect(await blocked.get('order', paid.id)).toMatchObject({ blockedUntil: until, eraser: 'orders' });
    expect(await blocked.get('invoice', invoice.id)).toMatchObject({ blockedUntil: until, eraser: 'orders' });
    expect((await t.db.query('select 1 from shop_order where id = $1', [paid.id])).rows).toHaveLength(1);
    expect((await t.db.query('select 1 from invoice where id = $1', [invoice.id])).rows).toHaveLength(1);
    // The unpaid orders are gone, and the open one's reservation is back on sale.
    expect(
      (await t.db.query('select id from shop_order where id = any($1::uuid[])', [[open.id, cancelled.id]]))
        .rows,
    ).toEqual([]);
    expect(await stockOf(t, 'DV-GO')).toBe(stockBefore + 3);
    // The account is gone (the registration module's eraser); the blocked order no longer points at it.
    expect((await t.db.query('select 1 from customer where id = $1', [erika.id])).rows).toEqual([]);
    expect((await t.db.query('select customer_id from shop_order where id = $1', [paid.id])).rows).toEqual([
      { customer_id: null },
    ]);
    // Max is untouched.
    expect((await t.db.query('select status from shop_order where id = $1', [maxOrder.id])).rows).toEqual([
      { status: 'placed' },
    ]);
  });

  it('keeps a blocked order out of every route and every move; only the retention purpose may read it', async () => {
    const anna = await registerCustomer(t, 'Anna');
    const order = await customerOrder(anna.headers);
    await machine.markPaid(order.id, {
      provider: 'stripe',
      reference: 'pi_anna',
      amountCents: order.totalCents,
      currency: 'EUR',
    });
    expect(
      (await t.inject({ url: `/api/v1/shop/orders/${order.id}`, headers: anna.headers })).statusCode,
    ).toBe(200);

    await rights.eraseSubject(customerSubject(anna.id));

    expect(
      (await t.inject({ url: `/api/v1/shop/orders/${order.id}`, headers: anna.headers })).statusCode,
    ).toBe(404);
    await expect(machine.transition(order.id, 'picking')).rejects.toMatchObject({ code: 'not-found' });
    const blocked = t.app.get(BlockedRecords);
    await expect(blocked.assertReadable('order', order.id, 'order-processing')).rejects.toMatchObject({
      reason: 'blocked',
    });
    await expect(blocked.assertReadable('order', order.id, RETENTION_PURPOSE)).resolves.toBeUndefined();
  });

  it('erases a blocked order and its invoice when the retention sweep runs after the date', async () => {
    const ben = await registerCustomer(t, 'Ben');
    const order = await customerOrder(ben.headers);
    const { invoice } = await machine.markPaid(order.id, {
      provider: 'stripe',
      reference: 'pi_ben',
      amountCents: order.totalCents,
      currency: 'EUR',
    });
    await rights.eraseSubject(customerSubject(ben.id));
    const until = endOfYearInBerlin(berlinYear(invoice.issuedAt) + 8);
    const sweep = t.app.get(RetentionSweep);

    await sweep.runSweep(new Date(until.getTime() - 60_000));
    expect((await t.db.query('select 1 from shop_order where id = $1', [order.id])).rows).toHaveLength(1);

    await sweep.runSweep(new Date(until.getTime() + 1));
    expect((await t.db.query('select 1 from shop_order where id = $1', [order.id])).rows).toEqual([]);
    expect((await t.db.query('select 1 from invoice where id = $1', [invoice.id])).rows).toEqual([]);
    expect((await t.db.query('select 1 from order_item where order_id = $1', [order.id])).rows).toEqual([]);
    expect(await t.app.get(BlockedRecords).get('order', order.id)).toBeNull();
  });

  it('exports the subject’s orders, items, history and invoices, blocked ones marked', async () => {
    const clara = await registerCustomer(t, 'Clara');
    const order = await customerOrder(clara.headers, 2);
    const { invoice } = await machine.markPaid(order.id, {
      provider: 'stripe',
      reference: 'pi_clara',
      amountCents: order.totalCents,
      currency: 'EUR',
    });
    const result = await rights.exportSubject(customerSubject(clara.id));
    const section = result.sections.find((s) => s.exporter === 'orders');
    expect(section?.activities.sort()).toEqual(['invoicing', 'order-processing']);
    expect(section?.records).toEqual([
      expect.objectContaining({
        recordType: 'order',
        recordId: order.id,
        data: expect.objectContaining({
          number: order.number,
          status: 'paid',
          deliveryAddress: expect.objectContaining({ street: 'Siemensring', city: 'Willich' }),
          items: [expect.objectContaining({ sku: 'DV-GO', quantity: 2 })],
          history: [
            expect.objectContaining({ from: null, to: 'placed', by: 'subject' }),
            expect.objectContaining({ from: 'placed', to: 'paid', by: 'system' }),
          ],
        }),
      }),
      expect.objectContaining({
        recordType: 'invoice',
        recordId: invoice.id,
        data: expect.objectContaining({
          number: invoice.number,
          totals: expect.objectContaining({ totalCents: order.totalCents }),
        }),
      }),
    ]);
  });

  it('erases the orders of a guest, found by their subject id, and their idempotency keys', async () => {
    const res = await placeOrder(
      t,
      orderBody([{ sku: 'DV-GO', quantity: 1 }], { email: 'guest-erase@example.org' }),
      {
        'idempotency-key': 'guest-erase-key-1',
      },
    );
    expect(res.statusCode).toBe(201);
    const { rows } = await t.db.query<{ subject_id: string }>(
      'select subject_id from shop_order where id = $1',
      [res.json().id],
    );
    const subjectId = rows[0].subject_id;
    expect(
      (await t.db.query('select 1 from idempotency_key where scope = $1', [subjectId])).rows,
    ).toHaveLength(1);

    const report = await rights.eraseSubject(subjectId);

    expect(report.erasers.find((e) => e.eraser === 'orders')?.erased).toEqual([
      { recordType: 'order', recordId: res.json().id },
    ]);
    expect((await t.db.query('select 1 from shop_order where id = $1', [res.json().id])).rows).toEqual([]);
    expect((await t.db.query('select 1 from idempotency_key where scope = $1', [subjectId])).rows).toEqual(
      [],
    );
  });
});
