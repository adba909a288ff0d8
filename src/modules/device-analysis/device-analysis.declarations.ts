import { defineActivity, defineRecipient } from '@app/privacy';

/** Registry ids, which are also the consent-ledger purposes the guard checks. */
export const DEVICE_ANALYSIS_ACTIVITY_ID = 'device-analysis';
export const DEVICE_IMPROVEMENT_ACTIVITY_ID = 'device-improvement';
/** The recipient the practices are bound to (partner kind `practice`); results reach them only through it. */
export const PRACTICE_RECIPIENT_ID = 'doctor-practices';
/** Where the data protection impact assessment is written down. */
export const DEVICE_DPIA = 'docs/dpia/device-analysis.md';

/** Record types in erasure reports, sweeps and legal holds. */
export const ANALYSIS_RECORD = 'device_analysis';
export const ANALYSIS_IMAGE_RECORD = 'device_analysis_image';
export const DEVICE_SUBJECT_RECORD = 'device_subject';
export const IMPROVEMENT_SAMPLE_RECORD = 'device_improvement_sample';

export const DEVICE_CATEGORIES = {
  image: 'health.skin-face-image',
  gender: 'person.gender',
  age: 'person.age',
  result: 'health.skin-analysis-result',
  reference: 'device.subject-reference',
  email: 'contact.email',
  metrics: 'health.skin-metrics-pseudonymous',
} as const;

/** The practice (doctor) who operated the device: the source of the data and the recipient of the result. */
export const PRACTICE_RECIPIENT = defineRecipient({
  id: PRACTICE_RECIPIENT_ID,
  name: "Doctors' practices operating the shop's skin-analysis devices",
  role: 'recipient',
  country: 'DE',
  contractReference: 'Device purchase and service agreement with each practice (analysis service terms)',
  description:
    'Each practice receives only the results of the analyses its own devices captured; the doctor is a controller ' +
    'of the treatment and bound by medical confidentiality.',
});

const MEASURES = [
  'Images, gender, age, results and the patient email encrypted with AES-256-GCM under a per-subject data key; data keys wrapped by a key-encryption key from configuration (key id stored, rotation re-wraps without decrypting data)',
  'Crypto-shredding: withdrawal of the analysis consent or erasure destroys the data key and deletes the rows',
  'Every image re-encoded before storage: EXIF, GPS, XMP, ICC and all other metadata removed; stored at most DEVICE_IMAGE_MAX_EDGE pixels on the longer edge',
  'Uploads checked by their bytes (JPEG/PNG signature), by size and by pixel count before decoding',
  'Device credentials of 256 random bits, shown once, stored as SHA-256 hashes, revocable, scoped to one device of one practice',
  "A practice reads only its own devices' analyses; another practice's analysis answers 404",
  'Every decryption (practice read, staff read, export) is written with actor and reason to the hash-chained access audit log',
  'Staff see images only with the privacy-officer role; no patient name is collected',
];

/**
 * The analysis itself (privacy policy section 6): a practice's device sends a skin photo with the whole face,
 * gender and age, with the patient's explicit consent given at the device; the shop computes skin metrics and
 * returns them to the practice.
 */
export const DEVICE_ANALYSIS = defineActivity({
  id: DEVICE_ANALYSIS_ACTIVITY_ID,
  name: 'Skin analysis of photos captured by devices at doctors’ practices',
  owner: 'Device services',
  purposes: ['Produce the skin analysis the patient asked for at the practice and return it to the practice'],
  legalBasis: '6(1)(a)',
  art9Condition: '9(2)(a)',
  consentPurpose: DEVICE_ANALYSIS_ACTIVITY_ID,
  dataSubjects: ['patients of practices using the devices'],
  dataCategories: [
    {
      id: DEVICE_CATEGORIES.image,
      description: 'Photo of the skin with the whole face visible (health data, Art. 9(1))',
      collection: 'mandatory',
      special: true,
      reason: 'The analysis is computed from it',
    },
    {
      id: DEVICE_CATEGORIES.result,
      description: 'Skin metrics computed from the photo (ITA°, redness, evenness, dark spots)',
      collection: 'not-collected-from-subject',
      special: true,
    },
    { id: DEVICE_CATEGORIES.gender, description: 'Gender as given at the device', collection: 'mandatory' },
    { id: DEVICE_CATEGORIES.age, description: 'Age in whole years', collection: 'mandatory' },
    {
      id: DEVICE_CATEGORIES.reference,
      description: 'Subject reference created by the device and printed on the receipt',
      collection: 'mandatory',
      reason: 'Links the analyses of one patient and lets the patient exercise their rights without a name',
    },
    {
      id: DEVICE_CATEGORIES.email,
      description: 'Patient email address',
      collection: 'voluntary',
      reason: 'Only to deliver the result and to verify rights requests',
    },
  ],
  source: { kind: 'third-party', name: "the doctor's practice operating the skin-analysis device" },
  disclosures: [
    {
      recipient: PRACTICE_RECIPIENT_ID,
      fields: ['id', 'subjectReference', 'createdAt', 'gender', 'age', 'result'],
      purpose: "The practice that captured the photo reads its patient's analysis",
    },
  ],
  processors: ['hosting-provider'],
  retention: [
    {
      kind: 'event',
      event: 'result delivered to the practice',
      graceDays: 30,
      description:
        'The image is deleted DEVICE_IMAGE_RETENTION_DAYS (default 30) days after the practice first read the ' +
        'result, unless the device-improvement consent covers keeping it.',
    },
    {
      kind: 'duration',
      days: 365,
      description: 'Results are kept DEVICE_RESULT_RETENTION_DAYS (default 365) days, then deleted.',
    },
    {
      kind: 'event',
      event: 'analysis consent withdrawn or erasure requested',
      graceDays: 0,
      description:
        'Crypto-shredded at once: the data key is destroyed, and every row is deleted right after (at the latest by the next retention sweep).',
    },
  ],
  measures: MEASURES,
  dpiaRequired: true,
  dpiaReference: DEVICE_DPIA,
});

/** Checking and improving the service and the devices (separate, optional consent). */
export const DEVICE_IMPROVEMENT = defineActivity({
  id: DEVICE_IMPROVEMENT_ACTIVITY_ID,
  name: 'Checking and improving the analysis service and the devices',
  owner: 'Device services',
  purposes: [
    'Check the quality of the analysis and improve the service and devices, from statistics over consenting subjects',
  ],
  legalBasis: '6(1)(a)',
  art9Condition: '9(2)(a)',
  consentPurpose: DEVICE_IMPROVEMENT_ACTIVITY_ID,
  dataSubjects: ['patients of practices using the devices who consented to the improvement use'],
  dataCategories: [
    {
      id: DEVICE_CATEGORIES.metrics,
      description:
        'Skin metrics with gender and a 10-year age band, linked to the subject only for withdrawal',
      collection: 'not-collected-from-subject',
      special: true,
    },
    {
      id: DEVICE_CATEGORIES.image,
      description:
        'The photo, kept beyond the image retention while this consent holds (never in statistics)',
      collection: 'mandatory',
      special: true,
    },
  ],
  source: { kind: 'third-party', name: "the doctor's practice operating the skin-analysis device" },
  disclosures: [],
  processors: ['hosting-provider'],
  retention: [
    {
      kind: 'event',
      event: 'improvement consent withdrawn',
      graceDays: 0,
      description:
        "The subject's contribution to the statistics is deleted at once; images kept for improvement fall back " +
        'to the image retention.',
    },
    {
      kind: 'duration',
      days: 365,
      description: 'Deleted with the analysis after DEVICE_RESULT_RETENTION_DAYS (default 365) days.',
    },
  ],
  measures: [
    'Only subjects with this consent contribute; it is separate from the analysis consent and never a condition of it',
    `Staff see aggregates only, and only for groups of at least DEVICE_STATS_MIN_GROUP (default 5) subjects`,
    'No image or face ever enters the statistics',
    ...MEASURES.slice(0, 2),
  ],
  dpiaRequired: true,
  dpiaReference: DEVICE_DPIA,
});

/** The consent wordings the devices show, by version; the hash of the text is the proof in the ledger. */
export const CONSENT_WORDINGS: Readonly<Record<string, string>> = {
  'device-consent-2026-01':
    'I explicitly consent to the shop processing the photo of my face and skin, my gender and my age, which ' +
    'are health data, to produce my skin analysis and return it to this practice (Art. 9(2)(a) GDPR). ' +
    'Separately and optionally, I consent to the use of my analysis metrics to check and improve the service ' +
    'and the devices. I can withdraw either consent at any time with the reference on my receipt.',
};
