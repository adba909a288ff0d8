/** VAT rates the shop sells at, in basis points: 19 % standard, 7 % reduced (books, § 12(2) UStG). */
export const VAT_RATES_BP = [1900, 700] as const;
export type VatRateBp = (typeof VAT_RATES_BP)[number];

export interface PricedLine {
  /** Gross unit price (VAT included), in cents. */
  unitPriceCents: number;
  vatRateBp: number;
  quantity: number;
}

export interface LineAmounts {
  lineTotalCents: number;
  vatCents: number;
}

export interface OrderTotals {
  /** Net: total minus VAT. */
  subtotalCents: number;
  vatCents: number;
  /** Gross: what the customer pays. */
  totalCents: number;
  /** VAT per rate, as an invoice must show it (§ 14(4) Nr. 8 UStG). */
  vatBreakdown: { vatRateBp: number; grossCents: number; vatCents: number }[];
}

/**
 * The VAT contained in a gross amount: gross × rate / (100 % + rate), rounded half up to the cent.
 * Integer arithmetic only (amounts are far below 2^53 / 10^4).
 */
export function vatOfGross(grossCents: number, vatRateBp: number): number {
  return Math.floor((grossCents * vatRateBp * 2 + (10_000 + vatRateBp)) / (2 * (10_000 + vatRateBp)));
}

export function lineAmounts(line: PricedLine): LineAmounts {
  const lineTotalCents = line.unitPriceCents * line.quantity;
  return { lineTotalCents, vatCents: vatOfGross(lineTotalCents, line.vatRateBp) };
}

/** Prices are gross; VAT is computed per line and summed (the lines of the invoice add up). */
export function orderTotals(lines: readonly (LineAmounts & { vatRateBp: number })[]): OrderTotals {
  let totalCents = 0;
  let vatCents = 0;
  const byRate = new Map<number, { grossCents: number; vatCents: number }>();
  for (const line of lines) {
    totalCents += line.lineTotalCents;
    vatCents += line.vatCents;
    const group = byRate.get(line.vatRateBp) ?? { grossCents: 0, vatCents: 0 };
    group.grossCents += line.lineTotalCents;
    group.vatCents += line.vatCents;
    byRate.set(line.vatRateBp, group);
  }
  return {
    subtotalCents: totalCents - vatCents,
    vatCents,
    totalCents,
    vatBreakdown: [...byRate.entries()]
      .sort(([a], [b]) => b - a)
      .map(([vatRateBp, g]) => ({ vatRateBp, ...g })),
  };
}
