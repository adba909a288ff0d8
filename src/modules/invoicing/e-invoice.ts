import { InvoiceService, type Invoice, type Logger } from '@e-invoice-eu/core';
import type { DocumentModel, VatCategoryCode } from './document-model.js';

/**
 * Electronic address schemes (EAS, CEF code list) of VAT IDs by country: the buyer's electronic
 * address (BT-49, mandatory in XRechnung) is their VAT ID where the list has a scheme for it.
 */
const VAT_ID_SCHEMES: Record<string, string> = {
  AT: '9914',
  BE: '9925',
  BG: '9926',
  CY: '9928',
  CZ: '9929',
  DE: '9930',
  EE: '9931',
  FR: '9957',
  GR: '9933',
  HR: '9934',
  IE: '9935',
  LU: '9938',
  LV: '9939',
  MT: '9943',
  NL: '9944',
  PL: '9945',
  PT: '9946',
  RO: '9947',
  SI: '9949',
  SK: '9950',
  SM: '9951',
  HU: '9910',
  IT: '0211',
  ES: '9920',
};

/** UNTDID 4461 payment means; a card, PayPal or direct debit was already settled: "mutually defined". */
const PAYMENT_MEANS: Record<string, string> = { invoice: '58' };

const amount = (cents: number): string => (cents / 100).toFixed(2);
const percent = (bp: number): string => (bp / 100).toFixed(2);

/** "2026-12-06" in the shop's time zone. */
const isoDate = (at: Date, timeZone: string): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    at,
  );

/** The calendar month of `at` in the shop's time zone, as the invoicing period (BG-14). */
function monthOf(at: Date, timeZone: string): { start: string; end: string } {
  const [year, month] = isoDate(at, timeZone).split('-').map(Number);
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const mm = String(month).padStart(2, '0');
  return { start: `${year}-${mm}-01`, end: `${year}-${mm}-${String(last).padStart(2, '0')}` };
}

export interface EInvoiceOptions {
  timeZone: string;
  /** BT-42: XRechnung asks for the seller contact's telephone (BR-DE-6); left out when unset. */
  sellerPhone: string | null;
}

/**
 * The invoice or credit note as EN 16931 data, in @e-invoice-eu/core's internal format (UBL element names as
 * JSON). Built from the same model as the PDF, so both carry the same amounts. An invoice issued
 * when its order was paid is prepaid (BT-113) with nothing due (BT-115); one issued on release of an
 * order on invoice has the total due.
 */
export function eInvoiceData(model: DocumentModel, options: EInvoiceOptions): Invoice {
  const credit = model.kind === 'credit-note';
  // BT-25 below is the reference; @e-invoice-eu/core 2.3.4 drops it from CII (its mapping reads the
  // ID one level too high), so the corrected invoice is named in a note as well.
  const notes = model.corrects
    ? [
        `Rechnungskorrektur zu Rechnung ${model.corrects.number} / Corrects invoice ${model.corrects.number}`,
        ...model.notes,
      ]
    : model.notes;
  const { seller, buyer } = model;
  const currency = model.currency;
  const category = (code: VatCategoryCode, rateBp: number, withExemption: boolean) => ({
    'cbc:ID': code,
    'cbc:Percent': percent(rateBp),
    ...(withExemption && model.exemption
      ? {
          'cbc:TaxExemptionReasonCode': model.exemption.code,
          'cbc:TaxExemptionReason': model.exemption.reason,
        }
      : {}),
    'cac:TaxScheme': { 'cbc:ID': 'VAT' },
  });
  const period = monthOf(model.issuedAt, options.timeZone);
  const buyerScheme = buyer.vatId ? VAT_ID_SCHEMES[buyer.vatId.slice(0, 2)] : undefined;
  const address = (a: {
    street: string;
    addressLine2?: string | null;
    city: string;
    postalCode: string;
    country: string;
  }) => ({
    'cbc:StreetName': a.street,
    ...(a.addressLine2 ? { 'cbc:AdditionalStreetName': a.addressLine2 } : {}),
    'cbc:CityName': a.city,
    'cbc:PostalZone': a.postalCode,
    'cac:Country': { 'cbc:IdentificationCode': a.country },
  });
  const data = {
    'ubl:Invoice': {
      'cbc:ID': model.number,
      'cbc:IssueDate': isoDate(model.issuedAt, options.timeZone),
      // 381: credit note, with negative quantities and amounts and the corrected invoice as BT-25.
      'cbc:InvoiceTypeCode': credit ? '381' : '380',
      ...(notes.length > 0 ? { 'cbc:Note': notes } : {}),
      'cbc:DocumentCurrencyCode': currency,
      'cbc:BuyerReference': model.orderNumber,
      'cac:InvoicePeriod': { 'cbc:StartDate': period.start, 'cbc:EndDate': period.end },
      'cac:OrderReference': { 'cbc:ID': model.orderNumber },
      ...(model.corrects
        ? {
            'cac:BillingReference': [
              {
                'cac:InvoiceDocumentReference': {
                  'cbc:ID': model.corrects.number,
                  'cbc:IssueDate': isoDate(model.corrects.issuedAt, options.timeZone),
                },
              },
            ],
          }
        : {}),
      'cac:AccountingSupplierParty': {
        'cac:Party': {
          'cbc:EndpointID': seller.email,
          'cbc:EndpointID@schemeID': 'EM',
          'cac:PartyName': { 'cbc:Name': seller.name },
          'cac:PostalAddress': address({ ...seller }),
          'cac:PartyTaxScheme': [
            { 'cbc:CompanyID': seller.vatId, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } },
            ...(seller.taxNumber
              ? [{ 'cbc:CompanyID': seller.taxNumber, 'cac:TaxScheme': { 'cbc:ID': 'FC' } }]
              : []),
          ],
          'cac:PartyLegalEntity': { 'cbc:RegistrationName': seller.name },
          'cac:Contact': {
            'cbc:Name': seller.name,
            ...(options.sellerPhone ? { 'cbc:Telephone': options.sellerPhone } : {}),
            'cbc:ElectronicMail': seller.email,
          },
        },
      },
      'cac:AccountingCustomerParty': {
        'cac:Party': {
          ...(buyer.vatId && buyerScheme
            ? { 'cbc:EndpointID': buyer.vatId, 'cbc:EndpointID@schemeID': buyerScheme }
            : {}),
          'cac:PostalAddress': address(buyer),
          ...(buyer.vatId
            ? { 'cac:PartyTaxScheme': { 'cbc:CompanyID': buyer.vatId, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } } }
            : {}),
          'cac:PartyLegalEntity': { 'cbc:RegistrationName': buyer.name },
          ...(buyer.contact ? { 'cac:Contact': { 'cbc:Name': buyer.contact } } : {}),
        },
      },
      'cac:Delivery': {
        'cac:DeliveryLocation': {
          'cac:Address': {
            'cac:Country': { 'cbc:IdentificationCode': model.deliveryCountry ?? buyer.country },
          },
        },
      },
      'cac:PaymentMeans': [
        {
          'cbc:PaymentMeansCode':
            PAYMENT_MEANS[model.paymentMethod] && seller.iban ? PAYMENT_MEANS[model.paymentMethod] : 'ZZZ',
          'cbc:PaymentID': model.number,
          ...(PAYMENT_MEANS[model.paymentMethod] && seller.iban
            ? { 'cac:PayeeFinancialAccount': { 'cbc:ID': seller.iban.replace(/\s/g, '') } }
            : {}),
        },
      ],
      'cac:PaymentTerms': {
        'cbc:Note': credit
          ? 'Erstattung auf das Zahlungsmittel der Bestellung / Refunded to the payment method of the order.'
          : model.paid
            ? 'Bezahlt / Paid in full.'
            : 'Zahlbar ohne Abzug / Payable without deduction.',
      },
      'cac:TaxTotal': [
        {
          'cbc:TaxAmount': amount(model.vatCents),
          'cbc:TaxAmount@currencyID': currency,
          'cac:TaxSubtotal': model.rates.map((rate) => ({
            'cbc:TaxableAmount': amount(rate.netCents),
            'cbc:TaxableAmount@currencyID': currency,
            'cbc:TaxAmount': amount(rate.vatCents),
            'cbc:TaxAmount@currencyID': currency,
            'cac:TaxCategory': category(model.categoryCode, rate.vatRateBp, true),
          })),
        },
      ],
      'cac:LegalMonetaryTotal': {
        'cbc:LineExtensionAmount': amount(model.netCents),
        'cbc:LineExtensionAmount@currencyID': currency,
        'cbc:TaxExclusiveAmount': amount(model.netCents),
        'cbc:TaxExclusiveAmount@currencyID': currency,
        'cbc:TaxInclusiveAmount': amount(model.grossCents),
        'cbc:TaxInclusiveAmount@currencyID': currency,
        // Paid when issued: nothing due; issued on release (invoice, direct debit): the total is due; a
        // credit note's amount is owed to the buyer (the refund).
        'cbc:PrepaidAmount': amount(model.paid && !credit ? model.grossCents : 0),
        'cbc:PrepaidAmount@currencyID': currency,
        'cbc:PayableAmount': amount(model.paid && !credit ? 0 : model.grossCents),
        'cbc:PayableAmount@currencyID': currency,
      },
      'cac:InvoiceLine': model.lines.map((line) => ({
        'cbc:ID': String(line.position),
        'cbc:InvoicedQuantity': String(line.quantity),
        'cbc:InvoicedQuantity@unitCode': 'H87',
        'cbc:LineExtensionAmount': amount(line.netCents),
        'cbc:LineExtensionAmount@currencyID': currency,
        'cac:Item': {
          'cbc:Name': line.description,
          'cac:SellersItemIdentification': { 'cbc:ID': line.sku },
          'cac:ClassifiedTaxCategory': category(model.categoryCode, line.vatRateBp, false),
        },
        'cac:Price': {
          'cbc:PriceAmount': amount(line.unitNetCents),
          'cbc:PriceAmount@currencyID': currency,
        },
      })),
    },
  };
  // The library's types are generated from its JSON schema; the object above follows that schema
  // and the library validates it at generate() (a mismatch throws there, in the issuing transaction).
  return data as unknown as Invoice;
}

/** Library messages go to the application log without invoice content (no names, no amounts). */
const quietLogger = (warnings: string[]): Logger => ({
  log: () => undefined,
  warn: (m) => warnings.push(m),
  error: (m) => warnings.push(m),
});

export interface EInvoices {
  /** XRechnung 3.0, CII syntax. */
  xrechnung: Buffer;
  /** Factur-X / ZUGFeRD, profile EN 16931: the PDF as PDF/A-3 with the CII XML embedded. */
  facturX: Buffer;
}

/** Renders the e-invoices of `model` through @e-invoice-eu/core. */
export async function renderEInvoices(
  model: DocumentModel,
  pdf: Buffer,
  options: EInvoiceOptions,
): Promise<EInvoices> {
  const warnings: string[] = [];
  const service = new InvoiceService(quietLogger(warnings));
  const data = eInvoiceData(model, options);
  const xml = await service.generate(data, { format: 'XRECHNUNG-CII', lang: 'de-de', noWarnings: true });
  const facturX = await service.generate(data, {
    format: 'Factur-X-EN16931',
    lang: 'de-de',
    noWarnings: true,
    pdf: { buffer: new Uint8Array(pdf), filename: `${model.number}.pdf`, mimetype: 'application/pdf' },
  });
  return {
    xrechnung: Buffer.from(typeof xml === 'string' ? xml : new TextDecoder().decode(xml), 'utf8'),
    facturX: Buffer.from(facturX),
  };
}
