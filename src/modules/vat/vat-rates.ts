/**
 * VAT rates of the 27 EU member states, in basis points (1900 = 19 %), as the shop applies them to
 * its two kinds of goods:
 *
 * - `standard`: everything the shop sells at the standard rate (devices, accessories, shipping);
 * - `reduced`: what Germany taxes at 7 % in this catalogue (printed books and manuals, Annex 2 UStG),
 *   at the rate the destination state applies to those goods.
 *
 * The table is data, not logic: a change of a national rate is a change of one line here (and of its
 * test), effective for orders placed after the deploy. `validFrom` says since when the line holds.
 * Sources: the European Commission's "VAT rates applied in the Member States" and the TEDB database.
 */
export interface CountryVatRates {
  /** ISO 3166-1 alpha-2 (Greece: GR; its VAT IDs use the prefix EL). */
  country: string;
  standardBp: number;
  reducedBp: number;
  validFrom: string;
}

export const EU_VAT_RATES: readonly CountryVatRates[] = [
  { country: 'AT', standardBp: 2000, reducedBp: 1000, validFrom: '2016-01-01' },
  { country: 'BE', standardBp: 2100, reducedBp: 600, validFrom: '1996-01-01' },
  { country: 'BG', standardBp: 2000, reducedBp: 900, validFrom: '2020-07-01' },
  { country: 'CY', standardBp: 1900, reducedBp: 500, validFrom: '2014-01-13' },
  { country: 'CZ', standardBp: 2100, reducedBp: 1200, validFrom: '2024-01-01' },
  { country: 'DE', standardBp: 1900, reducedBp: 700, validFrom: '2021-01-01' },
  { country: 'DK', standardBp: 2500, reducedBp: 2500, validFrom: '1992-01-01' },
  { country: 'EE', standardBp: 2400, reducedBp: 900, validFrom: '2025-07-01' },
  { country: 'ES', standardBp: 2100, reducedBp: 400, validFrom: '2012-09-01' },
  { country: 'FI', standardBp: 2550, reducedBp: 1400, validFrom: '2025-01-01' },
  { country: 'FR', standardBp: 2000, reducedBp: 550, validFrom: '2014-01-01' },
  { country: 'GR', standardBp: 2400, reducedBp: 600, validFrom: '2016-06-01' },
  { country: 'HR', standardBp: 2500, reducedBp: 500, validFrom: '2013-01-01' },
  { country: 'HU', standardBp: 2700, reducedBp: 500, validFrom: '2012-01-01' },
  { country: 'IE', standardBp: 2300, reducedBp: 0, validFrom: '2021-03-01' },
  { country: 'IT', standardBp: 2200, reducedBp: 400, validFrom: '2013-10-01' },
  { country: 'LT', standardBp: 2100, reducedBp: 900, validFrom: '2009-09-01' },
  { country: 'LU', standardBp: 1700, reducedBp: 300, validFrom: '2024-01-01' },
  { country: 'LV', standardBp: 2100, reducedBp: 1200, validFrom: '2011-01-01' },
  { country: 'MT', standardBp: 1800, reducedBp: 500, validFrom: '2004-01-01' },
  { country: 'NL', standardBp: 2100, reducedBp: 900, validFrom: '2019-01-01' },
  { country: 'PL', standardBp: 2300, reducedBp: 500, validFrom: '2011-01-01' },
  { country: 'PT', standardBp: 2300, reducedBp: 600, validFrom: '2011-01-01' },
  { country: 'RO', standardBp: 2100, reducedBp: 1100, validFrom: '2025-08-01' },
  { country: 'SE', standardBp: 2500, reducedBp: 600, validFrom: '2002-01-01' },
  { country: 'SI', standardBp: 2200, reducedBp: 500, validFrom: '2013-07-01' },
  { country: 'SK', standardBp: 2300, reducedBp: 500, validFrom: '2025-01-01' },
];

const BY_COUNTRY = new Map(EU_VAT_RATES.map((r) => [r.country, r]));

export const isEuMemberState = (country: string): boolean => BY_COUNTRY.has(country.toUpperCase());

/** The rates of a member state; undefined outside the EU. */
export const ratesOf = (country: string): CountryVatRates | undefined =>
  BY_COUNTRY.get(country.toUpperCase());

/** The two kinds of goods the shop sells, as far as VAT tells them apart. */
export type VatCategory = 'standard' | 'reduced';

/**
 * The category of a catalogue product from its German rate: the catalogue keeps the rate of the
 * shop's home country, which says which kind of goods it is (7 % only for the reduced goods).
 */
export const categoryOfGermanRate = (vatRateBp: number): VatCategory =>
  vatRateBp === 700 ? 'reduced' : 'standard';
