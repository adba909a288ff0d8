import { defineActivity } from '@app/privacy';

/** How long the proof of an answer is kept (DESIGN §2: 3 years suggested; the regular limitation period of § 195 BGB). */
export const REQUEST_PROOF_YEARS = 3;

export const DATA_SUBJECT_RIGHTS = defineActivity({
  id: 'data-subject-rights',
  name: 'Handling requests under Arts. 15-21 GDPR',
  purposes: [
    'Answer access, portability, erasure, restriction and objection requests within the statutory period',
    'Prove how and when each request was answered',
  ],
  legalBasis: '6(1)(c)',
  dataSubjects: ['customers', 'guests'],
  dataCategories: [
    {
      id: 'request.record',
      description:
        'Type of request, dates, status, which activities it concerned and the outcome (counts, never the data itself)',
      collection: 'mandatory',
      reason: 'Arts. 5(2) and 12 GDPR: the answer must be provable.',
    },
  ],
  source: { kind: 'data-subject' },
  disclosures: [],
  processors: ['hosting-provider'],
  retention: [
    {
      kind: 'duration',
      days: REQUEST_PROOF_YEARS * 365,
      description:
        'Kept three years after the request as proof of the answer (regular limitation period, § 195 BGB), then erased.',
    },
  ],
  measures: [
    'Requests are taken only from the signed-in person (identity verified by their account)',
    'The request record holds the type, dates and outcome summary, never a copy of the data handed out',
    'Exports are audited in the access audit log',
  ],
  retentionPurpose: true,
});
