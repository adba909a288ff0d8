import { categoryOfGermanRate, isEuMemberState, ratesOf, type VatCategory } from './vat-rates.js';

/** The shop's seat: every rule below is seen from a German seller. */
export const SELLER_COUNTRY = 'DE';

/**
 * Who buys, as VAT sees them. A business counts as one only with a VAT ID confirmed for the country
 * the goods go to (§ 6a(1) Nr. 2-4 UStG); a business without one is taxed like a consumer.
 */
export type VatBuyer =
  { kind: 'consumer' } | { kind: 'business'; vatId: string; vatIdCountry: string; vatIdConfirmed: boolean };

export interface VatSituation {
  buyer: VatBuyer;
  /** Where the goods go: the country of the delivery address. */
  destinationCountry: string;
  /**
   * Whether the shop's EU-wide distance sales exceed the € 10,000 threshold of § 3c(4) UStG (or it
   * opted in): then consumer deliveries to other member states are taxed in the destination state
   * (declared through the One-Stop-Shop). Below it, they carry German VAT.
   */
  ossDestinationTaxation: boolean;
}

/**
 * How an order is taxed:
 * - `domestic`: delivery within Germany, German rates;
 * - `oss`: a consumer (or a business without a confirmed VAT ID) in another member state, at that
 *   state's rates (Art. 33 VAT Directive, § 3c UStG), declared through the One-Stop-Shop;
 * - `intra-eu-supply`: a business with a confirmed VAT ID of another member state: exempt
 *   (§ 4 Nr. 1 Buchst. b, § 6a UStG), the buyer accounts for the acquisition;
 * - `export`: delivery outside the EU: exempt (§ 4 Nr. 1 Buchst. a, § 6 UStG).
 */
export type VatRegime = 'domestic' | 'oss' | 'intra-eu-supply' | 'export';

export interface VatTreatment {
  regime: VatRegime;
  /** The state whose VAT applies (DE for domestic and the exempt regimes). */
  taxCountry: string;
  /** Rates per category in this order; 0 for the exempt regimes. */
  rates: Record<VatCategory, number>;
  /** The note the invoice must carry (§ 14(4) Nr. 8, § 14a(3) UStG), if any. */
  note: string | null;
  /** Whether the invoice must name the buyer's VAT ID (§ 14a(1), (3) UStG). */
  buyerVatIdRequired: boolean;
  /** EN 16931 VAT category code of the lines (UNTDID 5305): S standard, K intra-EU, G export. */
  categoryCode: 'S' | 'K' | 'G';
  /** EN 16931 exemption reason code (VATEX), for the exempt regimes. */
  exemptionCode: string | null;
}

export const INTRA_EU_SUPPLY_NOTE =
  'Steuerfreie innergemeinschaftliche Lieferung (§ 4 Nr. 1 Buchst. b, § 6a UStG). ' +
  'Intra-Community supply exempt from VAT (Art. 138 Directive 2006/112/EC); ' +
  'the recipient accounts for the acquisition.';

export const EXPORT_NOTE =
  'Steuerfreie Ausfuhrlieferung (§ 4 Nr. 1 Buchst. a, § 6 UStG). Export supply exempt from VAT.';

const zero: Record<VatCategory, number> = { standard: 0, reduced: 0 };

/** The VAT treatment of a delivery from the shop to `situation`. Pure: the rules, no I/O. */
export function vatTreatment(situation: VatSituation): VatTreatment {
  const destination = situation.destinationCountry.toUpperCase();
  const home = ratesOf(SELLER_COUNTRY);
  if (!home) throw new Error('the seller country has no VAT rates');
  const homeRates = { standard: home.standardBp, reduced: home.reducedBp };
  const base = { buyerVatIdRequired: false, note: null, categoryCode: 'S' as const, exemptionCode: null };

  if (!isEuMemberState(destination)) {
    return {
      ...base,
      regime: 'export',
      taxCountry: SELLER_COUNTRY,
      rates: zero,
      note: EXPORT_NOTE,
      categoryCode: 'G',
      exemptionCode: 'VATEX-EU-G',
    };
  }
  if (destination === SELLER_COUNTRY) {
    return { ...base, regime: 'domestic', taxCountry: SELLER_COUNTRY, rates: homeRates };
  }
  const buyer = situation.buyer;
  if (buyer.kind === 'business' && buyer.vatIdConfirmed && buyer.vatIdCountry.toUpperCase() === destination) {
    return {
      regime: 'intra-eu-supply',
      taxCountry: SELLER_COUNTRY,
      rates: zero,
      note: INTRA_EU_SUPPLY_NOTE,
      buyerVatIdRequired: true,
      categoryCode: 'K',
      exemptionCode: 'VATEX-EU-IC',
    };
  }
  if (!situation.ossDestinationTaxation) {
    return { ...base, regime: 'domestic', taxCountry: SELLER_COUNTRY, rates: homeRates };
  }
  const there = ratesOf(destination);
  if (!there) throw new Error(`no VAT rates for ${destination}`);
  return {
    ...base,
    regime: 'oss',
    taxCountry: destination,
    rates: { standard: there.standardBp, reduced: there.reducedBp },
  };
}

/** The rate of a catalogue product (which carries its German rate) under `treatment`. */
export const rateForProduct = (treatment: VatTreatment, germanRateBp: number): number =>
  treatment.rates[categoryOfGermanRate(germanRateBp)];
