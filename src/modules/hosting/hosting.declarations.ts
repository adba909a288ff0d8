import { defineActivity } from '@app/privacy';

/**
 * Hosting, database, security and maintenance by processors (Art. 28). It has no code of its own:
 * every table of the shop is stored there, so its categories are those of every other activity.
 */
export const HOSTING = defineActivity({
  id: 'hosting',
  name: 'Hosting, database operation, security and maintenance by processors',
  purposes: ['Operate the shop systems securely and reliably', 'Maintain and back up the database'],
  legalBasis: '6(1)(f)',
  legitimateInterestAssessment:
    'The shop has a legitimate interest in running its systems on professional infrastructure instead of its own ' +
    'servers. The processor acts only on documented instructions under an Art. 28 contract, in Germany, with no ' +
    'use of the data for its own purposes; the people concerned expect an online shop to be hosted. Their interests ' +
    'do not override, as the data stays within the EU under the same protection.',
  compellingGrounds:
    'Without hosting there is no shop: an objection cannot stop storage of data other activities need.',
  dataSubjects: ['customers', 'guests', 'inquirers', 'website visitors', 'staff'],
  dataCategories: [
    {
      id: 'stored-records',
      description: 'All personal data stored by the other activities, as stored',
      collection: 'not-collected-from-subject',
    },
  ],
  source: { kind: 'third-party', name: "the shop's own processing activities (data as stored)" },
  disclosures: [],
  processors: ['hosting-provider'],
  retention: [
    {
      kind: 'event',
      event: 'as long as each owning activity keeps the data',
      description: 'The retention of each owning activity applies.',
    },
  ],
  measures: [
    'Data centre in Germany (ISO/IEC 27001 certified)',
    'Encryption in transit (TLS) and at rest',
    'Access only for named administrators, with audit logging',
    'Daily encrypted backups, kept 30 days',
  ],
});
