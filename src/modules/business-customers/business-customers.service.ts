import { Inject, Injectable } from '@nestjs/common';
import { InvalidInputError, NotFoundError, UnitOfWork } from '@app/core';
import { Discloser } from '@app/privacy';
import { customerSubject } from '../../common/subjects.js';
import { BUSINESS_CUSTOMERS_ACTIVITY_ID, VIES_RECIPIENT_ID } from './business-customers.declarations.js';
import type { BusinessProfileDto, BusinessProfileView, PriceListDto } from './business-customers.dto.js';
import { isParsed, parseVatId } from './vat-id.js';
import { sha256 } from './vies/http-vies-client.js';
import { VIES_CLIENT, type ViesAnswer, type ViesClient } from './vies/vies.port.js';

/** A business buyer as checkout and invoicing see it. */
export interface BusinessBuyer {
  companyName: string;
  vatId: string | null;
  vatIdCountry: string | null;
  vatIdConfirmed: boolean;
  /** "VIES <consultation number> <date>": what an order relying on the confirmation keeps. */
  vatIdEvidence: string | null;
  groupCode: string | null;
}

interface ProfileRow {
  company_name: string;
  vat_id: string | null;
  vat_id_country: string | null;
  vat_id_status: string;
  vat_id_checked_at: Date | null;
  group_code: string | null;
  request_identifier: string | null;
  request_date: string | null;
}

const STATUS_OF: Record<ViesAnswer['outcome'], string> = {
  valid: 'confirmed',
  invalid: 'invalid',
  unavailable: 'unavailable',
};

/**
 * Business profiles of customer accounts, their VAT IDs and VIES confirmations, customer groups
 * and their net price lists. The VIES call runs outside any transaction (a slow VIES must not hold
 * one), through the kernel's Discloser; its answer is stored as received.
 */
@Injectable()
export class BusinessCustomers {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly discloser: Discloser,
    @Inject(VIES_CLIENT) private readonly vies: ViesClient,
  ) {}

  async register(customerId: string, dto: BusinessProfileDto): Promise<BusinessProfileView> {
    const parsed = dto.vatId ? parseVatId(dto.vatId) : null;
    if (parsed && !isParsed(parsed)) throw new InvalidInputError([{ field: 'vatId', reason: parsed.reason }]);
    if (parsed && parsed.country !== dto.country) {
      throw new InvalidInputError([
        {
          field: 'vatId',
          reason: `is a VAT ID of ${parsed.country}, but the business is in ${dto.country}`,
        },
      ]);
    }
    await this.uow.manager.query(
      `insert into business_customer (customer_id, company_name, vat_id, vat_id_country, vat_id_status)
       values ($1, $2, $3, $4, $5)
       on conflict (customer_id) do update set company_name = excluded.company_name, vat_id = excluded.vat_id,
         vat_id_country = excluded.vat_id_country,
         vat_id_status = case when business_customer.vat_id is not distinct from excluded.vat_id
                              then business_customer.vat_id_status else excluded.vat_id_status end,
         updated_at = now()`,
      [
        customerId,
        dto.companyName.trim(),
        parsed?.vatId ?? null,
        parsed?.country ?? null,
        parsed ? 'unchecked' : 'none',
      ],
    );
    if (parsed) await this.confirm(customerId);
    return this.profile(customerId);
  }

  /** Asks VIES about the customer's VAT ID and records the answer (and the profile's status). */
  async confirm(customerId: string): Promise<BusinessProfileView> {
    const rows: { vat_id: string | null }[] = await this.uow.manager.query(
      'select vat_id from business_customer where customer_id = $1',
      [customerId],
    );
    const vatId = rows[0]?.vat_id;
    if (!rows[0]) throw new NotFoundError('The business profile');
    if (!vatId) throw new InvalidInputError([{ field: 'vatId', reason: 'is not set' }]);
    const payload = { countryCode: vatId.slice(0, 2), vatNumber: vatId.slice(2) };
    const answer = await this.uow.outside(() =>
      this.discloser.disclose({
        activityId: BUSINESS_CUSTOMERS_ACTIVITY_ID,
        recipientId: VIES_RECIPIENT_ID,
        subjectId: customerSubject(customerId),
        payload,
        send: (p) => this.vies.check(p),
      }),
    );
    await this.uow.transaction(async (m) => {
      await m.query(
        `insert into vat_id_check (customer_id, vat_id, valid, outcome, request_identifier, trader_name, request_date,
                                   response_sha256, response_body)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          customerId,
          vatId,
          answer.outcome === 'unavailable' ? null : answer.outcome === 'valid',
          answer.outcome,
          answer.requestIdentifier,
          answer.traderName,
          answer.requestDate,
          answer.responseBody === null ? null : sha256(answer.responseBody),
          answer.responseBody,
        ],
      );
      // An outage keeps an earlier confirmation of the same number: VIES being down does not revoke it.
      await m.query(
        `update business_customer
            set vat_id_status = case when $3 = 'unavailable' and vat_id_status = 'confirmed' then vat_id_status else $3 end,
                vat_id_checked_at = now()
          where customer_id = $1 and vat_id = $2`,
        [customerId, vatId, STATUS_OF[answer.outcome]],
      );
    });
    return this.profile(customerId);
  }

  async profile(customerId: string): Promise<BusinessProfileView> {
    const row = await this.row(customerId);
    if (!row) throw new NotFoundError('The business profile');
    return {
      companyName: row.company_name,
      vatId: row.vat_id,
      vatIdCountry: row.vat_id_country?.trim() ?? null,
      vatIdStatus: row.vat_id_status,
      vatIdCheckedAt: row.vat_id_checked_at?.toISOString() ?? null,
      vatIdConsultationNumber: row.vat_id_status === 'confirmed' ? row.request_identifier : null,
      customerGroup: row.group_code,
      pricesShown: 'net',
    };
  }

  /** The buyer behind a customer account for VAT and prices; null for a consumer. */
  async buyerOf(customerId: string): Promise<BusinessBuyer | null> {
    const row = await this.row(customerId);
    if (!row) return null;
    const confirmed = row.vat_id_status === 'confirmed';
    return {
      companyName: row.company_name,
      vatId: row.vat_id,
      vatIdCountry: row.vat_id_country?.trim() ?? null,
      vatIdConfirmed: confirmed,
      vatIdEvidence:
        confirmed && row.request_identifier
          ? `VIES ${row.request_identifier}${row.request_date ? ` ${row.request_date}` : ''}`
          : null,
      groupCode: row.group_code,
    };
  }

  /** The net unit prices of a customer group's price list for these SKUs (SKUs without a line are left out). */
  async netPrices(groupCode: string, skus: readonly string[]): Promise<Map<string, number>> {
    const rows: { sku: string; net_price_cents: number }[] = await this.uow.manager.query(
      'select sku, net_price_cents from price_list_entry where group_code = $1 and sku = any($2::text[])',
      [groupCode, skus],
    );
    return new Map(rows.map((r) => [r.sku, r.net_price_cents]));
  }

  async setGroup(customerId: string, group: string | null): Promise<BusinessProfileView> {
    await this.uow.transaction(async (m) => {
      if (group !== null) {
        const exists: unknown[] = await m.query('select 1 from customer_group where code = $1', [group]);
        if (exists.length === 0)
          throw new InvalidInputError([{ field: 'group', reason: 'is not a customer group' }]);
      }
      const updated: unknown[] = await m.query(
        'update business_customer set group_code = $2, updated_at = now() where customer_id = $1 returning 1',
        [customerId, group],
      );
      if (updated.length === 0) throw new NotFoundError('The business profile');
    });
    return this.profile(customerId);
  }

  /** Replaces a customer group's price list (creating the group), in one transaction. */
  async putPriceList(groupCode: string, dto: PriceListDto): Promise<{ group: string; prices: number }> {
    if (!/^[a-z0-9-]{2,40}$/.test(groupCode)) {
      throw new InvalidInputError([
        { field: 'group', reason: 'must be 2-40 lower-case letters, digits or hyphens' },
      ]);
    }
    const seen = new Set<string>();
    const repeated = dto.prices.flatMap((p, i) => {
      if (!seen.has(p.sku)) return (seen.add(p.sku), []);
      return [{ field: `prices.${i}.sku`, reason: 'appears twice' }];
    });
    if (repeated.length > 0) throw new InvalidInputError(repeated);
    await this.uow.transaction(async (m) => {
      await m.query(
        `insert into customer_group (code, name) values ($1, $2) on conflict (code) do update set name = excluded.name`,
        [groupCode, dto.name],
      );
      await m.query('delete from price_list_entry where group_code = $1', [groupCode]);
      await m.query(
        `insert into price_list_entry (group_code, sku, net_price_cents)
         select $1, sku, price from unnest($2::text[], $3::int[]) as p(sku, price)`,
        [groupCode, dto.prices.map((p) => p.sku), dto.prices.map((p) => p.netPriceCents)],
      );
    });
    return { group: groupCode, prices: dto.prices.length };
  }

  private async row(customerId: string): Promise<ProfileRow | undefined> {
    const rows: ProfileRow[] = await this.uow.manager.query(
      `select b.company_name, b.vat_id, b.vat_id_country, b.vat_id_status, b.vat_id_checked_at, b.group_code,
              c.request_identifier, c.request_date
         from business_customer b
         left join lateral (
           select request_identifier, request_date from vat_id_check v
            where v.customer_id = b.customer_id and v.vat_id = b.vat_id and v.outcome = 'valid'
            order by v.checked_at desc limit 1) c on true
        where b.customer_id = $1`,
      [customerId],
    );
    return rows[0];
  }
}
