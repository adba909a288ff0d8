import { defineActivity } from '@app/privacy';

/** How long the proof of an answer is kept (the privacy policy: 3 years suggested; the regular limitation period of § 195 BGB). */
export const REQUEST_PROOF_YEARS = 3;

export const DATA_SUBJECT_RIGHTS = defineActivity({
  id: 'data-subject-rights',
  name: 'Handling requests under Arts. 15-21 GDPR',
  purposes: [
    'Answer access, portability, erasure, restriction and objection requests within the statutory period',
    'Prove how and when each request was answered',
  ],
  legalBasis: '6(1)(c)',
  dataSubjects: ['customers', 'guests', 'inquirers'],
  dataCategories: [
    {
      id: 'request.record',
      description:
        'Type of request, dates, status, which activities it concerned and the outcome (counts, never the data itself)',
      collection: 'mandatory',
      reason: 'Arts. 5(2) and 12 GDPR: the answer must be provable.',
    },
    {
      id: 'request.contact',
      description:
        'The email address a request was made with (the one-time codes and the answer go there) and, for a request ' +
        'received by letter or phone, how staff checked the identity (never a copy of an ID document)',
      collection: 'mandatory',
      reason: 'Art. 12(6) GDPR: the identity must be verified before anything is disclosed or changed.',
    },
    {
      id: 'request.steps',
      description:
        'Each step of the request with its time and actor, and which recipients were told (Art. 19)',
      collection: 'not-collected-from-subject',
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
    'Nothing is disclosed or changed before the identity is verified: the account, a one-time code sent to the address the shop holds, or a check staff record',
    'The intake answers the same for every address, known or not; codes are single-use, expire after 15 minutes, are voided after five wrong tries, and only a salt is stored (the code is a keyed hash of it)',
    'Requests by email are rate-limited per address and per client (counted hashed)',
    'Erasure needs a second, fresh code; every step is recorded append-only',
    'The request record holds the type, dates and outcome summary, never a copy of the data handed out',
    'Exports are audited in the access audit log',
  ],
  retentionPurpose: true,
});
