import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { InvoiceDocuments, RENDER_JOB } from '../../src/modules/invoicing/invoice-documents.js';
import { InvoiceOrders } from '../../src/modules/orders/invoice-orders.js';
import {
  placeGuestOrder,
  staffHeaders,
  startPayment,
  startPaymentsWorld,
  type PaymentsWorld,
  type PlacedOrder,
} from './payments-fixtures.js';

/** A CAMT.053 statement (camt.053.001.08) with the given credits and one debit. */
function camt(credits: { ref: string; amountCents: number; text: string; currency?: string }[]): string {
  const amount = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
  const entries = credits
    .map(
      (c) => `
      <Ntry>
        <Amt Ccy="${c.currency ?? 'EUR'}">${amount(c.amountCents)}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-12-04</Dt></BookgDt>
        <AcctSvcrRef>${c.ref}</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
          <RltdPties><Dbtr><Pty><Nm>Erika Mustermann</Nm></Pty></Dbtr></RltdPties>
          <RmtInf><Ustrd>${c.text}</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>STMT-${randomUUID().slice(0, 8)}</MsgId><CreDtTm>2026-12-05T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>2026-12-04-001</Id>
      <Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct>
      ${entries}
      <Ntry>
        <Amt Ccy="EUR">12.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <AcctSvcrRef>FEE-${randomUUID().slice(0, 8)}</AcctSvcrRef>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>`;
}

/**
 * Orders on invoice and by SEPA debit: released for fulfilment once the credit check passed, shipped
 * before they are paid, reminded after the due date, and paid from a CAMT.053 bank statement.
 */
describe('orders on invoice: released, shipped before payment, dunned, paid from a bank statement', () => {
  let w: PaymentsWorld;
  beforeAll(async () => {
    // The credit agency simulator is green unless the last name starts with "Rot"; 100.00 EUR is above 50.00.
    w = await startPaymentsWorld({ CREDIT_CHECK_MIN_AMOUNT_CENTS: '5000' });
  });
  afterAll(async () => {
    await w?.close();
  });

  const orderRow = async (id: string) =>
    (
      await w.t.db.query<{
        status: string;
        paid_at: Date | null;
        released_at: Date | null;
        due: string | null;
        invoices: number;
      }>(
        `select o.status, o.paid_at, o.released_at, to_char(o.payment_due_date, 'YYYY-MM-DD') as due,
                (select count(*)::int from invoice i where i.order_id = o.id) as invoices
           from shop_order o where o.id = $1`,
        [id],
      )
    ).rows[0];
  const staffMove = async (id: string, to: string) =>
    w.t.inject({
      method: 'POST',
      url: `/api/v1/admin/orders/${id}/transitions`,
      headers: await staffHeaders(w.t, 'admin'),
      payload: { to },
    });
  const upload = async (statement: string) =>
    w.t.inject({
      method: 'POST',
      url: '/api/v1/admin/bank-statements',
      headers: await staffHeaders(w.t, 'admin'),
      payload: { statement },
    });
  const noticesOf = async (orderId: string, template: string) =>
    (
      await w.t.db.query<{ data: Record<string, unknown> }>(
        `select data->'data' as data from pgboss.job where name = 'notifications.send'
            and data->>'template' = $2 and data->'recipient'->>'id' = $1 order by created_on`,
        [orderId, template],
      )
    ).rows.map((r) => r.data);
  const berlinDate = (offsetDays: number) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(
      new Date(Date.now() + offsetDays * 86_400_000),
    );
  async function releasedInvoiceOrder(): Promise<PlacedOrder> {
    const order = await placeGuestOrder(w.t, 'invoice');
    const started = await startPayment(w.t, order, { key: randomUUID() });
    expect(started.statusCode).toBe(201);
    return order;
  }

  it('ships an invoice order before payment and marks it paid from a CAMT.053 file', async () => {
    const order = await releasedInvoiceOrder();
    const released = await orderRow(order.id);
    expect(released).toMatchObject({ status: 'awaiting_payment', due: berlinDate(14), invoices: 1 });
    expect(released.released_at).not.toBeNull();
    // The invoice document (PDF) is rendered by the invoicing job enqueued with the release, once.
    const documents = async () =>
      (
        await w.t.db.query<{ n: number }>(
          `select count(*)::int as n from invoice_document where order_id = $1 and kind = 'invoice'`,
          [order.id],
        )
      ).rows[0].n;
    const { rows: renderJobs } = await w.t.db.query(
      `select 1 from pgboss.job where name = $1 and data->>'orderId' = $2`,
      [RENDER_JOB, order.id],
    );
    expect(renderJobs).toHaveLength(1);
    const renderer = w.t.app.get(InvoiceDocuments);
    expect(await renderer.ensure({ kind: 'invoice', orderId: order.id })).toBe(true);
    expect(await renderer.ensure({ kind: 'invoice', orderId: order.id })).toBe(true);
    expect(await documents()).toBe(1);

    for (const to of ['picking', 'packed', 'handed_to_carrier'])
      expect((await staffMove(order.id, to)).statusCode).toBe(200);
    expect(await orderRow(order.id)).toMatchObject({ status: 'handed_to_carrier', paid_at: null });

    const ref = `BANK-${randomUUID().slice(0, 12)}`;
    const other = await releasedInvoiceOrder();
    const statement = camt([
      { ref, amountCents: order.totalCents, text: `Rechnung Bestellung ${order.number.toLowerCase()} danke` },
      { ref: `${ref}-B`, amountCents: other.totalCents - 1, text: `${other.number}` },
      { ref: `${ref}-C`, amountCents: 500, text: 'Spende' },
    ]);
    const res = await upload(statement);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      skipped: 1,
      entries: [
        { reference: ref, amountCents: order.totalCents, orderNumber: order.number, outcome: 'paid' },
        { orderNumber: other.number, outcome: 'amount-mismatch' },
        { orderNumber: null, outcome: 'no-order' },
      ],
    });
    const paid = await orderRow(order.id);
    expect(paid.status).toBe('handed_to_carrier');
    expect(paid.paid_at).not.toBeNull();
    expect(paid.invoices).toBe(1);
    expect(await documents()).toBe(1);
    expect((await orderRow(other.id)).paid_at).toBeNull();
    const { rows: payments } = await w.t.db.query<{ status: string }>(
      'select status from payment where order_id = $1',
      [order.id],
    );
    expect(payments).toEqual([{ status: 'succeeded' }]);
    expect(await noticesOf(order.id, 'orders.payment-received')).toHaveLength(1);
    // No payer name is kept.
    const { rows: stored } = await w.t.db.query(
      'select * from bank_statement_entry where entry_reference = $1',
      [ref],
    );
    expect(JSON.stringify(stored)).not.toContain('Mustermann');

    // The same file again changes nothing.
    const again = await upload(statement);
    expect(again.json<{ entries: { outcome: string }[] }>().entries.map((e) => e.outcome)).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    expect(await noticesOf(order.id, 'orders.payment-received')).toHaveLength(1);
  });

  it('refuses a malformed CAMT file with a 400 naming where, importing nothing', async () => {
    const order = await releasedInvoiceOrder();
    const good = camt([{ ref: `BANK-${randomUUID()}`, amountCents: order.totalCents, text: order.number }]);
    const count = async () =>
      (await w.t.db.query<{ n: number }>('select count(*)::int as n from bank_statement_entry')).rows[0].n;
    const before = await count();
    const cases: [string, string][] = [
      ['this is not xml <Document>', 'statement'],
      ['<Document><CstmrCdtTrfInitn><GrpHdr/></CstmrCdtTrfInitn></Document>', 'statement'],
      [good.replace('<Amt Ccy="EUR">', '<Amt>'), 'statement.Stmt[0].Ntry[0].Amt'],
      [good.replace(/<Amt Ccy="EUR">[^<]+</, '<Amt Ccy="EUR">1,00<'), 'statement.Stmt[0].Ntry[0].Amt'],
      [good.replace(/<MsgId>[^<]+<\/MsgId>/, ''), 'statement.GrpHdr.MsgId'],
    ];
    for (const [statement, field] of cases) {
      const res = await upload(statement);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ errors: [{ field }] });
    }
    expect(await count()).toBe(before);
    expect((await orderRow(order.id)).paid_at).toBeNull();
  });

  it('sends payment reminders by level after the due date, once each, and none once paid', async () => {
    const order = await releasedInvoiceOrder();
    const { due } = await orderRow(order.id);
    const dunning = w.t.app.get(InvoiceOrders);
    const day = (offset: number) => {
      const d = new Date(`${due}T12:00:00Z`);
      d.setUTCDate(d.getUTCDate() + offset);
      return d.toISOString().slice(0, 10);
    };
    const mine = (r: { sent: { orderId: string; level: number }[] }) =>
      r.sent.filter((s) => s.orderId === order.id);

    expect(mine(await dunning.sweep(day(2)))).toEqual([]);
    expect(mine(await dunning.sweep(day(3)))).toEqual([{ orderId: order.id, level: 1 }]);
    expect(mine(await dunning.sweep(day(3)))).toEqual([]);
    expect(mine(await dunning.sweep(day(17)))).toEqual([{ orderId: order.id, level: 2 }]);
    const { rows: levels } = await w.t.db.query<{ level: number; due: string }>(
      `select level, to_char(due_date, 'YYYY-MM-DD') as due from order_dunning where order_id = $1 order by level`,
      [order.id],
    );
    expect(levels).toEqual([
      { level: 1, due: day(3 + 7) },
      { level: 2, due: day(17 + 7) },
    ]);
    expect(await noticesOf(order.id, 'orders.payment-reminder')).toEqual([
      { level: 1, dueDate: day(10), amountCents: order.totalCents, paymentReference: order.number },
      { level: 2, dueDate: day(24), amountCents: order.totalCents, paymentReference: order.number },
    ]);

    const res = await upload(
      camt([{ ref: `BANK-${randomUUID()}`, amountCents: order.totalCents, text: order.number }]),
    );
    expect(res.json<{ entries: { outcome: string }[] }>().entries[0].outcome).toBe('paid');
    expect(await orderRow(order.id)).toMatchObject({ status: 'paid', invoices: 1 });
    expect(mine(await dunning.sweep(day(31)))).toEqual([]);
  });

  it('does not let an unreleased order awaiting a card payment be picked', async () => {
    const order = await placeGuestOrder(w.t, 'card');
    expect((await startPayment(w.t, order, { key: randomUUID() })).statusCode).toBe(201);
    expect((await orderRow(order.id)).status).toBe('awaiting_payment');
    const res = await staffMove(order.id, 'picking');
    expect(res.statusCode).toBe(409);
    expect(await orderRow(order.id)).toMatchObject({ status: 'awaiting_payment', released_at: null });
  });
});
