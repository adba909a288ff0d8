import { Injectable } from '@nestjs/common';
import type {
  BlockedRecord,
  CustomRetentionPolicy,
  ErasureContext,
  ErasureOutcome,
  ExportRecord,
  ExportSection,
  PersonalDataEraser,
  PersonalDataExporter,
} from '@app/privacy';
import type { EntityManager } from 'typeorm';
import { customerSubject } from '../../common/subjects.js';
import { CUSTOMER_RECORD, SESSION_RECORD } from './customer-sessions.js';
import { REGISTRATION, REGISTRATION_CATEGORIES } from './registration.declarations.js';

export const ADDRESS_RECORD = 'customer_address';

const CUSTOMER_SUBJECT = /^customer:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The customer id of a `customer:<uuid>` subject, or undefined for any other subject. */
export const customerIdOf = (subjectId: string): string | undefined => CUSTOMER_SUBJECT.exec(subjectId)?.[1];

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Ended sessions are deleted this many days after they ended. */
export const ENDED_SESSION_GRACE_DAYS = 30;

/** One sign-in session as the person sees it: a family of refresh tokens, never their hashes. */
interface SessionRow {
  family_id: string;
  started_at: Date;
  last_used_at: Date | null;
  expires_at: Date;
  ended_at: Date | null;
  end_reason: string | null;
}

/**
 * Access (Art. 15, 20) and erasure (Art. 17) of the account: profile, address book and sessions.
 * Consents are the kernel's (the ledger answers for itself). No statute keeps account data, so
 * erasure erases; only a legal hold keeps a record (and then the account it belongs to).
 */
@Injectable()
export class RegistrationRights implements PersonalDataExporter, PersonalDataEraser {
  readonly name = 'registration';

  async export(subjectId: string, manager: EntityManager): Promise<ExportSection> {
    const customerId = customerIdOf(subjectId);
    const empty: ExportSection = { activities: [REGISTRATION.id], categories: [], records: [] };
    if (!customerId) return empty;
    const customers: {
      id: string;
      email: string;
      first_name: string;
      last_name: string;
      phone: string | null;
      date_of_birth: string | null;
      company: string | null;
      created_at: Date;
      updated_at: Date;
    }[] = await manager.query(
      `select id, email, first_name, last_name, phone, to_char(date_of_birth, 'YYYY-MM-DD') as date_of_birth,
              company, created_at, updated_at
         from customer where id = $1`,
      [customerId],
    );
    const customer = customers[0];
    if (!customer) return empty;
    const addresses: {
      id: string;
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
      updated_at: Date;
    }[] = await manager.query(
      `select id, label, first_name, last_name, company, street, house_number, address_line2, postal_code, city,
              country, is_default_delivery, is_default_billing, created_at, updated_at
         from customer_address where customer_id = $1 order by created_at, id`,
      [customerId],
    );
    const sessions: SessionRow[] = await manager.query(
      `select family_id, min(created_at) as started_at, max(used_at) as last_used_at, max(expires_at) as expires_at,
              max(revoked_at) as ended_at, max(revoke_reason) as end_reason
         from customer_session where customer_id = $1 group by family_id order by min(created_at), family_id`,
      [customerId],
    );

    const record = (recordType: string, recordId: string, data: ExportRecord['data']): ExportRecord => ({
      recordType,
      recordId,
      activityId: REGISTRATION.id,
      data,
    });
    const c = REGISTRATION_CATEGORIES;
    const categories: string[] = [c.email.id, c.password.id, c.name.id];
    if (customer.phone) categories.push(c.phone.id);
    if (customer.date_of_birth) categories.push(c.dateOfBirth.id);
    if (customer.company || addresses.some((a) => a.company)) categories.push(c.company.id);
    if (addresses.length > 0) categories.push(c.address.id);
    if (sessions.length > 0) categories.push(c.session.id);

    return {
      activities: [REGISTRATION.id],
      categories,
      records: [
        record(CUSTOMER_RECORD, customer.id, {
          id: customer.id,
          email: customer.email,
          firstName: customer.first_name,
          lastName: customer.last_name,
          phone: customer.phone,
          dateOfBirth: customer.date_of_birth,
          company: customer.company,
          // The hash is kept only to check sign-ins; handing it out would only help someone crack it.
          password: 'stored only as an Argon2id hash, which is not part of this copy',
          createdAt: customer.created_at.toISOString(),
          updatedAt: customer.updated_at.toISOString(),
        }),
        ...addresses.map((a) =>
          record(ADDRESS_RECORD, a.id, {
            label: a.label,
            firstName: a.first_name,
            lastName: a.last_name,
            company: a.company,
            street: a.street,
            houseNumber: a.house_number,
            addressLine2: a.address_line2,
            postalCode: a.postal_code,
            city: a.city,
            country: a.country,
            isDefaultDelivery: a.is_default_delivery,
            isDefaultBilling: a.is_default_billing,
            createdAt: a.created_at.toISOString(),
            updatedAt: a.updated_at.toISOString(),
          }),
        ),
        ...sessions.map((s) =>
          record(SESSION_RECORD, s.family_id, {
            startedAt: s.started_at.toISOString(),
            lastUsedAt: iso(s.last_used_at),
            expiresAt: s.expires_at.toISOString(),
            endedAt: iso(s.ended_at),
            endReason: s.end_reason,
          }),
        ),
      ],
    };
  }

  /**
   * Erases sessions, addresses and the account. A record a legal hold covers is kept ('held'); the
   * account then stays too (its rows reference it), under the same hold, and is blocked, so nobody
   * signs in with it; the sweep erases it when the hold is released.
   */
  async erase(subjectId: string, context: ErasureContext): Promise<ErasureOutcome[]> {
    const customerId = customerIdOf(subjectId);
    if (!customerId) return [];
    const { manager } = context;
    const customers: { id: string; created_at: Date }[] = await manager.query(
      'select id, created_at from customer where id = $1 for update',
      [customerId],
    );
    const customer = customers[0];
    if (!customer) return [];
    const addresses: { id: string; created_at: Date }[] = await manager.query(
      'select id, created_at from customer_address where customer_id = $1',
      [customerId],
    );
    const sessions: { family_id: string; started_at: Date }[] = await manager.query(
      'select family_id, min(created_at) as started_at from customer_session where customer_id = $1 group by family_id',
      [customerId],
    );

    const outcomes: ErasureOutcome[] = [];
    const holdOf = (recordType: string, recordId: string, occurredAt: Date) =>
      context.heldBy({ activityId: REGISTRATION.id, recordType, recordId, occurredAt });
    const held = (
      recordType: string,
      recordId: string,
      holdId: string,
      recordDate: Date,
    ): ErasureOutcome => ({
      recordType,
      recordId,
      outcome: 'held',
      activityId: REGISTRATION.id,
      holdId,
      recordDate,
    });
    let accountHold = holdOf(CUSTOMER_RECORD, customer.id, customer.created_at);

    for (const s of sessions) {
      const holdId = holdOf(SESSION_RECORD, s.family_id, s.started_at);
      if (holdId) {
        outcomes.push(held(SESSION_RECORD, s.family_id, holdId, s.started_at));
        accountHold ??= holdId;
      } else {
        await manager.query('delete from customer_session where family_id = $1', [s.family_id]);
        outcomes.push({ recordType: SESSION_RECORD, recordId: s.family_id, outcome: 'erased' });
      }
    }
    for (const a of addresses) {
      const holdId = holdOf(ADDRESS_RECORD, a.id, a.created_at);
      if (holdId) {
        outcomes.push(held(ADDRESS_RECORD, a.id, holdId, a.created_at));
        accountHold ??= holdId;
      } else {
        await manager.query('delete from customer_address where id = $1', [a.id]);
        outcomes.push({ recordType: ADDRESS_RECORD, recordId: a.id, outcome: 'erased' });
      }
    }
    if (accountHold) {
      // Signed out everywhere: a blocked account must not stay signed in on any device.
      await manager.query(
        `update customer_session set revoked_at = now(), revoke_reason = 'logout' where customer_id = $1 and revoked_at is null`,
        [customerId],
      );
      outcomes.push(held(CUSTOMER_RECORD, customer.id, accountHold, customer.created_at));
    } else {
      await manager.query('delete from customer where id = $1', [customer.id]);
      outcomes.push({ recordType: CUSTOMER_RECORD, recordId: customer.id, outcome: 'erased' });
    }
    return outcomes;
  }

  /** Erases records kept for a hold that has been released (called by the retention sweep). */
  async eraseBlocked(records: readonly BlockedRecord[], manager: EntityManager): Promise<void> {
    const ids = (type: string) => records.filter((r) => r.recordType === type).map((r) => r.recordId);
    const sessions = ids(SESSION_RECORD);
    const addresses = ids(ADDRESS_RECORD);
    const customers = ids(CUSTOMER_RECORD);
    if (sessions.length > 0)
      await manager.query('delete from customer_session where family_id::text = any($1::text[])', [sessions]);
    if (addresses.length > 0)
      await manager.query('delete from customer_address where id::text = any($1::text[])', [addresses]);
    if (customers.length > 0)
      await manager.query('delete from customer where id::text = any($1::text[])', [customers]);
  }
}

/**
 * Ended sessions (expired, signed out, ended by a password change or by token reuse) are deleted
 * ENDED_SESSION_GRACE_DAYS after they ended; the grace keeps the trail of a theft investigation.
 */
export const ENDED_SESSIONS_POLICY: CustomRetentionPolicy = {
  id: 'registration.ended-sessions',
  activityId: REGISTRATION.id,
  category: REGISTRATION_CATEGORIES.session.id,
  recordType: SESSION_RECORD,
  async findExpired(now, manager) {
    const cutoff = new Date(now.getTime() - ENDED_SESSION_GRACE_DAYS * 86_400_000);
    const rows: { family_id: string; customer_id: string; started_at: Date }[] = await manager.query(
      `select family_id, customer_id, min(created_at) as started_at from customer_session
        group by family_id, customer_id
       having max(least(expires_at, coalesce(revoked_at, expires_at))) < $1
        order by family_id limit 5000`,
      [cutoff],
    );
    return rows.map((r) => ({
      recordId: r.family_id,
      subjectId: customerSubject(r.customer_id),
      occurredAt: r.started_at,
    }));
  },
  async erase(familyIds, manager) {
    await manager.query('delete from customer_session where family_id::text = any($1::text[])', [familyIds]);
  },
};
