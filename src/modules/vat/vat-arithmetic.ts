/**
 * VAT arithmetic in integer cents and basis points, rounded half up to the cent. Amounts are far
 * below 2^53 / 10^5, so the products stay exact.
 */

/** The VAT contained in a gross amount: gross × rate / (100 % + rate). */
export function vatOfGross(grossCents: number, vatRateBp: number): number {
  return Math.floor((grossCents * vatRateBp * 2 + (10_000 + vatRateBp)) / (2 * (10_000 + vatRateBp)));
}

/** The VAT on a net amount: net × rate. */
export function vatOfNet(netCents: number, vatRateBp: number): number {
  return Math.floor((netCents * vatRateBp * 2 + 10_000) / 20_000);
}

/** The net amount in a gross amount. */
export const netOfGross = (grossCents: number, vatRateBp: number): number =>
  grossCents - vatOfGross(grossCents, vatRateBp);

/** "19 %", "5,5 %": a rate as an invoice prints it (German notation). */
export function formatRate(vatRateBp: number): string {
  const whole = Math.trunc(vatRateBp / 100);
  const fraction = vatRateBp % 100;
  if (fraction === 0) return `${whole} %`;
  return `${whole},${String(fraction).padStart(2, '0').replace(/0$/, '')} %`;
}

/** "19.00", "5.50": a rate as the e-invoice XML writes it (a percentage with two decimals). */
export const rateAsPercent = (vatRateBp: number): string => (vatRateBp / 100).toFixed(2);
