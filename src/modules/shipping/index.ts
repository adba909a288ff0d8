// Shipping methods and charges: what other modules may use.
export { ShippingModule } from './shipping.module.js';
export {
  ShippingRates,
  type ParcelLine,
  type ShippingMethodView,
  type ShippingQuote,
  type ShippingRequest,
} from './shipping-rates.js';
