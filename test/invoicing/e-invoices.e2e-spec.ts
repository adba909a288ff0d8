import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  InvoiceDocuments,
  RENDER_JOB,
  type DocumentRef,
} from '../../src/modules/invoicing/invoice-documents.js';
import { cents, ciiSchemaErrors, elements } from '../helpers/cii.js';
import { pdfText } from '../helpers/pdf-text.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { startFakeVies, type FakeVies } from '../fakes/vies/index.js';
import { createStaff, orderBody, placeOrder } from '../orders/orders-fixtures.js';
import {
  BERLIN_CONSUMER,
  VIENNA_PRACTICE,
  businessCustomer,
  pay,
  stockInvoicingCatalogue,
} from './invoicing-fixtures.js';

describe('e-invoices for business customers', () => {
  let t: TestApp;
  let vies: FakeVies;

  beforeAll(async () => {
    vies = await startFakeVies({});
    t = await startTestApp({
      env: { ...vies.env, SELLER_IBAN: 'DE89370400440532013000', SELLER_PHONE: '+49 2154 12345' },
    });
    await stockInvoicingCatalogue(t);
  });
  afterAll(async () => {
    await t.close();
    await vies.stop();
  });

  /** A business customer's paid order, shipped with DHL. */
  async function paidBusinessOrder(
    profile: { companyName: string; country: string; vatId: string },
    address: Record<string, unknown>,
    items: { sku: string; quantity: number }[],
  ) {
    const practice = await businessCustomer(t, profile);
    expect(practice.profile.json()).toMatchObject({ vatIdStatus: 'confirmed' });
    const placed = await placeOrder(
      t,
      orderBody(items, { deliveryAddress: address, paymentMethod: 'invoice', shippingMethod: 'dhl-parcel' }),
      practice.headers,
    );
    expect(placed.statusCode).toBe(201);
    const order = placed.json<{ id: string; totalCents: number }>();
    const { invoiceNumber } = await pay(t, order);
    const get = (format: string) =>
      t.inject({
        method: 'GET',
        url: `/api/v1/shop/orders/${order.id}/invoice?format=${format}`,
        headers: practice.headers,
      });
    return { order, invoiceNumber, get };
  }

  it('zero-rates an Austrian practice with a confirmed VAT ID: the note on the PDF and a valid XRechnung (CII)', async () => {
    const { invoiceNumber, get } = await paidBusinessOrder(
      { companyName: 'Hautarztpraxis Dr. Huber', country: 'AT', vatId: 'ATU12345678' },
      VIENNA_PRACTICE,
      [
        { sku: 'INV-DEVICE', quantity: 1 },
        { sku: 'INV-BOOK', quantity: 2 },
      ],
    );
    const pdf = await get('pdf');
    expect(pdf.statusCode).toBe(200);
    const { text } = await pdfText(pdf.rawPayload);
    expect(text).toContain('Hautarztpraxis Dr. Huber');
    expect(text).toContain('USt-IdNr. des Leistungsempfängers / Buyer VAT ID: ATU12345678');
    expect(text).toContain('Steuerfreie innergemeinschaftliche Lieferung (§ 4 Nr. 1 Buchst. b, § 6a UStG)');
    expect(text).toContain('Nettobetrag zu 0 % / Net at 0 %: 1.200,00 EUR');
    expect(text).toContain('Umsatzsteuer 0 % / VAT 0 %: 0,00 EUR');

    const response = await get('xrechnung');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/xml');
    const xml = response.body;
    expect(await ciiSchemaErrors(xml)).toEqual([]);
    // XRechnung 3.0, CII syntax; the invoice number and type.
    expect(
      elements(
        xml,
        'rsm:ExchangedDocumentContext',
        'ram:GuidelineSpecifiedDocumentContextParameter',
        'ram:ID',
      ),
    ).toEqual(['urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0']);
    expect(elements(xml, 'rsm:ExchangedDocument', 'ram:ID')).toEqual([invoiceNumber]);
    expect(elements(xml, 'rsm:ExchangedDocument', 'ram:TypeCode')).toEqual(['380']);
    // BT-95/BT-118 and the lines' BT-151: category K (intra-community supply) at 0 %.
    const settlement = elements(xml, 'ram:ApplicableHeaderTradeSettlement')[0];
    const taxes = elements(settlement, 'ram:ApplicableTradeTax');
    expect(taxes).toHaveLength(1);
    expect(elements(taxes[0], 'ram:CategoryCode')).toEqual(['K']);
    expect(elements(taxes[0], 'ram:RateApplicablePercent').map(Number)).toEqual([0]);
    expect(elements(taxes[0], 'ram:CalculatedAmount').map(Number)).toEqual([0]);
    // BR-IC-10: the exemption reason, code and text.
    expect(elements(taxes[0], 'ram:ExemptionReasonCode')).toEqual(['VATEX-EU-IC']);
    expect(elements(taxes[0], 'ram:ExemptionReason')[0]).toContain(
      'Steuerfreie innergemeinschaftliche Lieferung',
    );
    const lineTaxes = elements(xml, 'ram:SpecifiedLineTradeSettlement', 'ram:ApplicableTradeTax');
    expect(lineTaxes.length).toBeGreaterThanOrEqual(2);
    for (const tax of lineTaxes) {
      expect(elements(tax, 'ram:CategoryCode')).toEqual(['K']);
      expect(Number(elements(tax, 'ram:RateApplicablePercent')[0])).toBe(0);
    }
    // BR-IC-02, BR-IC-12: both VAT IDs, and the country of delivery.
    expect(elements(xml, 'ram:SellerTradeParty', 'ram:SpecifiedTaxRegistration', 'ram:ID')).toContain(
      'DE123456789',
    );
    expect(elements(xml, 'ram:BuyerTradeParty', 'ram:SpecifiedTaxRegistration', 'ram:ID')).toEqual([
      'ATU12345678',
    ]);
    expect(elements(xml, 'ram:ShipToTradeParty', 'ram:CountryID')).toEqual(['AT']);
    // BR-CO-10, 13, 15, 16: the sums.
    const totals = elements(settlement, 'ram:SpecifiedTradeSettlementHeaderMonetarySummation')[0];
    const lineNets = elements(
      xml,
      'ram:SpecifiedTradeSettlementLineMonetarySummation',
      'ram:LineTotalAmount',
    );
    const [lineTotal] = elements(totals, 'ram:LineTotalAmount');
    expect(cents(lineNets)).toBe(cents([lineTotal]));
    // Net prices: 1,000.00 and 2 × 100.00; shipping is free above the threshold.
    expect(cents([lineTotal])).toBe(120_000);
    const [taxBasis] = elements(totals, 'ram:TaxBasisTotalAmount');
    const [taxTotal] = elements(totals, 'ram:TaxTotalAmount');
    const [grandTotal] = elements(totals, 'ram:GrandTotalAmount');
    const [prepaid] = elements(totals, 'ram:TotalPrepaidAmount');
    const [due] = elements(totals, 'ram:DuePayableAmount');
    expect(cents([taxBasis])).toBe(cents([lineTotal]));
    expect(cents([grandTotal])).toBe(cents([taxBasis]) + cents([taxTotal]));
    expect(cents([due])).toBe(cents([grandTotal]) - cents([prepaid]));
    expect(cents(elements(taxes[0], 'ram:BasisAmount'))).toBe(cents([taxBasis]));
  });

  it('issues the same invoice as Factur-X: a PDF/A-3 that opens, with the CII embedded', async () => {
    const { invoiceNumber, get } = await paidBusinessOrder(
      { companyName: 'Praxis Dr. Gruber', country: 'AT', vatId: 'ATU12345670' },
      { ...VIENNA_PRACTICE, company: 'Praxis Dr. Gruber' },
      [{ sku: 'INV-BOOK', quantity: 2 }],
    );
    const response = await get('factur-x');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const bytes = response.rawPayload;
    // It opens and shows the invoice.
    expect((await pdfText(bytes)).text).toContain(invoiceNumber);
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const document = await pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
    const attachments = (await document.getAttachments()) as Record<
      string,
      { filename: string; content: Uint8Array }
    >;
    const metadata = await document.getMetadata();
    await document.destroy();
    const embedded = Object.values(attachments).find((a) => a.filename === 'factur-x.xml');
    expect(embedded).toBeDefined();
    const xml = new TextDecoder().decode(embedded?.content);
    expect(await ciiSchemaErrors(xml)).toEqual([]);
    expect(elements(xml, 'rsm:ExchangedDocument', 'ram:ID')).toEqual([invoiceNumber]);
    // PDF/A-3 (XMP pdfaid:part 3) with the Factur-X extension schema.
    const xmp = metadata.metadata?.getAll() ?? {};
    expect(xmp['pdfaid:part']).toBe('3');
    expect(JSON.stringify(xmp)).toContain('factur-x.xml');
    // Archived like the PDF, with its hash.
    const { rows } = await t.db.query<{ format: string; sha256: string }>(
      `select format, sha256 from invoice_document where number = $1 order by format`,
      [invoiceNumber],
    );
    expect(rows.map((r) => r.format)).toEqual(['factur-x', 'pdf', 'xrechnung-cii']);
  });

  it('issues a business customer’s credit note as an e-invoice too: type 381, negative amounts, naming the invoice', async () => {
    const { order, invoiceNumber } = await paidBusinessOrder(
      { companyName: 'Praxis Dr. Leitner', country: 'AT', vatId: 'ATU12345671' },
      { ...VIENNA_PRACTICE, company: 'Praxis Dr. Leitner' },
      [{ sku: 'INV-DEVICE', quantity: 1 }],
    );
    const admin = await createStaff(t, 'admin');
    const refund = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/orders/${order.id}/transitions`,
      headers: admin.headers,
      payload: { to: 'refunded', reason: 'device faulty' },
    });
    expect(refund.statusCode).toBe(200);
    const listing = await t.inject({
      method: 'GET',
      url: `/api/v1/admin/orders/${order.id}/documents`,
      headers: admin.headers,
    });
    const credits = listing
      .json<{ documents: { kind: string; number: string; format: string }[] }>()
      .documents.filter((d) => d.kind === 'credit-note');
    expect(credits.map((d) => d.format)).toEqual(['factur-x', 'pdf', 'xrechnung-cii']);
    const xml = (
      await t.inject({
        method: 'GET',
        url: `/api/v1/admin/orders/${order.id}/credit-notes/${credits[0].number}?format=xrechnung`,
        headers: admin.headers,
      })
    ).body;
    expect(await ciiSchemaErrors(xml)).toEqual([]);
    expect(elements(xml, 'rsm:ExchangedDocument', 'ram:TypeCode')).toEqual(['381']);
    // The corrected invoice, in a note (BT-22): the library drops BT-25 from CII (see e-invoice.ts).
    expect(elements(xml, 'ram:IncludedNote', 'ram:Content')[0]).toContain(
      `Corrects invoice ${invoiceNumber}`,
    );
    const totals = elements(xml, 'ram:SpecifiedTradeSettlementHeaderMonetarySummation')[0];
    expect(elements(totals, 'ram:GrandTotalAmount').map(Number)).toEqual([-1000]);
    expect(elements(totals, 'ram:DuePayableAmount').map(Number)).toEqual([-1000]);
    expect(
      elements(xml, 'ram:ApplicableHeaderTradeSettlement', 'ram:ApplicableTradeTax', 'ram:CategoryCode'),
    ).toEqual(['K']);
  });

  it('renders through the job the payment enqueued, and no e-invoice for a consumer (the PDF only)', async () => {
    const placed = await placeOrder(
      t,
      orderBody([{ sku: 'INV-BOOK', quantity: 1 }], {
        email: 'erika@example.org',
        deliveryAddress: BERLIN_CONSUMER,
      }),
    );
    const order = placed.json<{ id: string; totalCents: number; accessToken: string }>();
    await pay(t, order);
    // The payment's transaction enqueued the render job (workers are off in tests: run it here).
    const jobs = await t.db.query<{ data: DocumentRef }>(
      `select data from pgboss.job where name = $1 and data->>'orderId' = $2`,
      [RENDER_JOB, order.id],
    );
    expect(jobs.rows.map((j) => j.data)).toEqual([{ kind: 'invoice', orderId: order.id }]);
    expect(await t.app.get(InvoiceDocuments).ensure(jobs.rows[0].data)).toBe(true);
    const { rows } = await t.db.query('select format from invoice_document where order_id = $1', [order.id]);
    expect(rows).toEqual([{ format: 'pdf' }]);
    // A second run (a retried job) changes nothing.
    expect(await t.app.get(InvoiceDocuments).ensure(jobs.rows[0].data)).toBe(true);
    expect(
      (await t.db.query('select 1 from invoice_document where order_id = $1', [order.id])).rowCount,
    ).toBe(1);
  });
});
