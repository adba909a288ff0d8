import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { notBlockedClause } from '@app/privacy';
import { DataSource } from 'typeorm';

/**
 * The staff-side directory of customers, published for the back office (index.ts): reads of this
 * module's tables (customer, customer_address) in SQL, so that a record never carries the password
 * hash along. Records blocked for a statute (record types `customer`, `customer_address`) are left
 * out: they may be read only for the retention purpose.
 */

export interface CustomerAddressRecord {
  id: string;
  label: string | null;
  firstName: string;
  lastName: string;
  company: string | null;
  street: string;
  houseNumber: string | null;
  addressLine2: string | null;
  postalCode: string;
  city: string;
  country: string;
  isDefaultDelivery: boolean;
  isDefaultBilling: boolean;
  createdAt: Date;
}

/** Everything the back office may ever show of a customer; the role's view decides what it does show. */
export interface CustomerRecord {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  company: string | null;
  dateOfBirth: string | null;
  createdAt: Date;
  updatedAt: Date;
  addresses: CustomerAddressRecord[];
}

export type CustomerCriteria =
  { by: 'id'; id: string } | { by: 'email'; normalisedEmail: string } | { by: 'name'; terms: string[] };

/** Where a page of results starts: after this customer in (created_at desc, id desc) order. */
export interface CustomerCursor {
  /** created_at in microseconds since the epoch, as a decimal string (exact, unlike a JS Date). */
  createdAtMicros: string;
  id: string;
}

export interface CustomerSearchResult {
  records: CustomerRecord[];
  /** The position of the last record, for the next page. */
  last: CustomerCursor | null;
}

interface CustomerRow {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  phone: string | null;
  company: string | null;
  date_of_birth: string | null;
  created_at: Date;
  updated_at: Date;
  created_at_micros: string;
}

interface AddressRow {
  id: string;
  customer_id: string;
  label: string | null;
  first_name: string;
  last_name: string;
  company: string | null;
  street: string;
  house_number: string | null;
  address_line2: string | null;
  postal_code: string;
  city: string;
  country: string;
  is_default_delivery: boolean;
  is_default_billing: boolean;
  created_at: Date;
}

const CUSTOMER_COLUMNS = `c.id, c.email, c.first_name, c.last_name, c.phone, c.company,
  to_char(c.date_of_birth, 'YYYY-MM-DD') as date_of_birth, c.created_at, c.updated_at,
  (extract(epoch from c.created_at) * 1000000)::bigint::text as created_at_micros`;

/** `%`, `_` and the escape character itself are literal in a search term. */
const likeContains = (term: string): string => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

@Injectable()
export class CustomerDirectory {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async byId(id: string): Promise<CustomerRecord | null> {
    const rows: CustomerRow[] = await this.dataSource.query(
      `select ${CUSTOMER_COLUMNS} from customer c where c.id = $1 and ${notBlockedClause('customer', 'c.id')}`,
      [id],
    );
    return (await this.withAddresses(rows))[0] ?? null;
  }

  /** Up to `limit` customers matching, newest first, after `cursor`. */
  async search(
    criteria: CustomerCriteria,
    limit: number,
    cursor?: CustomerCursor,
  ): Promise<CustomerSearchResult> {
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [notBlockedClause('customer', 'c.id')];
    switch (criteria.by) {
      case 'id':
        where.push(`c.id = ${param(criteria.id)}`);
        break;
      case 'email':
        where.push(`c.email_normalized = ${param(criteria.normalisedEmail)}`);
        break;
      case 'name':
        for (const term of criteria.terms) {
          const p = param(likeContains(term));
          where.push(`(c.first_name ilike ${p} or c.last_name ilike ${p})`);
        }
        break;
    }
    if (cursor)
      where.push(
        `(c.created_at, c.id) < (timestamptz 'epoch' + ${param(cursor.createdAtMicros)}::bigint * interval '1 microsecond', ${param(cursor.id)}::uuid)`,
      );
    const rows: CustomerRow[] = await this.dataSource.query(
      `select ${CUSTOMER_COLUMNS} from customer c
        where ${where.join(' and ')}
        order by c.created_at desc, c.id desc
        limit ${param(limit)}`,
      params,
    );
    const last = rows.at(-1);
    return {
      records: await this.withAddresses(rows),
      last: last ? { createdAtMicros: last.created_at_micros, id: last.id } : null,
    };
  }

  private async withAddresses(rows: CustomerRow[]): Promise<CustomerRecord[]> {
    if (rows.length === 0) return [];
    const addresses: AddressRow[] = await this.dataSource.query(
      `select a.id, a.customer_id, a.label, a.first_name, a.last_name, a.company, a.street, a.house_number,
              a.address_line2, a.postal_code, a.city, a.country, a.is_default_delivery, a.is_default_billing,
              a.created_at
         from customer_address a
        where a.customer_id = any($1::uuid[]) and ${notBlockedClause('customer_address', 'a.id')}
        order by a.is_default_delivery desc, a.is_default_billing desc, a.created_at, a.id`,
      [rows.map((r) => r.id)],
    );
    const byCustomer = new Map<string, CustomerAddressRecord[]>();
    for (const a of addresses) {
      const list = byCustomer.get(a.customer_id) ?? [];
      list.push({
        id: a.id,
        label: a.label,
        firstName: a.first_name,
        lastName: a.last_name,
        company: a.company,
        street: a.street,
        houseNumber: a.house_number,
        addressLine2: a.address_line2,
        postalCode: a.postal_code,
        city: a.city,
        country: a.country.trim(),
        isDefaultDelivery: a.is_default_delivery,
        isDefaultBilling: a.is_default_billing,
        createdAt: a.created_at,
      });
      byCustomer.set(a.customer_id, list);
    }
    return rows.map((r) => ({
      id: r.id,
      email: r.email,
      firstName: r.first_name,
      lastName: r.last_name,
      phone: r.phone,
      company: r.company,
      dateOfBirth: r.date_of_birth,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      addresses: byCustomer.get(r.id) ?? [],
    }));
  }
}
