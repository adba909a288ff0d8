import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NotificationWorker } from '../../src/modules/notifications/notification-worker.js';
import type { NoticeJob } from '../../src/modules/notifications/notice.contracts.js';
import { OrderStateMachine } from '../../src/modules/orders/order-state-machine.js';
import { startSmtpSink, type SmtpSink } from '../fakes/smtp/smtp-sink.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { createStaff, orderBody, placeOrder, stockProducts } from './orders-fixtures.js';

/**
 * The order emails, sent through the SMTP adapter (nodemailer) to a real SMTP server started here
 * (smtp-server), parsed from the wire with mailparser. Workers are off: each test delivers the
 * notice jobs its order enqueued, at the moment it chooses, through the real NotificationWorker.
 */
describe('order emails through SMTP', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let worker: NotificationWorker;
  let staff: { authorization: string };
  let guests = 0;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startTestApp({
      env: {
        MAIL_TRANSPORT: 'smtp',
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtp.port),
        SMTP_REQUIRE_TLS: 'false',
        MAIL_FROM: 'Hautanalyse Shop <shop@shop.example>',
      },
    });
    worker = t.app.get(NotificationWorker);
    staff = (await createStaff(t, 'admin')).headers;
    await stockProducts(t, [
      { sku: 'MAIL-DEVICE', priceCents: 89_900, vatRateBp: 1900, stock: 1_000, name: 'Skin Analyser Go' },
      { sku: 'MAIL-BOOK', priceCents: 4_900, vatRateBp: 700, stock: 1_000, name: 'Hautatlas' },
    ]);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  async function newOrder(
    extra: Record<string, unknown> = {},
  ): Promise<{ id: string; number: string; email: string; totalCents: number }> {
    guests += 1;
    const email = `mail${guests}.${Date.now()}@example.org`;
    const res = await placeOrder(
      t,
      orderBody(
        [
          { sku: 'MAIL-DEVICE', quantity: 1 },
          { sku: 'MAIL-BOOK', quantity: 2 },
        ],
        { email, ...extra },
      ),
    );
    expect(res.statusCode).toBe(201);
    return { ...res.json<{ id: string; number: string; totalCents: number }>(), email };
  }

  /** Delivers every notice job about the order that has not been delivered by this test yet. */
  const delivered = new Set<string>();
  async function deliverNotices(orderId: string): Promise<string[]> {
    const { rows } = await t.db.query<{ id: string; data: NoticeJob }>(
      `select id::text as id, data from pgboss.job
        where name = 'notifications.send' and data->'recipient'->>'id' = $1 order by created_on, id`,
      [orderId],
    );
    const templates: string[] = [];
    for (const job of rows.filter((r) => !delivered.has(r.id))) {
      expect(await worker.deliver(job.data, job.id)).toBe('sent');
      delivered.add(job.id);
      templates.push(job.data.template);
    }
    return templates;
  }

  const move = async (id: string, to: string): Promise<void> => {
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/orders/${id}/transitions`,
      headers: staff,
      payload: { to, ...(to === 'cancelled' || to === 'refunded' ? { reason: 'test' } : {}) },
    });
    expect(res.statusCode).toBe(200);
  };

  const pay = (order: { id: string; totalCents: number }) =>
    t.app.get(OrderStateMachine).markPaid(order.id, {
      provider: 'stripe',
      reference: `pi_${order.id.slice(0, 8)}`,
      amountCents: order.totalCents,
      currency: 'EUR',
    });

  it('confirms an order in German with its lines, totals and the withdrawal instructions', async () => {
    const order = await newOrder();
    expect(await deliverNotices(order.id)).toEqual(['orders.confirmation']);
    const [mail] = await smtp.waitFor(order.email, 1);
    expect(mail.subject).toBe(`Ihre Bestellung ${order.number}`);
    expect(mail.from).toContain('shop@shop.example');
    expect(mail.text).toMatch(/^Guten Tag Erika Mustermann,/);
    expect(mail.text).toContain('1 × Skin Analyser Go (MAIL-DEVICE): 899,00 €');
    expect(mail.text).toContain('2 × Hautatlas (MAIL-BOOK): 98,00 €');
    expect(mail.text).toContain('Gesamtbetrag: 997,00 €');
    expect(mail.text).toContain('Zahlungsart: Kreditkarte');
    expect(mail.text).toContain('WIDERRUFSBELEHRUNG');
    expect(mail.text).toContain('binnen vierzehn Tagen ohne Angabe von Gründen');
    expect(mail.text).toContain('MUSTER-WIDERRUFSFORMULAR');
    expect(mail.headers.get('x-notice-template')).toBe('orders.confirmation');
  });

  it('writes to a buyer who ordered in English in English', async () => {
    const order = await newOrder({ locale: 'en' });
    await deliverNotices(order.id);
    const [mail] = await smtp.waitFor(order.email, 1);
    expect(mail.subject).toBe(`Your order ${order.number}`);
    expect(mail.text).toMatch(/^Dear Erika Mustermann,/);
    expect(mail.text).toContain('Total: €997.00');
    expect(mail.text).toContain('RIGHT OF WITHDRAWAL');
    expect(mail.text).toContain('withdraw from this contract within 14 days without giving any reason');
  });

  it('tells the buyer a payment arrived', async () => {
    const order = await newOrder();
    await pay(order);
    expect(await deliverNotices(order.id)).toEqual(['orders.confirmation', 'orders.payment-received']);
    const mails = await smtp.waitFor(order.email, 2);
    expect(mails[1].subject).toBe(`Zahlung erhalten: Bestellung ${order.number}`);
    expect(mails[1].text).toContain('Zahlung über 997,00 €');
  });

  it('sends the tracking number and link when the parcel is handed to the carrier', async () => {
    const order = await newOrder();
    await pay(order);
    await move(order.id, 'picking');
    await move(order.id, 'packed');
    // The carrier's answer (the handoff worker writes it): the shipment has its tracking number.
    await t.db.query(
      `update shipment set status = 'created', tracking_number = '00340434161094042557' where order_id = $1`,
      [order.id],
    );
    await move(order.id, 'handed_to_carrier');
    expect(await deliverNotices(order.id)).toEqual([
      'orders.confirmation',
      'orders.payment-received',
      'orders.shipped',
    ]);
    const mails = await smtp.waitFor(order.email, 3);
    expect(mails[2].subject).toBe(`Ihre Bestellung ${order.number} ist unterwegs`);
    expect(mails[2].text).toContain('Sendungsnummer: 00340434161094042557');
    expect(mails[2].text).toContain('piececode=00340434161094042557');
  });

  it('tells the buyer of a cancellation and of a refund', async () => {
    const unpaid = await newOrder();
    await move(unpaid.id, 'cancelled');
    expect(await deliverNotices(unpaid.id)).toEqual(['orders.confirmation', 'orders.cancelled']);
    const [, cancelled] = await smtp.waitFor(unpaid.email, 2);
    expect(cancelled.subject).toBe(`Stornierung: Bestellung ${unpaid.number}`);
    expect(cancelled.text).toContain('Wir mussten die Bestellung leider stornieren.');
    expect(cancelled.text).toContain('Es wurde nichts von Ihnen abgebucht.');

    const paid = await newOrder();
    await pay(paid);
    await move(paid.id, 'refunded');
    await deliverNotices(paid.id);
    const mails = await smtp.waitFor(paid.email, 3);
    expect(mails[2].subject).toBe(`Erstattung: Bestellung ${paid.number}`);
    expect(mails[2].text).toContain('wir erstatten Ihnen 997,00 € (darin enthalten 149,95 € Umsatzsteuer)');
  });

  it('renders the payment reminder and the return notice from ids only', async () => {
    const order = await newOrder({ paymentMethod: 'invoice' });
    await deliverNotices(order.id);
    const reminder: NoticeJob = {
      template: 'orders.payment-reminder',
      recipient: { kind: 'order', id: order.id },
      data: {
        level: 2,
        dueDate: '2026-12-19',
        amountCents: order.totalCents,
        paymentReference: order.number,
      },
    };
    await worker.deliver(reminder, `reminder-${order.id}`);
    await worker.deliver(
      { template: 'orders.return-received', recipient: { kind: 'order', id: order.id }, data: {} },
      `return-${order.id}`,
    );
    const mails = await smtp.waitFor(order.email, 3);
    expect(mails[1].subject).toBe(`2. Mahnung: Bestellung ${order.number}`);
    expect(mails[1].text).toContain('19. Dezember 2026');
    expect(mails[1].text).toContain(`Verwendungszweck: ${order.number}`);
    expect(mails[2].subject).toBe(`Rücksendung eingegangen: Bestellung ${order.number}`);
  });

  it('sends a job delivered twice once, and retries a message the server refused', async () => {
    const order = await newOrder();
    const job: NoticeJob = {
      template: 'orders.confirmation',
      recipient: { kind: 'order', id: order.id },
      data: {},
    };
    smtp.refuseNext(1);
    await expect(worker.deliver(job, `twice-${order.id}`)).rejects.toThrow();
    await worker.deliver(job, `twice-${order.id}`);
    await worker.deliver(job, `twice-${order.id}`);
    await smtp.waitFor(order.email, 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.to(order.email)).toHaveLength(1);
  });
});
