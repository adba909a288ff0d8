import { Module } from '@nestjs/common';
import { defineActivity, defineRecipient, PrivacyModule, type ActivityDeclaration } from '@app/privacy';

/** Test-only declarations: one activity per legal basis the guard treats differently. */
export const TEST_CARRIER = defineRecipient({
  id: 'test-carrier',
  name: 'Test Carrier GmbH',
  role: 'recipient',
  country: 'DE',
  contractReference: 'test contract',
});

const common = {
  dataSubjects: ['customers'],
  source: { kind: 'data-subject' as const },
  processors: ['hosting-provider'],
  measures: ['TLS', 'access control'],
};

export const NEWSLETTER = defineActivity({
  ...common,
  id: 'test-newsletter',
  name: 'Newsletter',
  purposes: ['Send the newsletter the person asked for'],
  legalBasis: '6(1)(a)',
  consentPurpose: 'test-newsletter',
  dataCategories: [{ id: 'test.email', description: 'email address', collection: 'mandatory' }],
  disclosures: [],
  retention: [{ kind: 'event', event: 'consent withdrawn', description: 'until consent is withdrawn' }],
});

export const ANALYTICS = defineActivity({
  ...common,
  id: 'test-analytics',
  name: 'Shop analytics',
  purposes: ['Understand which products are viewed'],
  legalBasis: '6(1)(f)',
  legitimateInterestAssessment:
    'Aggregated product statistics help the shop stock what customers want; only pseudonymous ids are used and the person can object at any time.',
  dataCategories: [
    { id: 'test.views', description: 'viewed products', collection: 'not-collected-from-subject' },
  ],
  disclosures: [],
  retention: [{ kind: 'duration', days: 30, description: '30 days' }],
});

export function shippingActivity(overrides: Partial<ActivityDeclaration> = {}): ActivityDeclaration {
  return defineActivity({
    ...common,
    id: 'test-shipping',
    name: 'Shipping',
    purposes: ['Deliver the order'],
    legalBasis: '6(1)(b)',
    dataCategories: [
      { id: 'test.name', description: 'name', collection: 'mandatory' },
      { id: 'test.address', description: 'delivery address', collection: 'mandatory' },
      { id: 'test.email', description: 'email address', collection: 'voluntary' },
    ],
    disclosures: [
      {
        recipient: 'test-carrier',
        fields: ['name', 'street', 'postalCode', 'city', 'country', 'parcel'],
        consentedFields: [{ purpose: 'test-carrier-notifications', fields: ['email'] }],
      },
    ],
    retention: [{ kind: 'event', event: 'delivery', graceDays: 14, description: '14 days after delivery' }],
    retentionPurpose: true,
    ...overrides,
  });
}

@Module({
  imports: [
    PrivacyModule.forFeature({
      activities: [NEWSLETTER, ANALYTICS, shippingActivity()],
      recipients: [TEST_CARRIER],
    }),
  ],
})
export class TestDeclarationsModule {}
