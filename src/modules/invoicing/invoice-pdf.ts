import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { formatRate } from '../vat/index.js';
import type { DocumentModel } from './document-model.js';

const require = createRequire(import.meta.url);
/** DejaVu Sans: embedded, so that ä, ß, € and § print and the text can be extracted (ToUnicode). */
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

/** "1.190,00 EUR": an amount as a German invoice prints it. */
export function money(cents: number, currency: string): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.trunc(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${sign}${whole},${String(abs % 100).padStart(2, '0')} ${currency}`;
}

/** "06.12.2026" in the shop's time zone. */
export function germanDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('de-DE', {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(at);
}

/** "12/2026": the calendar month of the supply (§ 31(4) UStDV allows it as the delivery date). */
export function supplyMonth(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('de-DE', { timeZone, month: '2-digit', year: 'numeric' }).format(at);
}

const PAYMENT_METHODS: Record<string, string> = {
  card: 'Kreditkarte / card',
  paypal: 'PayPal',
  sepa_debit: 'SEPA-Lastschrift / SEPA direct debit',
  invoice: 'Rechnung / bank transfer',
};

/**
 * Renders an invoice or credit note as a PDF with every field § 14(4) UStG asks for, in German with
 * the English words beside them. `timeZone` is the shop's (dates as the seller's books keep them).
 */
export function renderDocumentPdf(model: DocumentModel, timeZone: string): Promise<Buffer> {
  const credit = model.kind === 'credit-note';
  // Not "Gutschrift": in German VAT law that is a self-billed invoice (§ 14(2) UStG), not a correction.
  const title = credit ? 'Rechnungskorrektur / Credit note' : 'Rechnung / Invoice';
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: {
      Title: `${credit ? 'Rechnungskorrektur' : 'Rechnung'} ${model.number}`,
      Author: model.seller.name,
      Subject: `${title} ${model.number}`,
      CreationDate: model.issuedAt,
      ModDate: model.issuedAt,
    },
  });
  doc.registerFont('body', FONT);
  doc.registerFont('bold', FONT_BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const money_ = (cents: number) => money(cents, model.currency);
  const s = model.seller;

  // Seller (§ 14(4) Nr. 1, 2).
  doc.font('bold').fontSize(12).text(s.name);
  doc.font('body').fontSize(9);
  doc.text(`${s.street}, ${s.postalCode} ${s.city}, Deutschland`);
  doc.text(`USt-IdNr. / VAT ID: ${s.vatId}`);
  if (s.taxNumber) doc.text(`Steuernummer / Tax number: ${s.taxNumber}`);
  doc.text(`E-Mail: ${s.email}`);
  doc.moveDown();

  // Buyer (§ 14(4) Nr. 1; § 14a: the VAT ID of a business in another member state).
  const b = model.buyer;
  doc.font('bold').text('Rechnungsempfänger / Bill to');
  doc.font('body').text(b.name);
  if (b.contact) doc.text(b.contact);
  doc.text(b.street);
  if (b.addressLine2) doc.text(b.addressLine2);
  doc.text(`${b.postalCode} ${b.city}`);
  doc.text(b.country);
  if (b.vatId) doc.text(`USt-IdNr. des Leistungsempfängers / Buyer VAT ID: ${b.vatId}`);
  doc.moveDown();

  doc.font('bold').fontSize(14).text(title);
  doc.font('body').fontSize(9);
  doc.text(
    `${credit ? 'Nummer der Rechnungskorrektur / Credit note no.' : 'Rechnungsnummer / Invoice no.'}: ${model.number}`,
  );
  doc.text(`Rechnungsdatum / Date of issue: ${germanDate(model.issuedAt, timeZone)}`);
  if (model.corrects) {
    doc.text(
      `Korrektur der Rechnung / Corrects invoice ${model.corrects.number} vom ${germanDate(model.corrects.issuedAt, timeZone)}`,
    );
    doc.text(`Grund / Reason: ${model.corrects.reason}`);
  }
  doc.text(
    `Lieferdatum / Date of supply: ${supplyMonth(model.corrects?.issuedAt ?? model.issuedAt, timeZone)} ` +
      '(Kalendermonat der Lieferung, § 31 Abs. 4 UStDV)',
  );
  doc.text(`Bestellung / Order: ${model.orderNumber}`);
  if (model.deliveryCountry) doc.text(`Lieferland / Country of delivery: ${model.deliveryCountry}`);
  doc.text(`Zahlungsart / Payment: ${PAYMENT_METHODS[model.paymentMethod] ?? model.paymentMethod}`);
  doc.moveDown();

  // Lines (§ 14(4) Nr. 5): quantity and description; net amounts and rate per line.
  const cols = { pos: 50, text: 75, qty: 265, unit: 305, rate: 385, net: 430, vat: 495 };
  const header = (y: number) => {
    doc.font('bold');
    doc.text('Pos.', cols.pos, y);
    doc.text('Beschreibung / Description', cols.text, y, { width: 185 });
    doc.text('Menge', cols.qty, y, { width: 35, align: 'right' });
    doc.text('Einzelpreis netto', cols.unit, y, { width: 75, align: 'right' });
    doc.text('USt', cols.rate, y, { width: 40, align: 'right' });
    doc.text('Netto', cols.net, y, { width: 60, align: 'right' });
    doc.text('USt-Betrag', cols.vat, y, { width: 50, align: 'right' });
    doc.font('body');
  };
  header(doc.y);
  doc.moveDown(0.5);
  for (const line of model.lines) {
    if (doc.y > 720) {
      doc.addPage();
      header(doc.y);
      doc.moveDown(0.5);
    }
    const y = doc.y;
    doc.text(String(line.position), cols.pos, y);
    doc.text(`${line.description} (${line.sku})`, cols.text, y, { width: 185 });
    const after = doc.y;
    doc.text(String(line.quantity), cols.qty, y, { width: 35, align: 'right' });
    doc.text(money_(line.unitNetCents), cols.unit, y, { width: 75, align: 'right' });
    doc.text(formatRate(line.vatRateBp), cols.rate, y, { width: 40, align: 'right' });
    doc.text(money_(line.netCents), cols.net, y, { width: 60, align: 'right' });
    doc.text(money_(line.vatCents), cols.vat, y, { width: 50, align: 'right' });
    doc.y = Math.max(after, doc.y);
    doc.moveDown(0.3);
  }
  doc.moveDown();

  // Net per rate, VAT rate and amount per rate (§ 14(4) Nr. 7, 8), totals.
  doc.x = 50;
  doc.font('bold').text('Zusammenfassung nach Steuersätzen / VAT summary', 50);
  doc.font('body');
  for (const rate of model.rates) {
    doc.text(
      `Nettobetrag zu ${formatRate(rate.vatRateBp)} / Net at ${formatRate(rate.vatRateBp)}: ${money_(rate.netCents)}` +
        ` | Umsatzsteuer ${formatRate(rate.vatRateBp)} / VAT ${formatRate(rate.vatRateBp)}: ${money_(rate.vatCents)}`,
      50,
    );
  }
  doc.moveDown(0.5);
  doc.text(`Summe netto / Total net: ${money_(model.netCents)}`, 50);
  doc.text(`Summe Umsatzsteuer / Total VAT: ${money_(model.vatCents)}`, 50);
  doc.font('bold').text(`Gesamtbetrag / Total: ${money_(model.grossCents)}`, 50);
  doc.font('body');
  if (model.vatRegime === 'oss' || model.vatCountry !== 'DE') {
    doc.text(`Umsatzsteuer des Staates / VAT of: ${model.vatCountry}`, 50);
  }
  doc.moveDown();

  // Statutory notes (§ 14(4) Nr. 8, § 14a UStG).
  for (const note of model.notes) doc.text(note, 50);
  if (!credit) {
    doc.moveDown(0.5);
    doc.text(
      model.paid
        ? 'Der Betrag ist bezahlt. / Paid in full.'
        : 'Zahlbar ohne Abzug unter Angabe der Rechnungsnummer. / Payable without deduction, quoting the invoice number.',
      50,
    );
    if (s.iban && !model.paid) doc.text(`Bankverbindung / Bank account: IBAN ${s.iban}`, 50);
  }
  doc.end();
  return done;
}
