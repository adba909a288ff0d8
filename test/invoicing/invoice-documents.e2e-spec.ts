import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { InvoiceArchive } from '../../src/modules/invoicing/index.js';
import { pdfText } from '../helpers/pdf-text.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { createStaff, orderBody, placeOrder, registerCustomer } from '../orders/orders-fixtures.js';
import { BERLIN_CONSUMER, PARIS_CONSUMER, pay, stockInvoicingCatalogue } from './invoicing-fixtures.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('invoice documents', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await stockInvoicingCatalogue(t);
  });
  afterAll(async () => {
    await t.close();
  });

  /** A guest order from Paris, paid: French VAT (OSS) on a device (20 %) and a book (5.5 %). */
  async function parisOrder() {
    const placed = await placeOrder(
      t,
      orderBody(
        [
          { sku: 'INV-DEVICE', quantity: 1 },
          { sku: 'INV-BOOK', quantity: 2 },
        ],
        { email: 'claire@example.org', deliveryAddress: PARIS_CONSUMER, paymentMethod: 'invoice' },
      ),
    );
    expect(placed.statusCode).toBe(201);
    const order = placed.json<{ id: string; number: string; totalCents: number; accessToken: string }>();
    const { invoiceNumber } = await pay(t, order);
    return { ...order, invoiceNumber, guest: { 'x-order-token': order.accessToken } };
  }

  it('issues the invoice PDF when the order is paid, with every § 14(4) UStG field, French VAT for a consumer in France', async () => {
    const order = await parisOrder();
    const response = await t.inject({
      method: 'GET',
      url: `/api/v1/shop/orders/${order.id}/invoice`,
      headers: order.guest,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="${order.invoiceNumber}.pdf"`);
    const bytes = response.rawPayload;
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const { pages, text } = await pdfText(bytes);
    expect(pages).toBe(1);
    const today = new Intl.DateTimeFormat('de-DE', {
      timeZone: 'Europe/Berlin',
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
    }).format(new Date());
    // Nr. 1, 2: seller with address, VAT ID; buyer with address.
    for (const seller of ['DermaView Medizintechnik GmbH', 'Siemensring 98', '47877 Willich', 'DE123456789'])
      expect(text).toContain(seller);
    for (const buyer of ['Claire Martin', 'Rue de Rivoli 5', '75001 Paris', 'FR'])
      expect(text).toContain(buyer);
    // Nr. 3, 4: date of issue and the gap-free number.
    expect(order.invoiceNumber).toMatch(/^RE-\d{4}-\d{6}$/);
    expect(text).toContain(`Rechnungsnummer / Invoice no.: ${order.invoiceNumber}`);
    expect(text).toContain(`Rechnungsdatum / Date of issue: ${today}`);
    // Nr. 6: the time of supply.
    expect(text).toMatch(/Lieferdatum \/ Date of supply: \d{2}\/\d{4} \(Kalendermonat der Lieferung/);
    // Nr. 5: quantities and descriptions.
    expect(text).toMatch(/Skin analysis device \(INV-DEVICE\) 1 /);
    expect(text).toMatch(/Skin atlas \(book\) \(INV-BOOK\) 2 /);
    // Nr. 7, 8: net per rate, rate and VAT per rate (French rates), totals.
    // 1,190.00 at 20 %: 198.33 VAT, 991.67 net; 214.00 (2 × 107.00) at 5.5 %: 11.16 VAT, 202.84 net.
    expect(text).toContain('Nettobetrag zu 20 % / Net at 20 %: 991,67 EUR');
    expect(text).toContain('Umsatzsteuer 20 % / VAT 20 %: 198,33 EUR');
    expect(text).toContain('Nettobetrag zu 5,5 % / Net at 5,5 %: 202,84 EUR');
    expect(text).toContain('Umsatzsteuer 5,5 % / VAT 5,5 %: 11,16 EUR');
    expect(text).toContain('Summe netto / Total net: 1.194,51 EUR');
    expect(text).toContain('Summe Umsatzsteuer / Total VAT: 209,49 EUR');
    expect(text).toContain('Gesamtbetrag / Total: 1.404,00 EUR');
    expect(order.totalCents).toBe(140_400);
    // The OSS note: taxed in France.
    expect(text).toContain('One-Stop-Shop');
    expect(text).toContain('Umsatzsteuer des Staates / VAT of: FR');
  });

  it('archives the bytes as issued, refuses changes and writes their hash into the audit chain', async () => {
    const order = await parisOrder();
    const download = await t.inject({
      method: 'GET',
      url: `/api/v1/shop/orders/${order.id}/invoice`,
      headers: order.guest,
    });
    const { rows } = await t.db.query<{ id: string; sha256: string; content: Buffer }>(
      `select id, sha256, content from invoice_document where order_id = $1 and format = 'pdf'`,
      [order.id],
    );
    expect(rows).toHaveLength(1);
    const [document] = rows;
    expect(sha256(download.rawPayload)).toBe(document.sha256);
    expect(download.headers['x-content-sha256']).toBe(document.sha256);
    expect(Buffer.compare(document.content, download.rawPayload)).toBe(0);
    // The seal job's work (workers are off in tests): the hash goes into the audit chain.
    const receipt = await t.app.get(InvoiceArchive).seal(document.id);
    expect(receipt).not.toBeNull();
    const audit = await t.db.query<{ fields: string[]; action: string; activity_id: string }>(
      'select fields, action, activity_id from privacy.access_audit_log where seq = $1',
      [receipt?.seq],
    );
    expect(audit.rows[0]).toMatchObject({ action: 'archive', activity_id: 'invoice-archive' });
    expect(audit.rows[0].fields).toContain(`sha256:${document.sha256}`);
    // Sealing again changes nothing.
    expect(await t.app.get(InvoiceArchive).seal(document.id)).toEqual(receipt);
    await expect(
      t.db.query(`update invoice_document set content = 'x'::bytea where id = $1`, [document.id]),
    ).rejects.toThrow(/archived as issued/);
  });

  it('gives the invoice to its buyer only: 401 without credentials, 404 for anyone else and for an unpaid order', async () => {
    const order = await parisOrder();
    const url = `/api/v1/shop/orders/${order.id}/invoice`;
    expect((await t.inject({ method: 'GET', url })).statusCode).toBe(401);
    const other = await parisOrder();
    const wrongToken = await t.inject({ method: 'GET', url, headers: other.guest });
    expect(wrongToken.statusCode).toBe(404);
    expect(wrongToken.headers['content-type']).toContain('application/problem+json');
    const stranger = await registerCustomer(t, 'Stranger');
    expect((await t.inject({ method: 'GET', url, headers: stranger.headers })).statusCode).toBe(404);
    // A customer's own order, unpaid: no invoice yet; paid: the invoice.
    const customer = await registerCustomer(t, 'Owner');
    const placed = await placeOrder(
      t,
      orderBody([{ sku: 'INV-BOOK', quantity: 1 }], { deliveryAddress: BERLIN_CONSUMER }),
      customer.headers,
    );
    const own = placed.json<{ id: string; totalCents: number }>();
    const ownUrl = `/api/v1/shop/orders/${own.id}/invoice`;
    expect((await t.inject({ method: 'GET', url: ownUrl, headers: customer.headers })).statusCode).toBe(404);
    await pay(t, own);
    const mine = await t.inject({ method: 'GET', url: ownUrl, headers: customer.headers });
    expect(mine.statusCode).toBe(200);
    expect((await pdfText(mine.rawPayload)).text).toContain('Nettobetrag zu 7 % / Net at 7 %: 100,00 EUR');
    // No e-invoice for a consumer; an unknown format or field is a 400 naming it.
    const xml = await t.inject({
      method: 'GET',
      url: `${ownUrl}?format=xrechnung`,
      headers: customer.headers,
    });
    expect(xml.statusCode).toBe(404);
    const bad = await t.inject({ method: 'GET', url: `${ownUrl}?format=docx`, headers: customer.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('format');
  });

  it('lets support and admin download it, audited; fulfilment may not', async () => {
    const order = await parisOrder();
    const url = `/api/v1/admin/orders/${order.id}/invoice`;
    const support = await createStaff(t, 'support');
    const response = await t.inject({ method: 'GET', url, headers: support.headers });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const audit = await t.db.query<{ actor_id: string }>(
      `select actor_id from privacy.access_audit_log where activity_id = 'invoice-archive' and action = 'read'
        order by seq desc limit 1`,
    );
    expect(audit.rows[0].actor_id).toBe(support.id);
    const fulfilment = await createStaff(t, 'fulfilment');
    expect((await t.inject({ method: 'GET', url, headers: fulfilment.headers })).statusCode).toBe(403);
    const missing = await t.inject({
      method: 'GET',
      url: '/api/v1/admin/orders/00000000-0000-4000-8000-000000000000/invoice',
      headers: support.headers,
    });
    expect(missing.statusCode).toBe(404);
  });
});
