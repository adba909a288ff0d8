import { defineActivity, type EvidencePeriods } from '@app/privacy';

/** Three years: the regular limitation period (§ 195 BGB) within which the shop may have to prove it acted lawfully. */
const THREE_YEARS = 3 * 365;

/** How long the kernel's evidence is kept (the retention sweep prunes it after that). */
export const EVIDENCE_PERIODS: EvidencePeriods = {
  consentDays: THREE_YEARS,
  disclosureDays: THREE_YEARS,
  auditDays: THREE_YEARS,
  restrictionDays: THREE_YEARS,
  objectionDays: THREE_YEARS,
};

/**
 * The evidence the privacy kernel keeps about everyone's data: the consent ledger, the disclosure log,
 * the access audit log, restrictions and objections. Declared here, next to the code that answers the
 * requests they prove, with a period each and the deletion path (the retention sweep).
 */
export const PRIVACY_EVIDENCE = defineActivity({
  id: 'privacy-evidence',
  name: 'Evidence of lawful processing: consents, disclosures, accesses, restrictions and objections',
  purposes: [
    'Prove that consents were given and when they were withdrawn (Art. 7(1) GDPR)',
    'Name the actual recipients of a person’s data and tell them of rectification, erasure or restriction (Arts. 15(1)(c), 19 GDPR)',
    'Prove who accessed personal data (Arts. 5(2), 32 GDPR)',
    'Honour restrictions and objections while they are in force (Arts. 18, 21 GDPR)',
  ],
  legalBasis: '6(1)(c)',
  dataSubjects: ['customers', 'guests', 'inquirers', 'patients'],
  dataCategories: [
    {
      id: 'evidence.consents',
      description: 'Consent events: purpose, grant or withdrawal, time, wording version and hash, channel',
      collection: 'not-collected-from-subject',
    },
    {
      id: 'evidence.disclosures',
      description:
        'What left the shop for which recipient: field names and a keyed hash of the payload, never values',
      collection: 'not-collected-from-subject',
    },
    {
      id: 'evidence.access-audit',
      description:
        'Who read whose data for which activity and which fields (names, never values), hash-chained',
      collection: 'not-collected-from-subject',
    },
    {
      id: 'evidence.restrictions',
      description: 'Restrictions (Art. 18): since when, why, which activity, when lifted',
      collection: 'not-collected-from-subject',
    },
    {
      id: 'evidence.objections',
      description:
        'Objections (Art. 21): to which activity, since when, through which channel, when withdrawn',
      collection: 'not-collected-from-subject',
    },
  ],
  source: { kind: 'data-subject' },
  disclosures: [],
  processors: ['hosting-provider'],
  retention: [
    {
      kind: 'event',
      event: 'the withdrawal of the consent',
      graceDays: EVIDENCE_PERIODS.consentDays,
      description:
        'Consent events: while the consent is in force, then three years after its withdrawal (§ 195 BGB), then deleted.',
    },
    {
      kind: 'duration',
      days: EVIDENCE_PERIODS.disclosureDays,
      description: 'Disclosure log entries: three years after the disclosure, then deleted.',
    },
    {
      kind: 'duration',
      days: EVIDENCE_PERIODS.auditDays,
      description:
        'Access audit log: three years after the access; pruned from the start of the chain after sealing a checkpoint (seq and hash of the last pruned row, verified first), so the rest stays verifiable.',
    },
    {
      kind: 'event',
      event: 'the lifting of the restriction or the withdrawal of the objection',
      graceDays: EVIDENCE_PERIODS.restrictionDays,
      description: 'Restrictions and objections: while in force, then three years, then deleted.',
    },
  ],
  measures: [
    'Append-only: the database refuses to change or delete rows except in the erasure of a person or the retention sweep’s own transaction',
    'The access audit log is hash-chained; checkpoints are hash-chained too and sealed only over a verified chain',
    'Legal holds keep evidence past its period (the retention sweep skips what a hold covers)',
  ],
  retentionPurpose: true,
});
