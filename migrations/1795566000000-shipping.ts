import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Shipping methods per carrier, priced by destination zone and parcel weight (shipping module), with
 * a starting tariff the shop edits in the table. Prices are gross at the German standard rate, like
 * the catalogue's: checkout takes the VAT of the destination out of them (or charges the net to
 * business customers).
 */
export class Shipping1795566000000 implements MigrationInterface {
  name = 'Shipping1795566000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table shipping_zone (
        code text primary key,
        name text not null,
        countries char(2)[] not null,
        constraint shipping_zone_code check (code ~ '^[a-z0-9-]{2,40}$')
      )`);
    // A country belongs to one zone at most: the zone of a destination is never ambiguous.
    await q.query(`
      create function shipping_zone_countries_disjoint() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from shipping_zone z where z.code <> new.code and z.countries && new.countries) then
          raise exception 'a country of zone % is already in another zone', new.code
            using errcode = 'unique_violation';
        end if;
        return new;
      end $$`);
    await q.query(`
      create trigger shipping_zone_countries_disjoint before insert or update on shipping_zone
        for each row execute function shipping_zone_countries_disjoint()`);
    await q.query(`
      create table shipping_method (
        code text primary key,
        carrier text not null,
        name text not null,
        free_above_cents integer,
        active boolean not null default true,
        constraint shipping_method_code check (code ~ '^[a-z0-9-]{2,40}$'),
        constraint shipping_method_free_above check (free_above_cents is null or free_above_cents > 0)
      )`);
    // up_to_grams null: one price for any weight (a flat rate, no product weights needed).
    await q.query(`
      create table shipping_rate (
        method_code text not null references shipping_method (code) on delete cascade,
        zone_code text not null references shipping_zone (code) on delete cascade,
        up_to_grams integer,
        price_cents integer not null,
        constraint shipping_rate_weight check (up_to_grams is null or up_to_grams > 0),
        constraint shipping_rate_price check (price_cents >= 0)
      )`);
    await q.query(
      `create unique index shipping_rate_band on shipping_rate (method_code, zone_code, coalesce(up_to_grams, 2147483647))`,
    );

    await q.query(`
      insert into shipping_zone (code, name, countries) values
        ('de', 'Germany', '{DE}'),
        ('eu-1', 'EU neighbours', '{AT,BE,NL,LU,FR,DK,CZ,PL}'),
        ('eu-2', 'Rest of the EU', '{BG,CY,EE,ES,FI,GR,HR,HU,IE,IT,LT,LV,MT,PT,RO,SE,SI,SK}')`);
    await q.query(`
      insert into shipping_method (code, carrier, name, free_above_cents) values
        ('dhl-parcel', 'dhl', 'DHL Paket', 50000),
        ('dpd-classic', 'dpd', 'DPD Classic', 50000),
        ('hermes-parcel', 'hermes', 'Hermes Paket', null)`);
    await q.query(`
      insert into shipping_rate (method_code, zone_code, up_to_grams, price_cents) values
        ('dhl-parcel', 'de', 2000, 590), ('dhl-parcel', 'de', 5000, 790), ('dhl-parcel', 'de', 10000, 1090),
        ('dhl-parcel', 'de', 31500, 1790),
        ('dhl-parcel', 'eu-1', 2000, 1490), ('dhl-parcel', 'eu-1', 5000, 1890), ('dhl-parcel', 'eu-1', 10000, 2490),
        ('dhl-parcel', 'eu-1', 31500, 3990),
        ('dhl-parcel', 'eu-2', 2000, 1890), ('dhl-parcel', 'eu-2', 5000, 2490), ('dhl-parcel', 'eu-2', 10000, 3290),
        ('dhl-parcel', 'eu-2', 31500, 5490),
        ('dpd-classic', 'de', 3000, 650), ('dpd-classic', 'de', 31500, 1590),
        ('dpd-classic', 'eu-1', 3000, 1590), ('dpd-classic', 'eu-1', 31500, 3490),
        ('dpd-classic', 'eu-2', 3000, 2190), ('dpd-classic', 'eu-2', 31500, 4990),
        ('hermes-parcel', 'de', null, 495)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table shipping_rate`);
    await q.query(`drop table shipping_method`);
    await q.query(`drop table shipping_zone`);
    await q.query(`drop function shipping_zone_countries_disjoint()`);
  }
}
