import { describe, expect, it } from '@jest/globals';
import { EU_VAT_RATES, formatRate, rateForProduct, vatOfGross, vatOfNet, vatTreatment } from './index.js';
import { INTRA_EU_SUPPLY_NOTE } from './vat-rules.js';

/** Standard and reduced (books) rate per member state, written out again on purpose: a changed line must be seen. */
const EXPECTED: Record<string, [number, number]> = {
  AT: [2000, 1000], BE: [2100, 600], BG: [2000, 900], CY: [1900, 500], CZ: [2100, 1200],
  DE: [1900, 700], DK: [2500, 2500], EE: [2400, 900], ES: [2100, 400], FI: [2550, 1400],
  FR: [2000, 550], GR: [2400, 600], HR: [2500, 500], HU: [2700, 500], IE: [2300, 0],
  IT: [2200, 400], LT: [2100, 900], LU: [1700, 300], LV: [2100, 1200], MT: [1800, 500],
  NL: [2100, 900], PL: [2300, 500], PT: [2300, 600], RO: [2100, 1100], SE: [2500, 600],
  SI: [2200, 500], SK: [2300, 500],
}; // prettier-ignore

const consumer = { kind: 'consumer' } as const;
const business = (country: string, confirmed = true) =>
  ({
    kind: 'business',
    vatId: `${country}123456789`,
    vatIdCountry: country,
    vatIdConfirmed: confirmed,
  }) as const;

describe('VAT rates of the member states', () => {
  it('holds all 27 member states, each once', () => {
    const countries = EU_VAT_RATES.map((r) => r.country);
    expect(new Set(countries).size).toBe(27);
    expect([...countries].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s: standard and reduced rate', (country, [standard, reduced]) => {
    const line = EU_VAT_RATES.find((r) => r.country === country);
    expect([line?.standardBp, line?.reducedBp]).toEqual([standard, reduced]);
  });
});

describe('VAT treatment of a delivery from Germany', () => {
  const others = Object.keys(EXPECTED).filter((c) => c !== 'DE');

  it('taxes deliveries within Germany at 19 % / 7 %, for consumers and businesses alike', () => {
    for (const buyer of [consumer, business('DE')]) {
      const t = vatTreatment({ buyer, destinationCountry: 'DE', ossDestinationTaxation: true });
      expect(t).toMatchObject({ regime: 'domestic', rates: { standard: 1900, reduced: 700 }, note: null });
    }
  });

  it.each(others)('a consumer in %s pays that state’s rates (OSS)', (country) => {
    const t = vatTreatment({ buyer: consumer, destinationCountry: country, ossDestinationTaxation: true });
    expect(t.regime).toBe('oss');
    expect(t.taxCountry).toBe(country);
    expect([t.rates.standard, t.rates.reduced]).toEqual(EXPECTED[country]);
    expect(t.note).toBeNull();
  });

  it.each(others)('a business in %s with a confirmed VAT ID of %s is zero-rated with the note', (country) => {
    const t = vatTreatment({
      buyer: business(country),
      destinationCountry: country,
      ossDestinationTaxation: true,
    });
    expect(t).toMatchObject({
      regime: 'intra-eu-supply',
      rates: { standard: 0, reduced: 0 },
      note: INTRA_EU_SUPPLY_NOTE,
      buyerVatIdRequired: true,
      categoryCode: 'K',
      exemptionCode: 'VATEX-EU-IC',
    });
  });

  it.each(others)('a business in %s whose VAT ID is not confirmed is taxed like a consumer', (country) => {
    const t = vatTreatment({
      buyer: business(country, false),
      destinationCountry: country,
      ossDestinationTaxation: true,
    });
    expect(t.regime).toBe('oss');
    expect(t.rates.standard).toBe(EXPECTED[country][0]);
  });

  it('does not zero-rate when the goods go to another state than the VAT ID’s', () => {
    const t = vatTreatment({ buyer: business('AT'), destinationCountry: 'FR', ossDestinationTaxation: true });
    expect(t).toMatchObject({ regime: 'oss', taxCountry: 'FR', rates: { standard: 2000 } });
  });

  it('charges German VAT to consumers abroad while the shop stays below the OSS threshold', () => {
    const t = vatTreatment({ buyer: consumer, destinationCountry: 'FR', ossDestinationTaxation: false });
    expect(t).toMatchObject({
      regime: 'domestic',
      taxCountry: 'DE',
      rates: { standard: 1900, reduced: 700 },
    });
  });

  it('zero-rates exports outside the EU with their note', () => {
    const t = vatTreatment({ buyer: consumer, destinationCountry: 'CH', ossDestinationTaxation: true });
    expect(t).toMatchObject({ regime: 'export', rates: { standard: 0 }, categoryCode: 'G' });
    expect(t.note).toContain('§ 6 UStG');
  });

  it('maps a product’s German rate to the destination’s rate of the same kind of goods', () => {
    const fr = vatTreatment({ buyer: consumer, destinationCountry: 'FR', ossDestinationTaxation: true });
    expect(rateForProduct(fr, 1900)).toBe(2000);
    expect(rateForProduct(fr, 700)).toBe(550);
  });
});

describe('VAT arithmetic', () => {
  it('takes VAT out of gross and puts it on net, half up to the cent', () => {
    expect(vatOfGross(11_900, 1900)).toBe(1_900);
    expect(vatOfGross(12_000, 2000)).toBe(2_000);
    expect(vatOfNet(10_000, 2000)).toBe(2_000);
    expect(vatOfNet(1_005, 1000)).toBe(101); // 100.5 → 101
    expect(vatOfNet(999, 550)).toBe(55); // 54.945 → 55
  });

  it('prints rates the German way', () => {
    expect(formatRate(1900)).toBe('19 %');
    expect(formatRate(550)).toBe('5,5 %');
    expect(formatRate(2550)).toBe('25,5 %');
    expect(formatRate(0)).toBe('0 %');
  });
});
