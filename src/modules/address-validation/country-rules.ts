/**
 * What an address needs per country: the postcode's format (and its canonical spelling) and
 * whether the house number is a field of its own. Sources: the Universal Postal Union's addressing
 * guides and the national posts' published formats. Countries not listed here still validate
 * (ISO code, required fields) but their postcode is only checked for plausibility.
 */
export interface CountryRule {
  /** Accepts the postcode in its usual spellings (case-insensitive, spaces/dashes tolerated). */
  postcode: RegExp;
  /** Example shown in errors so the person sees the expected form. */
  example: string;
  /** Rewrites an accepted postcode into its canonical form. */
  canonical?: (match: RegExpExecArray) => string;
  /** House number must be given separately (DE, AT: delivery fails without it). */
  houseNumberRequired?: boolean;
  /** The country has no postcodes (kept for completeness; none of the listed ones). */
  postcodeOptional?: boolean;
}

const digits = (n: number, example: string, extra: Partial<CountryRule> = {}): CountryRule => ({
  postcode: new RegExp(`^(\\d{${n}})$`),
  example,
  ...extra,
});

/** "12345" or "123 45" → "123 45" (SE, CZ, SK, GR). */
const split32 = (example: string): CountryRule => ({
  postcode: /^(\d{3})\s?(\d{2})$/,
  example,
  canonical: (m) => `${m[1]} ${m[2]}`,
});

export const COUNTRY_RULES: Record<string, CountryRule> = {
  DE: digits(5, '47877', { houseNumberRequired: true }),
  AT: digits(4, '1010', { houseNumberRequired: true }),
  CH: digits(4, '8001'),
  LI: { postcode: /^(94[89]\d)$/, example: '9490' },
  BE: digits(4, '1000'),
  BG: digits(4, '1000'),
  HR: digits(5, '10000'),
  CY: digits(4, '1010'),
  CZ: split32('110 00'),
  DK: { postcode: /^(?:DK-?)?(\d{4})$/i, example: '1050', canonical: (m) => m[1] },
  EE: digits(5, '10111'),
  FI: { postcode: /^(?:FI-?)?(\d{5})$/i, example: '00100', canonical: (m) => m[1] },
  FR: digits(5, '75001'),
  GR: split32('105 57'),
  HU: digits(4, '1051'),
  IE: {
    // Eircode: routing key (letter + 2 digits, or D6W) and a 4-character unique identifier.
    postcode: /^([AC-FHKNPRTV-Y]\d{2}|D6W)\s?([0-9AC-FHKNPRTV-Y]{4})$/i,
    example: 'D02 X285',
    canonical: (m) => `${m[1]} ${m[2]}`.toUpperCase(),
  },
  IT: digits(5, '00184'),
  LV: { postcode: /^(?:LV-?)?(\d{4})$/i, example: 'LV-1050', canonical: (m) => `LV-${m[1]}` },
  LT: { postcode: /^(?:LT-?)?(\d{5})$/i, example: 'LT-01100', canonical: (m) => `LT-${m[1]}` },
  LU: { postcode: /^(?:L-?)?(\d{4})$/i, example: 'L-1009', canonical: (m) => `L-${m[1]}` },
  MT: {
    postcode: /^([A-Z]{3})\s?(\d{4})$/i,
    example: 'VLT 1117',
    canonical: (m) => `${m[1]} ${m[2]}`.toUpperCase(),
  },
  NL: {
    postcode: /^([1-9]\d{3})\s?([A-Z]{2})$/i,
    example: '1012 AB',
    canonical: (m) => `${m[1]} ${m[2]}`.toUpperCase(),
  },
  PL: { postcode: /^(\d{2})-?(\d{3})$/, example: '00-950', canonical: (m) => `${m[1]}-${m[2]}` },
  PT: { postcode: /^(\d{4})-?(\d{3})$/, example: '1000-001', canonical: (m) => `${m[1]}-${m[2]}` },
  RO: digits(6, '010011'),
  SK: split32('811 01'),
  SI: { postcode: /^(?:SI-?)?(\d{4})$/i, example: '1000', canonical: (m) => m[1] },
  ES: { postcode: /^((?:0[1-9]|[1-4]\d|5[0-2])\d{3})$/, example: '28001' },
  SE: split32('111 22'),
  NO: digits(4, '0150'),
  IS: digits(3, '101'),
  GB: {
    // UK postcodes: outward code (area + district) and inward code (sector + unit); GIR 0AA is special.
    postcode: /^([A-Z]{1,2}\d[A-Z\d]?|GIR)\s?(\d[A-Z]{2})$/i,
    example: 'SW1A 1AA',
    canonical: (m) => `${m[1]} ${m[2]}`.toUpperCase(),
  },
  US: {
    postcode: /^(\d{5})(?:[-\s]?(\d{4}))?$/,
    example: '94103 or 94103-1234',
    canonical: (m) => (m[2] ? `${m[1]}-${m[2]}` : m[1]),
  },
};

/** The postcode in its canonical form, or null when it does not fit the country's format. */
export function canonicalPostcode(country: string, postcode: string): string | null {
  const rule = COUNTRY_RULES[country];
  const trimmed = postcode.trim().replace(/\s+/g, ' ');
  if (!rule) return /^[A-Za-z0-9 -]{2,10}$/.test(trimmed) ? trimmed.toUpperCase() : null;
  const match = rule.postcode.exec(trimmed);
  if (!match) return null;
  return rule.canonical ? rule.canonical(match) : match[1];
}
