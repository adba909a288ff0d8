import { defineActivity } from '@app/privacy';

export const ADDRESS_VALIDATION = defineActivity({
  id: 'address-validation',
  name: 'Checking addresses for completeness and correctness at entry',
  purposes: [
    'Avoid typos and lost parcels by checking addresses when they are entered (registration, address book, checkout)',
  ],
  legalBasis: '6(1)(b)',
  dataSubjects: ['customers', 'guests'],
  dataCategories: [
    {
      id: 'identity.name',
      description: 'First and last name (checked for presence)',
      collection: 'mandatory',
      reason: 'The parcel must name its recipient.',
    },
    {
      id: 'address.postal',
      description: 'Street, house number, postcode, town, country',
      collection: 'mandatory',
      reason: 'Needed to deliver the order.',
    },
    {
      id: 'contact.phone',
      description: 'Phone number (normalised to E.164)',
      collection: 'voluntary',
      reason: 'Only when the person gives one.',
    },
  ],
  source: { kind: 'data-subject' },
  disclosures: [],
  processors: ['hosting-provider'],
  retention: [
    {
      kind: 'event',
      event: 'the check completes',
      graceDays: 0,
      description:
        'Nothing is stored: the result is returned to the caller only; the request body is never logged.',
    },
  ],
  measures: [
    'Checked in memory against a local postcode table (no third-party lookup service receives the address)',
    'Request bodies are never logged; logs redact addresses and phone numbers',
  ],
});
