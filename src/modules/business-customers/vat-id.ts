/**
 * VAT identification numbers of the member states: the formats VIES accepts (European Commission,
 * "VIES - VAT number validation", format table), after removing blanks, dots and hyphens. Greece
 * uses the prefix EL for the country GR.
 */
const FORMATS: Record<string, RegExp> = {
  AT: /^U\d{8}$/,
  BE: /^[01]\d{9}$/,
  BG: /^\d{9,10}$/,
  CY: /^\d{8}[A-Z]$/,
  CZ: /^\d{8,10}$/,
  DE: /^\d{9}$/,
  DK: /^\d{8}$/,
  EE: /^\d{9}$/,
  EL: /^\d{9}$/,
  ES: /^[A-Z0-9]\d{7}[A-Z0-9]$/,
  FI: /^\d{8}$/,
  FR: /^[A-HJ-NP-Z0-9]{2}\d{9}$/,
  HR: /^\d{11}$/,
  HU: /^\d{8}$/,
  IE: /^(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^\d{11}$/,
  LT: /^(\d{9}|\d{12})$/,
  LU: /^\d{8}$/,
  LV: /^\d{11}$/,
  MT: /^\d{8}$/,
  NL: /^\d{9}B\d{2}$/,
  PL: /^\d{10}$/,
  PT: /^\d{9}$/,
  RO: /^\d{2,10}$/,
  SE: /^\d{10}01$/,
  SI: /^\d{8}$/,
  SK: /^\d{10}$/,
};

export interface ParsedVatId {
  /** Normalised: prefix and number, upper case, no separators (ATU12345678). */
  vatId: string;
  /** The VIES prefix (EL for Greece). */
  prefix: string;
  /** The ISO country of the prefix (GR for EL). */
  country: string;
  /** The number without its prefix, as VIES takes it. */
  number: string;
}

export const countryOfPrefix = (prefix: string): string => (prefix === 'EL' ? 'GR' : prefix);

/** The VAT ID parsed, or the reason it is not one (for the problem's `errors[].reason`). */
export function parseVatId(input: string): ParsedVatId | { reason: string } {
  const compact = input.toUpperCase().replace(/[\s.\-/]/g, '');
  const prefix = compact.slice(0, 2);
  const format = FORMATS[prefix];
  if (!format) {
    return { reason: 'must start with the prefix of an EU member state (e.g. DE, ATU, FR, EL for Greece)' };
  }
  const number = compact.slice(2);
  if (!format.test(number)) {
    return { reason: `is not in the format of a VAT ID of ${countryOfPrefix(prefix)}` };
  }
  return { vatId: compact, prefix, country: countryOfPrefix(prefix), number };
}

export const isParsed = (v: ParsedVatId | { reason: string }): v is ParsedVatId => 'vatId' in v;
