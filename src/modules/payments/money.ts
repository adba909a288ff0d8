/**
 * Amounts cross the wire in two shapes: Stripe takes integer minor units (like the shop), PayPal takes
 * a decimal string ("12.34"). The conversion is exact string arithmetic, never floating point.
 */

const digitsCache = new Map<string, number>();

/** The number of minor-unit digits of an ISO 4217 currency (EUR 2, JPY 0, BHD 3). */
export function minorUnitDigits(currency: string): number {
  const code = currency.toUpperCase();
  let digits = digitsCache.get(code);
  if (digits === undefined) {
    // Throws a RangeError for a malformed code; the ISO data ships with Node's ICU.
    digits =
      new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
        .maximumFractionDigits ?? 2;
    digitsCache.set(code, digits);
  }
  return digits;
}

/** 1234 EUR cents → "12.34"; 500 JPY → "500". */
export function minorToDecimal(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount) || amount < 0)
    throw new RangeError('amount must be a non-negative integer');
  const digits = minorUnitDigits(currency);
  if (digits === 0) return String(amount);
  const padded = String(amount).padStart(digits + 1, '0');
  return `${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

/** "12.34" EUR → 1234; refuses more fractional digits than the currency has (no silent rounding). */
export function decimalToMinor(value: string, currency: string): number {
  const digits = minorUnitDigits(currency);
  const match = /^(\d{1,15})(?:\.(\d+))?$/.exec(value.trim());
  if (!match) throw new RangeError(`"${value}" is not a decimal amount`);
  const fraction = match[2] ?? '';
  if (fraction.length > digits) throw new RangeError(`"${value}" has more than ${digits} decimal places`);
  return Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}
