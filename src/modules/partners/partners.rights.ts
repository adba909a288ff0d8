import { declareRecords } from '@app/privacy';
import { PARTNER_ACCOUNTS, PARTNER_CONTACT_RETENTION_DAYS } from './partners.declarations.js';

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
 * account (a company) and its keys stay. Former partners' contacts go PARTNER_CONTACT_RETENTION_DAYS
 * after the account was deactivated.
 */
export const PARTNER_CONTACT_RECORDS = declareRecords({
  name: 'partner-contacts',
  records: [
    {
      recordType: PARTNER_CONTACT_RECORD_TYPE,
      activityId: PARTNER_ACCOUNTS.id,
      table: 'partner',
      subjectColumn: 'id',
      subjectType: 'uuid',
      subjectValue: partnerIdOf,
      where: 'contact_name is not null or contact_email is not null',
      dateColumn: 'created_at',
      onErasure: { anonymise: { contact_name: 'null', contact_email: 'null', updated_at: 'now()' } },
      export: {
        columns: ['name', 'contact_name', 'contact_email'],
        categories: PARTNER_ACCOUNTS.dataCategories.map((c) => c.id),
        toData: (r) => ({
          partner: r.name as string,
          contactName: r.contact_name as string | null,
          contactEmail: r.contact_email as string | null,
        }),
      },
      retention: {
        id: 'partner-accounts.former-partner-contacts',
        afterDays: PARTNER_CONTACT_RETENTION_DAYS,
        dateColumn: 'deactivated_at',
        subjectColumn: 'subject_id',
        anonymise: ['contact_name', 'contact_email'],
      },
    },
  ],
});
