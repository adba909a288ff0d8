// The VAT rules of the shop: rates of the member states, the treatment of a delivery, the arithmetic.
// No personal data and so no processing activity of its own: the buyer's country and VAT ID it is given
// are processed under the orders' and business customers' activities, which call it.
// Pure functions and data; no tables, no Nest providers.
export {
  EU_VAT_RATES,
  categoryOfGermanRate,
  isEuMemberState,
  ratesOf,
  type CountryVatRates,
  type VatCategory,
} from './vat-rates.js';
export {
  EXPORT_NOTE,
  INTRA_EU_SUPPLY_NOTE,
  SELLER_COUNTRY,
  rateForProduct,
  vatTreatment,
  type VatBuyer,
  type VatRegime,
  type VatSituation,
  type VatTreatment,
} from './vat-rules.js';
export { formatRate, netOfGross, rateAsPercent, vatOfGross, vatOfNet } from './vat-arithmetic.js';
