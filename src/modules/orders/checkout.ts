import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ConsentLedger, StatutoryPeriods, type ConsentWording } from '@app/privacy';
import { createHash, randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { DataSource, type QueryRunner } from 'typeorm';
import { unauthorized } from '../../common/auth/token.service.js';
import { notFound, type ProblemException, ValidationProblem } from '../../common/problem/problem.js';
import { customerSubject } from '../../common/subjects.js';
import { InvalidInputError, UnitOfWork } from '@app/core';
import { AppConfig } from '../../config/app-config.js';
import { AddressValidator } from '../address-validation/index.js';
import { BusinessCustomers, type BusinessBuyer } from '../business-customers/index.js';
import { ShippingRates, type ShippingQuote } from '../shipping/index.js';
import { netOfGross, vatOfGross, vatOfNet, vatTreatment, type VatTreatment } from '../vat/index.js';
import { NotificationOutbox } from '../notifications/index.js';
import { ORDER_NOTICES, ORDER_RECIPIENT } from './order-notices.js';
import type { OrderAddressDto, PlaceOrderDto } from './order.dto.js';
import { OrderReader } from './order-reader.js';
import { OrderSecrets } from './order-secrets.js';
import { orderView, type OrderAddress, type OrderLine, type OrderView } from './order-view.js';
import {
  currencyMismatch,
  idempotencyKeyReused,
  invalidAddress,
  invalidIdempotencyKey,
  orderTooLarge,
  outOfStock,
  unknownProducts,
  type AddressFieldProblem,
  type AddressFieldSuggestion,
} from './orders.problems.js';

/** The consent-ledger purpose the carrier handoff reads before it passes an email to a carrier. */
export const CARRIER_NOTIFICATIONS_PURPOSE = 'carrier-notifications';

export const CARRIER_NOTIFICATIONS_WORDING: ConsentWording = {
  version: 'carrier-notifications-v1',
  text:
    'Yes, the carrier may email me about the delivery of this order (for example the delivery day). ' +
    'For this the shop passes my email address to the carrier. I can withdraw this consent at any time.',
};

interface PlacementCharges {
  buyer: BusinessBuyer | null;
  treatment: VatTreatment;
  pricesNet: boolean;
  /** Net unit prices of the customer group's price list, by line; null: the catalogue's. */
  netPrices: (number | null)[];
  shipping: { quote: ShippingQuote; amountCents: number; vatRateBp: number; vatCents: number } | null;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,200}$/;

export interface Buyer {
  /** The signed-in customer's id, or undefined for a guest. */
  customerId?: string;
}

export interface PlacementContext extends Buyer {
  idempotencyKey?: string;
  /** The request's correlation id: evidence for the consent ledger. */
  requestId: string;
}

export interface PlacedOrder {
  order: OrderView;
  /** true when an earlier request with the same Idempotency-Key placed it: nothing new was written. */
  replayed: boolean;
  /** For guests: the signed link to GET /api/v1/shop/orders/:id (header X-Order-Token). */
  access?: { token: string; expiresAt: Date };
}

/** What the placement statement answers: one row per order line, or one row without a line. */
interface PlacementRow {
  /** false: the Idempotency-Key was used before; nothing was written. */
  fresh: boolean;
  number: string | null;
  placed_at: Date | null;
  subtotal_cents: number | null;
  vat_cents: number | null;
  total_cents: number | null;
  currency: string | null;
  customer_email: string | null;
  line_no: number | null;
  sku: string | null;
  name: string | null;
  unit_price_cents: number | null;
  vat_rate_bp: number | null;
  quantity: number | null;
  line_total_cents: number | null;
  line_vat_cents: number | null;
}

const ADDRESS_COLUMNS = [
  'first_name',
  'last_name',
  'company',
  'street',
  'house_number',
  'address_line2',
  'postal_code',
  'city',
  'country',
];
const columns = (prefix: string): string => ADDRESS_COLUMNS.map((c) => `${prefix}_${c}`).join(', ');
const placeholders = (from: number, count: number): string =>
  Array.from({ length: count }, (_, i) => `$${from + i}`).join(', ');

/**
 * The name PLACE_ORDER_SQL is prepared under on each connection. Change it whenever the SQL changes:
 * during a rolling deploy old and new instances share no connection, but a name must mean one text.
 */
const PLACE_ORDER_STATEMENT = 'place-order-v2';

/**
 * The whole placement in ONE statement (one round trip, one transaction; autocommit unless the
 * caller wraps it): every write below happens only when everything is in order, and a refusal
 * raises (refuse_order_placement, SQLSTATE SO001), which rolls back all of it.
 *
 * 1. claim: the Idempotency-Key is claimed first; a concurrent duplicate waits here on the unique
 *    index until the first request commits or rolls back. A key used before (`fresh` false) does
 *    nothing else: the caller answers the first order.
 * 2. locked: the products of the order are locked in id order (two orders of the same products in
 *    opposite order cannot deadlock); FOR UPDATE reads their latest stock.
 * 3. verdict: unknown or withdrawn product, not enough stock, mixed currencies, a total beyond the
 *    integer columns: a refusal, raised in the final SELECT.
 * 4. taken, placed, items, history: stock taken, the order with its totals, its lines, its first
 *    history row. Prices are gross; each line's VAT is round(gross × rate / (10000 + rate)), half up,
 *    in integers: the formula of vatOfGross in order-totals.ts (the e2e tests check both agree).
 * Product rows stay locked from step 2 to the commit at the end of this same statement: the
 * shortest hold possible, which is what makes a best-selling product's row cheap to contend for.
 *
 * Parameters: $1 SKUs (text[]), $2 quantities (int[]), $3 subject id (also the idempotency scope),
 * $4 Idempotency-Key or null, $5 request hash or null, $6 new order id, $7 time zone of the order
 * number's year, $8 customer id or null, $9 guest email or null, $10 payment method, $11 carrier
 * notification consent, $12-$20 delivery address, $21-$29 billing address (ADDRESS_COLUMNS order),
 * $30 / $31 the VAT rate of standard / reduced goods in this order (the destination's under OSS, 0 when
 * exempt), $32 prices net (business customer: net unit prices, VAT added per line, half up), $33 net
 * unit prices of the customer group's price list by line (null: the catalogue's gross price less German
 * VAT), $34 shipping charge in the price basis, $35 its VAT rate, $36 its VAT, $37 shipping method,
 * $38 carrier, $39 parcel weight, $40 VAT regime, $41 taxing state, $42 statutory note, $43 buyer's VAT
 * ID, $44 the VIES evidence of it.
 * Exported for the benchmark that compares placement with pgbench running this same statement.
 */
export const PLACE_ORDER_SQL = `
  with claim as (
    insert into idempotency_key (scope, key, request_hash, order_id)
    select $3, $4, $5, $6::uuid where $4::text is not null
    on conflict (scope, key) do nothing
    returning true as fresh
  ),
  go as (select ($4::text is null or exists (select 1 from claim)) as fresh),
  wanted as (
    select w.sku, w.quantity, w.ord::int as ord
      from unnest($1::text[], $2::int[]) with ordinality as w(sku, quantity, ord)
  ),
  locked as materialized (
    select p.id, p.sku, p.name, p.price_cents, p.vat_rate_bp, p.currency, p.stock
      from product p
     where p.sku = any($1::text[]) and p.active and (select fresh from go)
     order by p.id
       for update
  ),
  priced as materialized (
    select w.ord, l.id as product_id, l.sku, l.name, x.unit as price_cents, x.rate as vat_rate_bp, w.quantity,
           l.currency, l.stock,
           x.unit::bigint * w.quantity as line_total,
           case when $32::boolean
                then (x.unit::bigint * w.quantity * x.rate * 2 + 10000) / 20000
                else (x.unit::bigint * w.quantity * x.rate * 2 + 10000 + x.rate) / (2 * (10000 + x.rate))
           end as line_vat
      from wanted w join locked l on l.sku = w.sku
     cross join lateral (
       select case when l.vat_rate_bp = 700 then $31::int else $30::int end as rate,
              case when not $32::boolean then l.price_cents
                   else coalesce(($33::int[])[w.ord], (l.price_cents - (l.price_cents::bigint * l.vat_rate_bp * 2
                          + 10000 + l.vat_rate_bp) / (2 * (10000 + l.vat_rate_bp)))::int)
              end as unit) x
  ),
  verdict as (
    select g.fresh,
           case
             when not g.fresh then null
             when (select count(*) from priced) < (select count(*) from wanted) then 'unknown-product'
             when exists (select 1 from priced where stock < quantity) then 'out-of-stock'
             when (select count(distinct currency) from priced) > 1 then 'currency-mismatch'
             when (select sum(line_total) + sum(line_vat) from priced) + $34::int > 2147483647 then 'order-too-large'
           end as refusal,
           (select sum(line_total) - case when $32::boolean then 0 else sum(line_vat) end from priced)::bigint
             + case when $32::boolean then $34::int else $34::int - $36::int end
             + (select sum(line_vat) from priced)::bigint + $36::int as total,
           (select sum(line_vat) from priced)::bigint + $36::int as vat,
           (select min(currency) from priced) as currency
      from go g
  ),
  ok as (select fresh and refusal is null as ok from verdict),
  taken as (
    update product p
       set stock = p.stock - l.quantity, updated_at = now()
      from priced l
     where p.id = l.product_id and p.stock >= l.quantity and (select ok from ok)
  ),
  placed as (
    insert into shop_order (
      id, number, customer_id, guest_email, subject_id, status, payment_method, carrier_notification_consent,
      ${columns('delivery')}, ${columns('billing')},
      subtotal_cents, vat_cents, total_cents, currency,
      prices_include_vat, vat_regime, vat_country, vat_note, buyer_vat_id, buyer_vat_id_evidence,
      shipping_method, shipping_carrier, shipping_weight_grams, shipping_cents, shipping_vat_rate_bp, shipping_vat_cents)
    select $6::uuid,
           'SO-' || to_char(now() at time zone $7, 'YYYY') || '-' || lpad(s.n::text, greatest(6, length(s.n::text)), '0'),
           $8::uuid, $9, $3, 'placed', $10, $11,
           ${placeholders(12, 9)}, ${placeholders(21, 9)},
           v.total - v.vat, v.vat, v.total, v.currency,
           not $32::boolean, $40, $41, $42, $43, $44,
           $37, $38, $39::int, $34::int, $35::int, $36::int
      from verdict v
     cross join lateral (select nextval('shop_order_number_seq') as n) s
     where v.fresh and v.refusal is null
    returning number, placed_at, subtotal_cents, vat_cents, total_cents, currency
  ),
  items as (
    insert into order_item (
      order_id, line_no, product_id, sku, name, unit_price_cents, vat_rate_bp, quantity, line_total_cents, vat_cents)
    select $6::uuid, ord, product_id, sku, name, price_cents, vat_rate_bp, quantity, line_total, line_vat
      from priced
     where (select ok from ok)
  ),
  history as (
    insert into order_status_change (order_id, from_status, to_status, actor_type, actor_id, reason)
    select $6::uuid, null, 'placed', 'subject', $3, 'placed at checkout'
     where (select ok from ok)
  )
  select v.fresh, o.number, o.placed_at, o.subtotal_cents, o.vat_cents, o.total_cents, o.currency,
         (select c.email from customer c where c.id = $8::uuid) as customer_email,
         p.ord as line_no, p.sku, p.name, p.price_cents as unit_price_cents, p.vat_rate_bp, p.quantity,
         p.line_total::int as line_total_cents, p.line_vat::int as line_vat_cents,
         case when v.refusal is not null then refuse_order_placement(v.refusal, json_build_object(
           'skus', case v.refusal
                     when 'unknown-product' then array(
                       select w.sku from wanted w where not exists (select 1 from locked l where l.sku = w.sku) order by w.ord)
                     when 'out-of-stock' then array(select sku from priced where stock < quantity order by ord)
                   end,
           'lines', case v.refusal
                      when 'unknown-product' then array(
                        select w.ord - 1 from wanted w where not exists (select 1 from locked l where l.sku = w.sku) order by w.ord)
                    end)::text) end as refused
    from verdict v
    left join placed o on true
    left join priced p on v.fresh and v.refusal is null
   order by p.ord`;

const addressValues = (a: OrderAddress): (string | null)[] => [
  a.firstName,
  a.lastName,
  a.company,
  a.street,
  a.houseNumber,
  a.addressLine2,
  a.postalCode,
  a.city,
  a.country,
];

/** JSON with sorted keys: equal requests hash equal whatever the key order they were sent in. */
function canonicalJson(value: unknown): string {
  if (value === undefined || value === null || typeof value !== 'object')
    return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

interface DriverError {
  code?: string;
  message?: string;
  detail?: string;
  constraint?: string;
}

/** The problem a failed placement statement stands for, if it was a refusal rather than a fault. */
function refusalOf(error: unknown): ProblemException | undefined {
  // A pg error as such (the prepared statement) or wrapped by TypeORM (QueryFailedError.driverError).
  const e = (error as { driverError?: DriverError } | null)?.driverError ?? (error as DriverError | null);
  if (!e || typeof e.code !== 'string') return undefined;
  // The token is signed, but the account behind it may have been erased since.
  if (e.code === '23503' && e.constraint === 'shop_order_customer_id_fkey') {
    return unauthorized('The account of this access token no longer exists.');
  }
  if (e.code !== 'SO001') return undefined;
  const detail = JSON.parse(e.detail ?? '{}') as { skus?: string[] | null; lines?: number[] | null };
  switch (e.message) {
    case 'unknown-product':
      return unknownProducts(
        (detail.lines ?? []).map((i) => ({
          field: `items.${i}.sku`,
          reason: 'no product with this SKU is on sale',
        })),
      );
    case 'out-of-stock':
      return outOfStock(detail.skus ?? []);
    case 'currency-mismatch':
      return currencyMismatch();
    case 'order-too-large':
      return orderTooLarge();
    default:
      return undefined;
  }
}

/**
 * Order placement (POST /api/v1/shop/orders). The rules, in order: the buyer (a signed-in customer
 * or a guest with an email), the addresses (the address validator's check, the same as at
 * registration; the normalised address is stored), then PLACE_ORDER_SQL: one round trip that
 * claims the Idempotency-Key, reserves the stock, writes order, lines and history, and commits, or
 * refuses and writes nothing. With consent to carrier notifications it runs in a transaction
 * together with the consent-ledger grant.
 */
@Injectable()
export class Checkout {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly addresses: AddressValidator,
    private readonly secrets: OrderSecrets,
    private readonly reader: OrderReader,
    private readonly consents: ConsentLedger,
    private readonly periods: StatutoryPeriods,
    private readonly uow: UnitOfWork,
    private readonly config: AppConfig,
    private readonly business: BusinessCustomers,
    private readonly shipping: ShippingRates,
    private readonly outbox: NotificationOutbox,
  ) {}

  async place(dto: PlaceOrderDto, context: PlacementContext): Promise<PlacedOrder> {
    const customerId = context.customerId;
    if (customerId && dto.email !== undefined) {
      throw new ValidationProblem([
        { field: 'email', reason: 'must not be sent when signed in: the email of the account is used' },
      ]);
    }
    if (!customerId && !dto.email) {
      throw new ValidationProblem([{ field: 'email', reason: 'is required for a guest order' }]);
    }
    const key = context.idempotencyKey;
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) throw invalidIdempotencyKey();
    this.assertDistinctSkus(dto);
    const { delivery, billing } = this.validateAddresses(dto);

    const guestEmail = customerId ? null : (dto.email as string).trim();
    const subjectId = customerId
      ? customerSubject(customerId)
      : await this.secrets.guestSubject(guestEmail as string);
    const orderId = randomUUID();
    const consent = dto.carrierNotificationConsent === true;
    const requestHash =
      key === undefined ? null : createHash('sha256').update(canonicalJson(dto)).digest('hex');

    const charges = await this.charges(dto, customerId, delivery.country, billing.country);

    const params = [
      dto.items.map((i) => i.sku),
      dto.items.map((i) => i.quantity),
      subjectId,
      key ?? null,
      requestHash,
      orderId,
      this.periods.timeZone,
      customerId ?? null,
      guestEmail,
      dto.paymentMethod,
      consent,
      ...addressValues(delivery),
      ...addressValues(billing),
      charges.treatment.rates.standard,
      charges.treatment.rates.reduced,
      charges.pricesNet,
      charges.netPrices,
      charges.shipping?.amountCents ?? 0,
      charges.shipping?.vatRateBp ?? 0,
      charges.shipping?.vatCents ?? 0,
      charges.shipping?.quote.methodCode ?? null,
      charges.shipping?.quote.carrier ?? null,
      charges.shipping?.quote.weightGrams ?? null,
      charges.treatment.regime,
      charges.treatment.taxCountry,
      charges.treatment.note,
      charges.buyer?.vatId ?? null,
      charges.treatment.regime === 'intra-eu-supply' ? (charges.buyer?.vatIdEvidence ?? null) : null,
    ];

    let rows: PlacementRow[];
    try {
      rows = await this.placeInTransaction(params, {
        subjectId,
        orderId,
        requestId: context.requestId,
        consent,
        locale: dto.locale ?? 'de',
      });
    } catch (error) {
      throw refusalOf(error) ?? error;
    }
    if (!rows[0].fresh) return this.replay(subjectId, key as string, requestHash as string, customerId);

    const first = rows[0];
    const lines: OrderLine[] = rows.map((r) => ({
      lineNo: r.line_no as number,
      sku: r.sku as string,
      name: r.name as string,
      quantity: r.quantity as number,
      unitPriceCents: r.unit_price_cents as number,
      vatRateBp: r.vat_rate_bp as number,
      lineTotalCents: r.line_total_cents as number,
      vatCents: r.line_vat_cents as number,
    }));
    const order = orderView(
      {
        id: orderId,
        number: first.number as string,
        status: 'placed',
        customerId: customerId ?? null,
        subjectId,
        email: guestEmail ?? first.customer_email,
        paymentMethod: dto.paymentMethod,
        carrierNotificationConsent: consent,
        deliveryAddress: delivery,
        billingAddress: billing,
        subtotalCents: first.subtotal_cents as number,
        vatCents: first.vat_cents as number,
        totalCents: first.total_cents as number,
        currency: (first.currency as string).trim(),
        placedAt: first.placed_at as Date,
        paidAt: null,
        charges: {
          pricesIncludeVat: !charges.pricesNet,
          vatRegime: charges.treatment.regime,
          vatCountry: charges.treatment.taxCountry,
          vatNote: charges.treatment.note,
          buyerVatId: charges.buyer?.vatId ?? null,
          buyerVatIdEvidence: null,
          shipping: charges.shipping
            ? {
                method: charges.shipping.quote.methodCode,
                carrier: charges.shipping.quote.carrier,
                weightGrams: charges.shipping.quote.weightGrams,
                amountCents: charges.shipping.amountCents,
                vatRateBp: charges.shipping.vatRateBp,
                vatCents: charges.shipping.vatCents,
              }
            : null,
        },
      },
      lines,
    );
    return {
      order,
      replayed: false,
      ...(customerId ? {} : { access: await this.secrets.signAccessToken(orderId) }),
    };
  }

  /**
   * Runs PLACE_ORDER_SQL as a named prepared statement on the query runner's connection: parsed and
   * planned once per connection instead of at every order (it is a large statement: planning would
   * cost about as much as running it). Autocommit when `runner` is not given.
   */
  private async runPlacement(params: unknown[], runner?: QueryRunner): Promise<PlacementRow[]> {
    const used = runner ?? this.dataSource.createQueryRunner();
    try {
      const client = (await used.connect()) as PoolClient;
      const result = await client.query<PlacementRow>({
        name: PLACE_ORDER_STATEMENT,
        text: PLACE_ORDER_SQL,
        values: params,
      });
      return result.rows;
    } finally {
      if (!runner) await used.release();
    }
  }

  /**
   * The placement statement, and in the same transaction what must commit with the order: the
   * order confirmation (notification outbox), the language of its emails when it is not German, and
   * with consent to carrier notifications the consent-ledger grant (the kernel's one way to record it).
   */
  private async placeInTransaction(
    params: unknown[],
    evidence: {
      subjectId: string;
      orderId: string;
      requestId: string;
      consent: boolean;
      locale: 'de' | 'en';
    },
  ): Promise<PlacementRow[]> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await this.runPlacement(params, manager.queryRunner);
      if (!rows[0].fresh) return rows;
      if (evidence.consent) {
        await this.consents.grant(
          {
            subjectId: evidence.subjectId,
            purpose: CARRIER_NOTIFICATIONS_PURPOSE,
            wording: CARRIER_NOTIFICATIONS_WORDING,
            channel: 'checkout',
            evidence: { orderId: evidence.orderId, requestId: evidence.requestId },
          },
          manager,
        );
      }
      if (evidence.locale !== 'de') {
        await manager.query('update shop_order set locale = $2 where id = $1', [
          evidence.orderId,
          evidence.locale,
        ]);
      }
      await this.outbox.notify(
        { template: ORDER_NOTICES.confirmation, recipient: { kind: ORDER_RECIPIENT, id: evidence.orderId } },
        manager,
      );
      return rows;
    });
  }

  /** The order an earlier request with this key placed; 422 when that request was a different one. */
  private async replay(
    scope: string,
    key: string,
    requestHash: string,
    customerId: string | undefined,
  ): Promise<PlacedOrder> {
    const claims = await this.dataSource.query<{ request_hash: string; order_id: string }[]>(
      'select request_hash, order_id from idempotency_key where scope = $1 and key = $2',
      [scope, key],
    );
    const claim = claims[0];
    // Gone only if the subject was erased meanwhile: then so is the order.
    if (!claim) throw notFound('The order placed with this Idempotency-Key');
    if (claim.request_hash !== requestHash) throw idempotencyKeyReused();
    const order = customerId
      ? await this.reader.forCustomer(claim.order_id, customerId)
      : await this.reader.forGuest(claim.order_id);
    if (!order) throw notFound('The order placed with this Idempotency-Key');
    return {
      order,
      replayed: true,
      ...(customerId ? {} : { access: await this.secrets.signAccessToken(claim.order_id) }),
    };
  }

  /**
   * What the order is charged besides the goods' catalogue prices, decided before the placement
   * statement: the buyer (a business profile or a consumer), the VAT treatment of the delivery, the
   * customer group's net prices and the shipping line. Reads only; the statement locks and writes.
   */
  private async charges(
    dto: PlaceOrderDto,
    customerId: string | undefined,
    destination: string,
    billingCountry: string,
  ): Promise<PlacementCharges> {
    const buyer = customerId ? await this.business.buyerOf(customerId) : null;
    if (buyer?.vatIdCountry && buyer.vatIdCountry !== billingCountry) {
      throw new InvalidInputError([
        {
          field: dto.billingAddress ? 'billingAddress.country' : 'deliveryAddress.country',
          reason: `must be the country of your VAT ID (${buyer.vatIdCountry}) for the invoice`,
        },
      ]);
    }
    const treatment = vatTreatment({
      buyer:
        buyer?.vatId && buyer.vatIdCountry
          ? {
              kind: 'business',
              vatId: buyer.vatId,
              vatIdCountry: buyer.vatIdCountry,
              vatIdConfirmed: buyer.vatIdConfirmed,
            }
          : { kind: 'consumer' },
      destinationCountry: destination,
      ossDestinationTaxation: this.config.VAT_OSS_DESTINATION_TAXATION,
    });
    const skus = dto.items.map((i) => i.sku);
    const pricesNet = buyer !== null;
    const groupPrices = buyer?.groupCode
      ? await this.business.netPrices(buyer.groupCode, skus)
      : new Map<string, number>();
    const netPrices = skus.map((sku) => groupPrices.get(sku) ?? null);

    let shipping: PlacementCharges['shipping'] = null;
    if (dto.shippingMethod !== undefined) {
      const products: { sku: string; price_cents: number; weight_grams: number | null }[] =
        await this.uow.manager.query(
          'select sku, price_cents, weight_grams from product where sku = any($1::text[]) and active',
          [skus],
        );
      const bySku = new Map(products.map((p) => [p.sku, p]));
      const lines = dto.items.flatMap((item, index) => {
        const product = bySku.get(item.sku);
        // An unknown SKU is the placement statement's refusal (422 naming the line), not shipping's.
        return product
          ? [{ index, sku: item.sku, quantity: item.quantity, weightGrams: product.weight_grams }]
          : [];
      });
      const quote = await this.shipping.quote({
        methodCode: dto.shippingMethod,
        destinationCountry: destination,
        lines,
        goodsValueCents: lines.reduce((sum, l) => sum + (bySku.get(l.sku)?.price_cents ?? 0) * l.quantity, 0),
      });
      // Shipping is an ancillary service: it follows the VAT of the delivery, at the standard rate.
      const vatRateBp = treatment.rates.standard;
      const amountCents = pricesNet ? netOfGross(quote.priceCents, 1900) : quote.priceCents;
      const vatCents = pricesNet ? vatOfNet(amountCents, vatRateBp) : vatOfGross(amountCents, vatRateBp);
      shipping = { quote, amountCents, vatRateBp, vatCents };
    }
    return { buyer, treatment, pricesNet, netPrices, shipping };
  }

  private assertDistinctSkus(dto: PlaceOrderDto): void {
    const seen = new Set<string>();
    const repeated = dto.items.flatMap((item, i) => {
      if (!seen.has(item.sku)) {
        seen.add(item.sku);
        return [];
      }
      return [
        { field: `items.${i}.sku`, reason: 'repeats the SKU of an earlier line; raise its quantity instead' },
      ];
    });
    if (repeated.length > 0) throw new ValidationProblem(repeated);
  }

  /** The address validator's check of both addresses; the normalised ones, or one 422 naming every field. */
  private validateAddresses(dto: PlaceOrderDto): { delivery: OrderAddress; billing: OrderAddress } {
    const errors: AddressFieldProblem[] = [];
    const suggestions: AddressFieldSuggestion[] = [];
    const check = (input: OrderAddressDto, path: string): OrderAddress => {
      const result = this.addresses.validate({ ...input });
      for (const e of result.errors)
        errors.push({ field: `${path}.${e.field}`, code: e.code, reason: e.message });
      for (const s of result.suggestions)
        suggestions.push({ field: `${path}.${s.field}`, value: s.value, reason: s.reason });
      const n = result.normalized;
      return {
        firstName: n.firstName ?? '',
        lastName: n.lastName ?? '',
        company: n.company ?? null,
        street: n.street ?? '',
        houseNumber: n.houseNumber ?? null,
        addressLine2: n.addressLine2 ?? null,
        postalCode: n.postalCode ?? '',
        city: n.city ?? '',
        country: n.country ?? '',
      };
    };
    const delivery = check(dto.deliveryAddress, 'deliveryAddress');
    const billing = dto.billingAddress ? check(dto.billingAddress, 'billingAddress') : delivery;
    if (errors.length > 0) throw invalidAddress(errors, suggestions);
    return { delivery, billing };
  }
}
