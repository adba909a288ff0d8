import type { InvoiceRecord } from '../orders/index.js';

/** The seller as every document names it (§ 14(4) Nr. 1, 2 UStG), from the configuration. */
export interface Seller {
  name: string;
  street: string;
  postalCode: string;
  city: string;
  country: string;
  vatId: string;
  taxNumber: string | null;
  email: string;
  iban: string | null;
}

export interface Buyer {
  /** The company (business customers) or the person's name. */
  name: string;
  /** The contact person when the buyer is a company. */
  contact: string | null;
  street: string;
  addressLine2: string | null;
  postalCode: string;
  city: string;
  country: string;
  vatId: string | null;
}

export interface DocumentLine {
  position: number;
  sku: string;
  description: string;
  quantity: number;
  /** Net unit price; for gross-priced lines the net amount divided by the quantity, rounded. */
  unitNetCents: number;
  netCents: number;
  vatRateBp: number;
  vatCents: number;
}

export interface RateTotal {
  vatRateBp: number;
  netCents: number;
  vatCents: number;
}

/** EN 16931 VAT category (UNTDID 5305) of the document's lines. */
export type VatCategoryCode = 'S' | 'K' | 'G' | 'Z';

/**
 * Everything a rendered document shows, computed once: the PDF, the XRechnung and the Factur-X are
 * renderings of the same model, so their amounts cannot disagree.
 */
export interface DocumentModel {
  kind: 'invoice' | 'credit-note';
  number: string;
  issuedAt: Date;
  orderId: string;
  orderNumber: string;
  subjectId: string;
  currency: string;
  paymentMethod: string;
  /** Whether the order was paid when the invoice was issued (else the total is due). */
  paid: boolean;
  seller: Seller;
  buyer: Buyer;
  /** Whether the buyer is a business (net prices): decides whether an e-invoice is issued. */
  business: boolean;
  vatRegime: string;
  /** The state whose VAT applies (OSS: the destination). */
  vatCountry: string;
  deliveryCountry: string | null;
  categoryCode: VatCategoryCode;
  /** VATEX code and text of an exempt delivery. */
  exemption: { code: string; reason: string } | null;
  lines: DocumentLine[];
  rates: RateTotal[];
  netCents: number;
  vatCents: number;
  grossCents: number;
  /** Statutory notes (exemption, OSS), printed as they are. */
  notes: string[];
  /** A credit note: the invoice it corrects, and why. */
  corrects: { number: string; issuedAt: Date; reason: string } | null;
}

const EXEMPTIONS: Record<string, { category: VatCategoryCode; code: string }> = {
  'intra-eu-supply': { category: 'K', code: 'VATEX-EU-IC' },
  export: { category: 'G', code: 'VATEX-EU-G' },
};

/** The note on an OSS delivery: the destination's VAT, declared through the One-Stop-Shop. */
export function ossNote(country: string): string {
  return (
    `Lieferung an Nichtunternehmer in ${country}: besteuert im Bestimmungsland (§ 3c UStG), ` +
    `erklärt im One-Stop-Shop-Verfahren (§ 18j UStG). Distance sale taxed in ${country} (OSS).`
  );
}

function buyerOf(invoice: InvoiceRecord): Buyer {
  const a = invoice.billingAddress;
  const person = `${a.firstName} ${a.lastName}`.trim();
  return {
    name: a.company ?? person,
    contact: a.company ? person : null,
    street: [a.street, a.houseNumber].filter(Boolean).join(' '),
    addressLine2: a.addressLine2,
    postalCode: a.postalCode,
    city: a.city,
    country: a.country,
    vatId: invoice.charges.buyerVatId,
  };
}

/** The lines of an invoice as issued, net, with the shipping charge as the last line. */
function invoiceLines(invoice: InvoiceRecord): DocumentLine[] {
  const gross = invoice.charges.pricesIncludeVat;
  const lines: DocumentLine[] = invoice.lines.map((line) => {
    const netCents = gross ? line.lineTotalCents - line.vatCents : line.lineTotalCents;
    return {
      position: line.lineNo,
      sku: line.sku,
      description: line.name,
      quantity: line.quantity,
      unitNetCents: gross ? Math.round(netCents / line.quantity) : line.unitPriceCents,
      netCents,
      vatRateBp: line.vatRateBp,
      vatCents: line.vatCents,
    };
  });
  const shipping = invoice.charges.shipping;
  if (shipping && shipping.amountCents > 0) {
    const netCents = gross ? shipping.amountCents - shipping.vatCents : shipping.amountCents;
    lines.push({
      position: Math.max(0, ...lines.map((l) => l.position)) + 1,
      sku: SHIPPING_SKU,
      description: shipping.method ? `Versand / Shipping (${shipping.method})` : 'Versand / Shipping',
      quantity: 1,
      unitNetCents: netCents,
      netCents,
      vatRateBp: shipping.vatRateBp,
      vatCents: shipping.vatCents,
    });
  }
  return lines;
}

/** Net and VAT per rate, highest rate first. */
export function rateTotals(lines: readonly DocumentLine[]): RateTotal[] {
  const byRate = new Map<number, RateTotal>();
  for (const line of lines) {
    const total = byRate.get(line.vatRateBp) ?? { vatRateBp: line.vatRateBp, netCents: 0, vatCents: 0 };
    total.netCents += line.netCents;
    total.vatCents += line.vatCents;
    byRate.set(line.vatRateBp, total);
  }
  return [...byRate.values()].sort((a, b) => b.vatRateBp - a.vatRateBp);
}

function withTotals(
  base: Omit<DocumentModel, 'rates' | 'netCents' | 'vatCents' | 'grossCents'>,
): DocumentModel {
  const rates = rateTotals(base.lines);
  const netCents = rates.reduce((sum, r) => sum + r.netCents, 0);
  const vatCents = rates.reduce((sum, r) => sum + r.vatCents, 0);
  return { ...base, rates, netCents, vatCents, grossCents: netCents + vatCents };
}

/** The model of an issued invoice. Throws when the lines do not add up to the stored totals. */
export function invoiceModel(invoice: InvoiceRecord, seller: Seller): DocumentModel {
  const regime = invoice.charges.vatRegime;
  const exemption = EXEMPTIONS[regime];
  const notes: string[] = [];
  if (invoice.charges.vatNote) notes.push(invoice.charges.vatNote);
  if (regime === 'oss') notes.push(ossNote(invoice.charges.vatCountry));
  const model = withTotals({
    kind: 'invoice',
    number: invoice.number,
    issuedAt: invoice.issuedAt,
    orderId: invoice.orderId,
    orderNumber: invoice.orderNumber,
    subjectId: invoice.subjectId,
    currency: invoice.currency,
    paymentMethod: invoice.paymentMethod,
    // Paid in the issuing transaction (same timestamp) or before: nothing is due.
    paid: invoice.orderPaidAt !== null && invoice.orderPaidAt.getTime() <= invoice.issuedAt.getTime(),
    seller,
    buyer: buyerOf(invoice),
    business: !invoice.charges.pricesIncludeVat,
    vatRegime: regime,
    vatCountry: invoice.charges.vatCountry,
    deliveryCountry: invoice.deliveryCountry,
    categoryCode: exemption?.category ?? 'S',
    exemption: exemption
      ? { code: exemption.code, reason: invoice.charges.vatNote ?? 'Steuerfreie Lieferung' }
      : null,
    lines: invoiceLines(invoice),
    notes,
    corrects: null,
  });
  if (model.netCents !== invoice.subtotalCents || model.vatCents !== invoice.vatCents) {
    throw new Error(
      `invoice ${invoice.number}: lines add up to ${model.netCents}+${model.vatCents}, ` +
        `the invoice says ${invoice.subtotalCents}+${invoice.vatCents}`,
    );
  }
  return model;
}

/**
 * What a credit note credits, as the orders module asks for it: lines with quantities and their
 * gross amounts (the money refunded) and VAT, and the delivery charge likewise.
 */
export interface Credited {
  lines: { lineNo: number; quantity: number; amountCents: number; vatCents: number }[];
  shipping: { amountCents: number; vatCents: number } | null;
}

export const SHIPPING_SKU = 'SHIPPING';

/** The part of `invoice` that `previous` credit notes have not credited yet; null when nothing is left. */
export function uncredited(invoice: DocumentModel, previous: readonly Credited[]): Credited | null {
  const sum = (pick: (c: Credited) => number) => previous.reduce((total, c) => total + pick(c), 0);
  const lines: Credited['lines'] = [];
  let shipping: Credited['shipping'] = null;
  for (const line of invoice.lines) {
    if (line.sku === SHIPPING_SKU) {
      const vat = line.vatCents - sum((c) => c.shipping?.vatCents ?? 0);
      const gross = line.netCents + line.vatCents - sum((c) => c.shipping?.amountCents ?? 0);
      if (gross !== 0 || vat !== 0) shipping = { amountCents: gross, vatCents: vat };
      continue;
    }
    const of = (c: Credited) => c.lines.filter((l) => l.lineNo === line.position);
    const quantity = line.quantity - sum((c) => of(c).reduce((n, l) => n + l.quantity, 0));
    const vatCents = line.vatCents - sum((c) => of(c).reduce((n, l) => n + l.vatCents, 0));
    const amountCents =
      line.netCents + line.vatCents - sum((c) => of(c).reduce((n, l) => n + l.amountCents, 0));
    if (quantity > 0 || amountCents !== 0 || vatCents !== 0)
      lines.push({ lineNo: line.position, quantity, amountCents, vatCents });
  }
  return lines.length > 0 || shipping ? { lines, shipping } : null;
}

/**
 * The model of a credit note correcting `invoice`: the whole invoice (`credited` null), or the lines
 * and delivery charge credited, all negative.
 */
export function creditNoteModel(
  invoice: DocumentModel,
  credit: { number: string; issuedAt: Date; reason: string },
  credited: Credited | null,
): DocumentModel {
  const negate = (
    line: DocumentLine,
    quantity: number,
    netCents: number,
    vatCents: number,
  ): DocumentLine => ({
    ...line,
    quantity: -quantity,
    netCents: -netCents,
    vatCents: -vatCents,
  });
  let lines: DocumentLine[];
  if (!credited) {
    lines = invoice.lines.map((line) => negate(line, line.quantity, line.netCents, line.vatCents));
  } else {
    lines = credited.lines.map((req) => {
      const original = invoice.lines.find((l) => l.position === req.lineNo && l.sku !== SHIPPING_SKU);
      if (!original) throw new Error(`credit note ${credit.number}: the invoice has no line ${req.lineNo}`);
      return negate(original, req.quantity, req.amountCents - req.vatCents, req.vatCents);
    });
    const shippingLine = invoice.lines.find((l) => l.sku === SHIPPING_SKU);
    if (credited.shipping && shippingLine) {
      const { amountCents, vatCents } = credited.shipping;
      lines.push(negate(shippingLine, 1, amountCents - vatCents, vatCents));
    }
  }
  return withTotals({
    ...invoice,
    kind: 'credit-note',
    number: credit.number,
    issuedAt: credit.issuedAt,
    lines: lines.map((line, i) => ({ ...line, position: i + 1 })),
    corrects: { number: invoice.number, issuedAt: invoice.issuedAt, reason: credit.reason },
  });
}
