import { defineActivity } from '@app/privacy';

/** A former partner's contact data is kept this long after the partner is deactivated (wind-down, disputes). */
export const PARTNER_CONTACT_RETENTION_DAYS = 90;

/**
 * Partner accounts (carriers, logistics partners) and their API keys. The partner itself is a
 * company, not a data subject, and its API keys identify systems, not people (see README.md); the
 * personal data is the name and email of the partner's technical contact, where one is given.
 */
export const PARTNER_ACCOUNTS = defineActivity({
  id: 'partner-accounts',
  name: 'Partner accounts and API keys of carriers and logistics partners',
  owner: 'Logistics',
  purposes: [
    'Let carriers and logistics partners use the partner API with their own, scoped API keys',
    "Reach the partner's technical contact about the integration (key rotation, incidents, API changes)",
  ],
  legalBasis: '6(1)(f)',
  legitimateInterestAssessment:
    "The contract is with the partner company, not with its employee, so the contact person's data rests on the " +
    "shop's legitimate interest in running the integration with its carriers. Only a work name and a work email " +
    'address are kept, given by the partner for this very purpose; they are used for nothing else and shown only ' +
    'to administrators. A technical contact expects to be contacted about the integration they look after, so ' +
    'their interests do not override. They can object at any time; the contact data is then erased and the ' +
    'partner asked for another contact.',
  dataSubjects: ['technical contact persons of carriers and logistics partners'],
  dataCategories: [
    {
      id: 'partner.contact-name',
      description: "name of the partner's technical contact",
      collection: 'voluntary',
    },
    {
      id: 'partner.contact-email',
      description: "work email address of the partner's technical contact",
      collection: 'voluntary',
    },
  ],
  source: { kind: 'third-party', name: 'the partner company, when it names its technical contact' },
  disclosures: [],
  processors: ['hosting-provider'],
  retention: [
    {
      kind: 'event',
      event: 'the partner is deactivated (end of the cooperation)',
      graceDays: PARTNER_CONTACT_RETENTION_DAYS,
      description:
        'The contact data is erased 90 days after the partner is deactivated, or at once on erasure or objection; ' +
        'a new contact replaces the old one when the partner names one.',
    },
  ],
  measures: [
    'API keys of 256 random bits, shown once at creation and stored only as SHA-256 hashes',
    "Keys are scoped and revocable; a deactivated partner's keys stop working at once",
    "A partner sees only its own resources: another partner's answer 404, so their existence is not revealed",
    'Contact data is shown only to administrators, and each read is recorded in the access audit log',
  ],
});
