import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RightsService } from '@app/privacy';
import { DataSource } from 'typeorm';
import { OrderCreditNotes } from '../../src/modules/orders/index.js';
import { customerSubject } from '../../src/common/subjects.js';
import { InvoiceDocuments } from '../../src/modules/invoicing/invoice-documents.js';
import { pdfText } from '../helpers/pdf-text.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { createStaff, orderBody, placeOrder, registerCustomer } from '../orders/orders-fixtures.js';
import { BERLIN_CONSUMER, pay, stockInvoicingCatalogue } from './invoicing-fixtures.js';

interface Listing {
  kind: string;
  number: string;
  format: string;
}

describe('credit notes (Rechnungskorrektur)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await stockInvoicingCatalogue(t);
  });
  afterAll(async () => {
    await t.close();
  });

  /** A customer's order in Berlin (device and two books, German VAT), paid by bank transfer. */
  async function paidOrder(existing?: Awaited<ReturnType<typeof registerCustomer>>) {
    const customer = existing ?? (await registerCustomer(t, 'Erika'));
    const placed = await placeOrder(
      t,
      orderBody(
        [
          { sku: 'INV-DEVICE', quantity: 1 },
          { sku: 'INV-BOOK', quantity: 2 },
        ],
        { deliveryAddress: BERLIN_CONSUMER, paymentMethod: 'invoice' },
      ),
      customer.headers,
    );
    expect(placed.statusCode).toBe(201);
    const order = placed.json<{ id: string; totalCents: number }>();
    const { invoiceNumber } = await pay(t, order);
    return { ...order, invoiceNumber, customer };
  }

  const documents = async (orderId: string, headers: Record<string, string>) => {
    const response = await t.inject({
      method: 'GET',
      url: `/api/v1/shop/orders/${orderId}/documents`,
      headers,
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ documents: Listing[] }>().documents;
  };

  it('issues a credit note with negative amounts referencing the invoice when staff refund a paid order', async () => {
    const order = await paidOrder();
    const admin = await createStaff(t, 'admin');
    const refund = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/orders/${order.id}/transitions`,
      headers: admin.headers,
      payload: { to: 'refunded', reason: 'parcel lost' },
    });
    expect(refund.statusCode).toBe(200);

    const listed = await documents(order.id, order.customer.headers);
    expect(listed.map((d) => [d.kind, d.format])).toEqual([
      ['invoice', 'pdf'],
      ['credit-note', 'pdf'],
    ]);
    const credit = listed[1];
    expect(credit.number).toMatch(/^RK-\d{4}-\d{6}$/);
    // The port's worklist row carries the number: nothing is left for the accountant.
    const { rows } = await t.db.query<{ credit_note_number: string; reason: string }>(
      'select credit_note_number, reason from credit_note_request where order_id = $1',
      [order.id],
    );
    expect(rows).toEqual([{ credit_note_number: credit.number, reason: 'order refunded' }]);

    const pdf = await t.inject({
      method: 'GET',
      url: `/api/v1/shop/orders/${order.id}/credit-notes/${credit.number}`,
      headers: order.customer.headers,
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const { text } = await pdfText(pdf.rawPayload);
    expect(text).toContain('Rechnungskorrektur / Credit note');
    expect(text).toContain(`Nummer der Rechnungskorrektur / Credit note no.: ${credit.number}`);
    expect(text).toContain(`Korrektur der Rechnung / Corrects invoice ${order.invoiceNumber} vom`);
    expect(text).toContain('Grund / Reason: order refunded');
    // Every amount reversed: 1,190.00 at 19 % (190.00 VAT) and 214.00 at 7 % (14.00 VAT).
    expect(text).toMatch(/Skin analysis device \(INV-DEVICE\) -1 /);
    expect(text).toContain('Nettobetrag zu 19 % / Net at 19 %: -1.000,00 EUR');
    expect(text).toContain('Umsatzsteuer 19 % / VAT 19 %: -190,00 EUR');
    expect(text).toContain('Nettobetrag zu 7 % / Net at 7 %: -200,00 EUR');
    expect(text).toContain('Umsatzsteuer 7 % / VAT 7 %: -14,00 EUR');
    expect(text).toContain('Gesamtbetrag / Total: -1.404,00 EUR');
    expect(order.totalCents).toBe(140_400);
    // The seller and the buyer, as on the invoice.
    for (const field of ['DermaView Medizintechnik GmbH', 'DE123456789', 'Erika Mustermann', '10117 Berlin'])
      expect(text).toContain(field);

    const stored = await t.db.query(
      'select invoice_number, subtotal_cents, vat_cents, total_cents from credit_note where number = $1',
      [credit.number],
    );
    expect(stored.rows).toEqual([
      {
        invoice_number: order.invoiceNumber,
        subtotal_cents: -120_000,
        vat_cents: -20_400,
        total_cents: -140_400,
      },
    ]);
  });

  it('issues one for a paid order the customer cancels, numbered in its own gap-free series', async () => {
    const before = await t.db.query<{ number: string }>('select number from credit_note order by number');
    const order = await paidOrder();
    const cancel = await t.inject({
      method: 'POST',
      url: `/api/v1/shop/orders/${order.id}/cancellation`,
      headers: order.customer.headers,
    });
    expect(cancel.statusCode).toBe(200);
    const credit = (await documents(order.id, order.customer.headers)).find((d) => d.kind === 'credit-note');
    expect(credit).toBeDefined();
    const previous = before.rows.at(-1)?.number;
    const next = (n: string | undefined) => Number(n?.split('-')[2] ?? 0) + 1;
    expect(Number(credit?.number.split('-')[2])).toBe(next(previous));
    const { text } = await pdfText(
      (
        await t.inject({
          method: 'GET',
          url: `/api/v1/shop/orders/${order.id}/credit-notes/${credit?.number}`,
          headers: order.customer.headers,
        })
      ).rawPayload,
    );
    expect(text).toContain(`Corrects invoice ${order.invoiceNumber}`);
    expect(text).toContain('Grund / Reason: order cancelled (customer)');
    // Invoices keep their own series: the next invoice follows the last one.
    const invoices = await t.db.query<{ number: string }>('select number from invoice order by number');
    const numbers = invoices.rows.map((r) => Number(r.number.split('-')[2]));
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
  });

  it('credits the lines of a return, then only what is left when staff refund the rest', async () => {
    const order = await paidOrder();
    // A withdrawal of one book (107.00 gross, 7.00 VAT), through the port the returns use.
    const creditNotes = t.app.get(OrderCreditNotes);
    const first = await t.app.get(DataSource).transaction((manager) =>
      creditNotes.request(
        {
          orderId: order.id,
          reason: 'withdrawal WR-1',
          lines: [{ lineNo: 2, quantity: 1, amountCents: 10_700, vatCents: 700 }],
        },
        manager,
      ),
    );
    expect(first?.number).toMatch(/^RK-/);
    const admin = await createStaff(t, 'admin');
    const refund = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/orders/${order.id}/transitions`,
      headers: admin.headers,
      payload: { to: 'refunded', reason: 'goodwill' },
    });
    expect(refund.statusCode).toBe(200);
    const { rows } = await t.db.query<{ number: string; total_cents: number; vat_cents: number }>(
      'select number, total_cents, vat_cents from credit_note where order_id = $1 order by number',
      [order.id],
    );
    // Together exactly the invoice: 1,404.00 with 204.00 VAT.
    expect(rows.map((r) => [r.total_cents, r.vat_cents])).toEqual([
      [-10_700, -700],
      [-129_700, -19_700],
    ]);
    const rest = await t.inject({
      method: 'GET',
      url: `/api/v1/shop/orders/${order.id}/credit-notes/${rows[1].number}`,
      headers: order.customer.headers,
    });
    const { text } = await pdfText(rest.rawPayload);
    expect(text).toMatch(/Skin atlas \(book\) \(INV-BOOK\) -1 /);
    expect(text).toContain('Gesamtbetrag / Total: -1.297,00 EUR');
  });

  it('works off the credit notes requested before an issuer was registered (the accountant’s worklist)', async () => {
    const order = await paidOrder();
    // A request from before the invoicing module was deployed: no credit note, no number.
    await t.db.query(
      `insert into credit_note_request (order_id, reason) values ($1, 'order cancelled (shop)')`,
      [order.id],
    );
    expect(await t.app.get(OrderCreditNotes).issueOpen()).toBe(1);
    const { rows } = await t.db.query<{ credit_note_number: string }>(
      'select credit_note_number from credit_note_request where order_id = $1',
      [order.id],
    );
    expect(rows[0].credit_note_number).toMatch(/^RK-/);
    const credit = await t.db.query('select total_cents, invoice_number from credit_note where number = $1', [
      rows[0].credit_note_number,
    ]);
    expect(credit.rows).toEqual([{ total_cents: -140_400, invoice_number: order.invoiceNumber }]);
    // Nothing open any more.
    expect(await t.app.get(OrderCreditNotes).issueOpen()).toBe(0);
  });

  it('blocks the documents on erasure, also those rendered after it: gone for staff, readable by admin only for statutory retention', async () => {
    const rendered = await paidOrder();
    // Rendered before the erasure (the buyer looked at the invoice) …
    expect((await documents(rendered.id, rendered.customer.headers)).length).toBe(1);
    // … and not yet rendered when the erasure comes (its render job still queued).
    const queued = await paidOrder(rendered.customer);
    const report = await t.app.get(RightsService).eraseSubject(customerSubject(rendered.customer.id));
    expect(report.complete).toBe(true);
    const invoicing = report.erasers.find((e) => e.eraser === 'invoicing');
    expect(invoicing?.blocked).toEqual([
      expect.objectContaining({ recordType: 'invoice_document', activityId: 'invoice-archive' }),
    ]);
    // The job renders the queued one now: it is blocked from the start.
    expect(await t.app.get(InvoiceDocuments).ensure({ kind: 'invoice', orderId: queued.id })).toBe(true);
    const blocks = await t.db.query<{ record_id: string }>(
      `select b.record_id from privacy.blocked_record b join invoice_document d on d.id::text = b.record_id
        where b.record_type = 'invoice_document' and d.order_id = $1`,
      [queued.id],
    );
    expect(blocks.rows).toHaveLength(1);

    const admin = await createStaff(t, 'admin');
    for (const order of [rendered, queued]) {
      const staff = await t.inject({
        method: 'GET',
        url: `/api/v1/admin/orders/${order.id}/invoice`,
        headers: admin.headers,
      });
      expect(staff.statusCode).toBe(404);
      const archived = await t.inject({
        method: 'GET',
        url: `/api/v1/admin/invoice-archive/${order.invoiceNumber}`,
        headers: admin.headers,
      });
      expect(archived.statusCode).toBe(200);
      expect((await pdfText(archived.rawPayload)).text).toContain(order.invoiceNumber);
    }
    const audit = await t.db.query<{ action: string }>(
      `select action from privacy.access_audit_log where activity_id = 'invoice-archive' order by seq desc limit 1`,
    );
    expect(audit.rows[0].action).toBe('read:statutory-retention');
    const support = await createStaff(t, 'support');
    const refused = await t.inject({
      method: 'GET',
      url: `/api/v1/admin/invoice-archive/${rendered.invoiceNumber}`,
      headers: support.headers,
    });
    expect(refused.statusCode).toBe(403);
  });
});
