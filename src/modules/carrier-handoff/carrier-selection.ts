import { isCarrier, type CarrierId } from './carrier.port.js';

/**
 * Which carrier an order ships with: the default carrier, or the one configured for its delivery
 * country (CARRIER_DEFAULT, CARRIER_COUNTRY_OVERRIDES such as `AT:dpd,CH:dpd`). A strategy of its own so
 * a shop with other rules (by weight, by product) replaces this one class.
 */
export class CarrierSelection {
  constructor(
    readonly defaultCarrier: CarrierId,
    readonly overrides: ReadonlyMap<string, CarrierId> = new Map(),
  ) {}

  static fromConfig(defaultCarrier: string, overrides: string): CarrierSelection {
    if (!isCarrier(defaultCarrier)) throw new Error(`"${defaultCarrier}" is not a carrier`);
    return new CarrierSelection(defaultCarrier, parseCountryOverrides(overrides));
  }

  carrierFor(country: string): CarrierId {
    return this.overrides.get(country.trim().toUpperCase()) ?? this.defaultCarrier;
  }

  /** Every carrier this rule may choose (what production must have configured). */
  carriersInUse(): CarrierId[] {
    return [...new Set([this.defaultCarrier, ...this.overrides.values()])];
  }
}

/** `AT:dpd, CH:dpd` → AT → dpd, CH → dpd. A country named twice is a configuration error. */
export function parseCountryOverrides(value: string): Map<string, CarrierId> {
  const overrides = new Map<string, CarrierId>();
  for (const entry of value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z]{2})\s*:\s*([a-z]+)$/.exec(entry);
    const country = match?.[1].toUpperCase();
    const carrier = match?.[2];
    if (!country || !carrier || !isCarrier(carrier)) {
      throw new Error(
        `CARRIER_COUNTRY_OVERRIDES: "${entry}" is not COUNTRY:carrier (carriers: dhl, hermes, dpd)`,
      );
    }
    if (overrides.has(country)) throw new Error(`CARRIER_COUNTRY_OVERRIDES names ${country} twice`);
    overrides.set(country, carrier);
  }
  return overrides;
}
