import { Injectable } from '@nestjs/common';
import { InvalidInputError, RuleViolationError, UnitOfWork } from '@app/core';

/** One line of the parcel: where it sits in the order (for the error's field) and its weight. */
export interface ParcelLine {
  /** Index into the order's `items`. */
  index: number;
  sku: string;
  quantity: number;
  /** Grams per unit; null when the catalogue has no weight for the product. */
  weightGrams: number | null;
}

export interface ShippingRequest {
  methodCode: string;
  destinationCountry: string;
  lines: readonly ParcelLine[];
  /** The value of the goods as the free-shipping threshold compares it (gross, at German VAT). */
  goodsValueCents: number;
}

export interface ShippingQuote {
  methodCode: string;
  carrier: string;
  name: string;
  zoneCode: string;
  /** Null when the method has one price for any weight and a product lacks a weight. */
  weightGrams: number | null;
  /** Gross at the German standard rate, like catalogue prices; 0 above the free-shipping threshold. */
  priceCents: number;
  freeShipping: boolean;
}

export interface ShippingMethodView {
  code: string;
  carrier: string;
  name: string;
  freeAboveCents: number | null;
  pricedByWeight: boolean;
  zones: {
    code: string;
    name: string;
    countries: string[];
    rates: { upToGrams: number | null; priceCents: number }[];
  }[];
}

interface RateRow {
  code: string;
  carrier: string;
  name: string;
  free_above_cents: number | null;
  zone_code: string;
  up_to_grams: number | null;
  price_cents: number;
}

const unprocessable = (code: string, title: string, errors: { field: string; reason: string }[]) =>
  new RuleViolationError(code, title, errors.map((e) => `${e.field} ${e.reason}`).join('; '), { errors });

/**
 * Shipping charges: a method of a carrier has, per destination zone, weight bands (the first band
 * whose upper limit holds the parcel) or one flat price (band without limit). A method with weight
 * bands needs the weight of every product in the parcel; the free-shipping threshold, when the
 * method has one, waives the charge for goods worth at least that much.
 */
@Injectable()
export class ShippingRates {
  constructor(private readonly uow: UnitOfWork) {}

  async quote(request: ShippingRequest): Promise<ShippingQuote> {
    const country = request.destinationCountry.toUpperCase();
    const rows: RateRow[] = await this.uow.manager.query(
      `select m.code, m.carrier, m.name, m.free_above_cents, r.zone_code, r.up_to_grams, r.price_cents
         from shipping_method m
         left join shipping_rate r on r.method_code = m.code
          and r.zone_code = (select z.code from shipping_zone z where $2 = any(z.countries::text[]))
        where m.code = $1 and m.active
        order by r.up_to_grams nulls last`,
      [request.methodCode, country],
    );
    if (rows.length === 0) {
      throw new InvalidInputError([
        { field: 'shippingMethod', reason: 'is not a shipping method of this shop' },
      ]);
    }
    const method = rows[0];
    const bands = rows.filter((r) => r.zone_code !== null);
    if (bands.length === 0) {
      throw unprocessable('no-shipping-to-destination', 'The shipping method does not deliver there', [
        { field: 'deliveryAddress.country', reason: `is not served by shipping method ${method.code}` },
      ]);
    }
    const byWeight = bands.some((b) => b.up_to_grams !== null);
    const weightless = request.lines.filter((l) => l.weightGrams === null);
    if (byWeight && weightless.length > 0) {
      throw unprocessable(
        'weightless-product',
        'A product has no weight for a shipping method priced by weight',
        weightless.map((l) => ({
          field: `items.${l.index}.sku`,
          reason: `has no weight in the catalogue, and shipping method ${method.code} is priced by weight`,
        })),
      );
    }
    const weightGrams =
      weightless.length > 0
        ? null
        : request.lines.reduce((sum, l) => sum + (l.weightGrams as number) * l.quantity, 0);
    const band = bands.find((b) => b.up_to_grams === null || (weightGrams as number) <= b.up_to_grams);
    if (!band) {
      throw unprocessable('parcel-too-heavy', 'The parcel is too heavy for the shipping method', [
        {
          field: 'shippingMethod',
          reason: `carries at most ${bands.at(-1)?.up_to_grams} g; the order weighs ${weightGrams} g`,
        },
      ]);
    }
    const free = method.free_above_cents !== null && request.goodsValueCents >= method.free_above_cents;
    return {
      methodCode: method.code,
      carrier: method.carrier,
      name: method.name,
      zoneCode: band.zone_code,
      weightGrams,
      priceCents: free ? 0 : band.price_cents,
      freeShipping: free,
    };
  }

  /** The active methods with their zones and bands, for the storefront's shipping options. */
  async methods(): Promise<ShippingMethodView[]> {
    const rows: (RateRow & { zone_name: string; countries: string[] })[] = await this.uow.manager.query(
      `select m.code, m.carrier, m.name, m.free_above_cents, r.zone_code, z.name as zone_name,
              z.countries::text[] as countries, r.up_to_grams, r.price_cents
         from shipping_method m
         join shipping_rate r on r.method_code = m.code
         join shipping_zone z on z.code = r.zone_code
        where m.active
        order by m.code, r.zone_code, r.up_to_grams nulls last`,
    );
    const methods = new Map<string, ShippingMethodView>();
    for (const r of rows) {
      const method = methods.get(r.code) ?? {
        code: r.code,
        carrier: r.carrier,
        name: r.name,
        freeAboveCents: r.free_above_cents,
        pricedByWeight: false,
        zones: [],
      };
      methods.set(r.code, method);
      let zone = method.zones.find((z) => z.code === r.zone_code);
      if (!zone) {
        zone = {
          code: r.zone_code,
          name: r.zone_name,
          countries: r.countries.map((c) => c.trim()),
          rates: [],
        };
        method.zones.push(zone);
      }
      zone.rates.push({ upToGrams: r.up_to_grams, priceCents: r.price_cents });
      if (r.up_to_grams !== null) method.pricedByWeight = true;
    }
    return [...methods.values()];
  }
}
