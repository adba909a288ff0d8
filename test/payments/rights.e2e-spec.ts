import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { RetentionSweep, RightsService } from '@app/privacy';
import { customerSubject } from '../../src/common/subjects.js';
import { staffToken } from '../helpers/test-app.js';
import {
  placeCustomerOrder,
  startPayment,
  startPaymentsWorld,
  type PaymentsWorld,
} from './payments-fixtures.js';

const MANDATE = { iban: 'DE89370400440532013000', accountHolder: 'Erika Mustermann', accepted: true };

describe('the payments module’s part of access (Art. 15) and erasure (Art. 17)', () => {
  let w: PaymentsWorld;

  beforeAll(async () => {
    w = await startPaymentsWorld({ CREDIT_CHECK_MIN_AMOUNT_CENTS: '1000000' });
  });
  afterAll(async () => {
    await w?.close();
  });

  /** A customer with a paid card payment and an open SEPA mandate on a second order. */
  async function customerWithPayments() {
    const paidOrder = await placeCustomerOrder(w.t, 'card');
    const card = (await startPayment(w.t, paidOrder, { key: randomUUID() })).json<{
      id: string;
      clientSecret: string;
    }>();
    await w.stripe.simulator.confirm(card.clientSecret.split('_secret_')[0]);
    const openOrder = await placeCustomerOrder(w.t, 'sepa_debit');
    // The second order belongs to another account; move it to the first customer for this scenario.
    await w.t.db.query('update shop_order set customer_id = $1, subject_id = $2 where id = $3', [
      paidOrder.customerId,
      customerSubject(paidOrder.customerId),
      openOrder.id,
    ]);
    const sepa = (
      await startPayment(
        w.t,
        { ...openOrder, headers: paidOrder.headers },
        { body: { sepaMandate: MANDATE } },
      )
    ).json<{ id: string }>();
    return { subjectId: customerSubject(paidOrder.customerId), card, sepa, paidOrder, openOrder };
  }

  it('exports every payment, refund and mandate of the person, the IBAN in full (it is theirs)', async () => {
    const { subjectId, card, sepa } = await customerWithPayments();
    const result = await w.t.app.get(RightsService).exportSubject(subjectId);
    const section = result.sections.find((s) => s.exporter === 'payments');
    expect(section?.activities).toEqual(['payment']);
    expect(section?.categories).toEqual(
      expect.arrayContaining([
        'payment.amount',
        'payment.iban',
        'payment.account-holder',
        'payment.sepa-mandate',
      ]),
    );
    const records = section?.records ?? [];
    expect(records.find((r) => r.recordId === card.id)?.data).toMatchObject({
      method: 'card',
      provider: 'stripe',
      status: 'succeeded',
      providerEvents: [expect.objectContaining({ type: 'payment_intent.succeeded', outcome: 'applied' })],
    });
    expect(records.find((r) => r.recordType === 'payment.sepa-mandate')?.data).toMatchObject({
      paymentId: sepa.id,
      iban: MANDATE.iban,
      ibanMasked: 'DE89 **** **** **** **30 00',
      accountHolder: 'Erika Mustermann',
    });
  });

  it('blocks the paid payment until the end of its statutory year and erases the open one with its mandate', async () => {
    const { subjectId, card, sepa, paidOrder } = await customerWithPayments();
    const report = await w.t.app.get(RightsService).eraseSubject(subjectId);
    const payments = report.erasers.find((e) => e.eraser === 'payments');
    expect(payments?.error).toBeUndefined();
    expect(payments?.blocked).toEqual([
      expect.objectContaining({
        recordType: 'payment',
        recordId: card.id,
        activityId: 'payment',
        statute: expect.stringContaining('AO'),
      }),
    ]);
    const year = new Date().getFullYear();
    expect(payments?.blocked[0].until.getFullYear()).toBe(year + 8);
    expect(payments?.erased).toEqual(
      expect.arrayContaining([
        { recordType: 'payment', recordId: sepa.id },
        expect.objectContaining({ recordType: 'payment.sepa-mandate' }),
      ]),
    );
    expect((await w.t.db.query('select 1 from payment where id = $1', [sepa.id])).rows).toHaveLength(0);
    expect(
      (await w.t.db.query('select 1 from sepa_mandate where payment_id = $1', [sepa.id])).rows,
    ).toHaveLength(0);
    expect((await w.t.db.query('select 1 from payment where id = $1', [card.id])).rows).toHaveLength(1);

    // Staff no longer see the blocked payment; the sweep erases it once its date has passed.
    const admin = { authorization: `Bearer ${await staffToken(w.t, 'admin')}` };
    const listed = await w.t.inject({
      method: 'GET',
      url: `/api/v1/admin/payments?orderId=${paidOrder.id}`,
      headers: admin,
    });
    expect(listed.json()).toEqual([]);
    const until = payments?.blocked[0].until ?? new Date();
    await w.t.app.get(RetentionSweep).runSweep(new Date(until.getTime() + 1000));
    expect((await w.t.db.query('select 1 from payment where id = $1', [card.id])).rows).toHaveLength(0);
  });

  it('erases a payment that ended without money 90 days after it ended, with its mandate', async () => {
    const { sepa } = await customerWithPayments();
    await w.t.db.query(
      `update payment set status = 'cancelled', updated_at = now() - interval '89 days' where id = $1`,
      [sepa.id],
    );
    await w.t.app.get(RetentionSweep).runSweep(new Date());
    expect((await w.t.db.query('select 1 from payment where id = $1', [sepa.id])).rows).toHaveLength(1);
    await w.t.db.query(`update payment set updated_at = now() - interval '91 days' where id = $1`, [sepa.id]);
    await w.t.app.get(RetentionSweep).runSweep(new Date());
    expect((await w.t.db.query('select 1 from payment where id = $1', [sepa.id])).rows).toHaveLength(0);
    expect(
      (await w.t.db.query('select 1 from sepa_mandate where payment_id = $1', [sepa.id])).rows,
    ).toHaveLength(0);
  });

  it('drops the full IBAN of an old mandate but keeps the masked one', async () => {
    const { sepa } = await customerWithPayments();
    await w.t.db.query(
      `update sepa_mandate set signed_at = now() - interval '426 days' where payment_id = $1`,
      [sepa.id],
    );
    await w.t.app.get(RetentionSweep).runSweep(new Date());
    const { rows } = await w.t.db.query(
      'select iban_encrypted, iban_masked from sepa_mandate where payment_id = $1',
      [sepa.id],
    );
    expect(rows).toEqual([{ iban_encrypted: null, iban_masked: 'DE89 **** **** **** **30 00' }]);
  });
});
