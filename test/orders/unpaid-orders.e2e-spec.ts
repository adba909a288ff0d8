import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobQueue } from '@app/privacy';
import { OrderStateMachine } from '../../src/modules/orders/order-state-machine.js';
import { CANCEL_UNPAID_JOB, UnpaidOrders } from '../../src/modules/orders/unpaid-orders.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { eventually } from '../registration/helpers.js';
import { orderBody, placeOrder, stockOf, stockProducts } from './orders-fixtures.js';

/** Unpaid card and PayPal orders give their stock back after UNPAID_ORDER_TIMEOUT_MINUTES (30 here). */
describe('unpaid orders are cancelled by a job', () => {
  let t: TestApp;
  let guests = 0;

  beforeAll(async () => {
    // Workers on: the sweep runs as the pg-boss job it is in production.
    t = await startTestApp({ env: { JOBS_ENABLED: 'true', UNPAID_ORDER_SWEEP_CRON: '0 0 1 1 *' } });
    await stockProducts(t, [{ sku: 'UNPAID-DEV', priceCents: 10_000, stock: 100 }]);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function order(
    paymentMethod: string,
    minutesAgo: number,
  ): Promise<{ id: string; totalCents: number }> {
    guests += 1;
    const res = await placeOrder(
      t,
      orderBody([{ sku: 'UNPAID-DEV', quantity: 3 }], {
        email: `unpaid${guests}@example.org`,
        paymentMethod,
      }),
    );
    expect(res.statusCode).toBe(201);
    const placed = res.json<{ id: string; totalCents: number }>();
    await t.db.query(`update shop_order set placed_at = now() - make_interval(mins => $2) where id = $1`, [
      placed.id,
      minutesAgo,
    ]);
    return placed;
  }

  const statusOf = async (id: string): Promise<string> =>
    (await t.db.query<{ status: string }>('select status from shop_order where id = $1', [id])).rows[0]
      .status;

  it('cancels an unpaid card order after 30 minutes through the job: stock back, history, customer told', async () => {
    const before = await stockOf(t, 'UNPAID-DEV');
    const overdue = await order('card', 31);
    expect(await stockOf(t, 'UNPAID-DEV')).toBe(before - 3);

    await t.app.get(JobQueue).send(CANCEL_UNPAID_JOB, {});
    await eventually(async () => ((await statusOf(overdue.id)) === 'cancelled' ? true : undefined));

    expect(await stockOf(t, 'UNPAID-DEV')).toBe(before);
    const { rows: history } = await t.db.query<{ actor_type: string; actor_id: string; reason: string }>(
      `select actor_type, actor_id, reason from order_status_change where order_id = $1 and to_status = 'cancelled'`,
      [overdue.id],
    );
    expect(history).toEqual([
      { actor_type: 'system', actor_id: CANCEL_UNPAID_JOB, reason: 'not paid within 30 minutes' },
    ]);
    // The worker sends the cancellation to the development mailbox (the default transport).
    const mail = await eventually(async () => {
      const { rows } = await t.db.query<{ subject_line: string; body_text: string }>(
        `select subject_line, body_text from outbound_message where template = 'orders.cancelled' and to_address = $1`,
        [`unpaid${guests}@example.org`],
      );
      return rows[0];
    });
    expect(mail.body_text).toContain('Die Zahlung ist nicht innerhalb der vorgesehenen Zeit eingegangen');
  });

  it('leaves young, paid, invoice and SEPA orders alone, and cancels PayPal orders too', async () => {
    const young = await order('card', 10);
    const paid = await order('card', 45);
    await t.app.get(OrderStateMachine).markPaid(paid.id, {
      provider: 'stripe',
      reference: `pi_${paid.id.slice(0, 8)}`,
      amountCents: paid.totalCents,
      currency: 'EUR',
    });
    const invoice = await order('invoice', 600);
    const sepa = await order('sepa_debit', 600);
    const paypal = await order('paypal', 40);

    const result = await t.app.get(UnpaidOrders).sweep();
    expect(result.cancelled).toEqual([paypal.id]);
    expect(await statusOf(young.id)).toBe('placed');
    expect(await statusOf(paid.id)).toBe('paid');
    expect(await statusOf(invoice.id)).toBe('placed');
    expect(await statusOf(sepa.id)).toBe('placed');
    expect(await statusOf(paypal.id)).toBe('cancelled');
  });

  it('is scheduled on pg-boss with the configured cron', async () => {
    const { rows } = await t.db.query<{ cron: string }>('select cron from pgboss.schedule where name = $1', [
      CANCEL_UNPAID_JOB,
    ]);
    expect(rows).toEqual([{ cron: '0 0 1 1 *' }]);
  });
});
