import { Injectable } from '@nestjs/common';
import type {
  BlockedRecord,
  ErasureContext,
  ErasureOutcome,
  ExportSection,
  PersonalDataEraser,
  PersonalDataExporter,
} from '@app/privacy';
import type { EntityManager } from 'typeorm';
import { PARTNER_ACCOUNTS } from './partners.declarations.js';

export const PARTNER_CONTACT_RECORD_TYPE = 'partner_contact';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The partner id of a `partner-contact:<uuid>` subject, or undefined for anyone else. */
function partnerIdOf(subjectId: string): string | undefined {
  const id = subjectId.startsWith('partner-contact:')
    ? subjectId.slice('partner-contact:'.length)
    : undefined;
  return id && UUID.test(id) ? id : undefined;
}

/**
 * Art. 15/20 and 17 for a partner's technical contact (subject `partner-contact:<partnerId>`): the
 * only personal data of this module. Erasure removes the contact's name and email; the partner
 * account (a company) and its keys stay.
 */
@Injectable()
export class PartnerContactRights implements PersonalDataExporter, PersonalDataEraser {
  readonly name = 'partner-contacts';

  async export(subjectId: string, manager: EntityManager): Promise<ExportSection> {
    const id = partnerIdOf(subjectId);
    const rows: { id: string; name: string; contact_name: string | null; contact_email: string | null }[] = id
      ? await manager.query(
          `select id, name, contact_name, contact_email from partner
            where id = $1 and (contact_name is not null or contact_email is not null)`,
          [id],
        )
      : [];
    if (rows.length === 0) return { activities: [], categories: [], records: [] };
    return {
      activities: [PARTNER_ACCOUNTS.id],
      categories: PARTNER_ACCOUNTS.dataCategories.map((c) => c.id),
      records: rows.map((r) => ({
        recordType: PARTNER_CONTACT_RECORD_TYPE,
        recordId: r.id,
        activityId: PARTNER_ACCOUNTS.id,
        data: { partner: r.name, contactName: r.contact_name, contactEmail: r.contact_email },
      })),
    };
  }

  async erase(subjectId: string, context: ErasureContext): Promise<ErasureOutcome[]> {
    const id = partnerIdOf(subjectId);
    if (!id) return [];
    const rows: { id: string; created_at: Date }[] = await context.manager.query(
      `select id, created_at from partner
        where id = $1 and (contact_name is not null or contact_email is not null) for update`,
      [id],
    );
    if (rows.length === 0) return [];
    const holdId = context.heldBy({
      activityId: PARTNER_ACCOUNTS.id,
      recordType: PARTNER_CONTACT_RECORD_TYPE,
      recordId: id,
      occurredAt: rows[0].created_at,
    });
    if (holdId)
      return [
        {
          recordType: PARTNER_CONTACT_RECORD_TYPE,
          recordId: id,
          outcome: 'held',
          activityId: PARTNER_ACCOUNTS.id,
          holdId,
          recordDate: rows[0].created_at,
        },
      ];
    await context.manager.query(
      `update partner set contact_name = null, contact_email = null, updated_at = now() where id = $1`,
      [id],
    );
    return [{ recordType: PARTNER_CONTACT_RECORD_TYPE, recordId: id, outcome: 'anonymised' }];
  }

  async eraseBlocked(records: readonly BlockedRecord[], manager: EntityManager): Promise<void> {
    const ids = records.filter((r) => r.recordType === PARTNER_CONTACT_RECORD_TYPE).map((r) => r.recordId);
    if (ids.length === 0) return;
    await manager.query(
      `update partner set contact_name = null, contact_email = null, updated_at = now() where id = any($1::uuid[])`,
      [ids],
    );
  }
}
