// Shipping methods and charges: what other modules may use.
// No personal data and so no processing activity of its own: it holds methods, zones and price tables, and
// prices a parcel from a destination country and weights that the orders module passes under its activity.
export { ShippingModule } from './shipping.module.js';
export {
  ShippingRates,
  type ParcelLine,
  type ShippingMethodView,
  type ShippingQuote,
  type ShippingRequest,
} from './shipping-rates.js';
