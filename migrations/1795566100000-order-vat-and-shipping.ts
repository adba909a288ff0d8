import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders module: product weights; on the order and its invoice, the VAT treatment (regime, taxing
 * state, the statutory note, the buyer's VAT ID), whether its prices are net (business customers)
 * and the shipping line with its VAT.
 *
 * Line amounts are in the order's price basis: gross for consumers (as before), net for business
 * customers (`prices_include_vat` false, VAT added per line). Either way total = subtotal (net) + VAT.
 */
export class OrderVatAndShipping1795566100000 implements MigrationInterface {
  name = 'OrderVatAndShipping1795566100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table product
        add column weight_grams integer,
        add constraint product_weight_positive check (weight_grams is null or weight_grams > 0)`);
    await q.query(`
      alter table order_item drop constraint order_item_amounts,
        add constraint order_item_amounts check (
          unit_price_cents >= 0 and line_total_cents = unit_price_cents * quantity and vat_cents >= 0)`);
    const columns = `
        add column prices_include_vat boolean not null default true,
        add column vat_regime text not null default 'domestic',
        add column vat_country char(2) not null default 'DE',
        add column vat_note text,
        add column buyer_vat_id text,
        add column buyer_vat_id_evidence text,
        add column shipping_method text,
        add column shipping_carrier text,
        add column shipping_weight_grams integer,
        add column shipping_cents integer not null default 0,
        add column shipping_vat_rate_bp integer not null default 0,
        add column shipping_vat_cents integer not null default 0`;
    await q.query(`alter table shop_order ${columns},
        add constraint shop_order_vat_regime check (vat_regime in ('domestic', 'oss', 'intra-eu-supply', 'export')),
        add constraint shop_order_shipping check (shipping_cents >= 0 and shipping_vat_cents >= 0)`);
    // Adding columns with defaults rewrites no invoice (the immutability trigger fires on UPDATE only).
    await q.query(`alter table invoice ${columns},
        add column delivery_country char(2)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const drop = (table: string) =>
      q.query(`alter table ${table}
        drop column prices_include_vat, drop column vat_regime, drop column vat_country, drop column vat_note,
        drop column buyer_vat_id, drop column buyer_vat_id_evidence, drop column shipping_method, drop column shipping_carrier,
        drop column shipping_weight_grams, drop column shipping_cents, drop column shipping_vat_rate_bp,
        drop column shipping_vat_cents`);
    await q.query(`alter table invoice drop column delivery_country`);
    await drop('invoice');
    await q.query(
      `alter table shop_order drop constraint shop_order_vat_regime, drop constraint shop_order_shipping`,
    );
    await drop('shop_order');
    await q.query(`alter table product drop column weight_grams`);
  }
}
