import { describe, it, expect } from '@jest/globals';
import {
  defineActivity,
  defineRecipient,
  type ActivityDeclaration,
  type RecipientDeclaration,
} from '../declarations.js';
import type { PersonalDataField } from '../registry/registry.js';
import { formatFindings, LINT_RULES, lintRegistry, type LintFinding } from './linter.js';

/* A minimal valid registry: one activity, one independent recipient, one processor. Each test breaks one thing. */

const dhl = (): RecipientDeclaration =>
  defineRecipient({ id: 'dhl', name: 'Deutsche Post DHL', role: 'recipient', country: 'DE' });

const hosting = (): RecipientDeclaration =>
  defineRecipient({
    id: 'hosting',
    name: 'Hosting provider',
    role: 'processor',
    country: 'DE',
    contractReference: 'Art. 28 agreement of 2025-01-15',
  });

const activity = (changes: Partial<ActivityDeclaration> = {}): ActivityDeclaration =>
  defineActivity({
    id: 'carrier-handoff',
    name: 'Hand the parcel to the carrier',
    purposes: ['Deliver the ordered goods'],
    legalBasis: '6(1)(b)',
    dataSubjects: ['customers'],
    dataCategories: [
      { id: 'identity.name', description: 'first and last name', collection: 'mandatory' },
      { id: 'address.delivery', description: 'delivery address', collection: 'mandatory' },
    ],
    source: { kind: 'data-subject' },
    disclosures: [{ recipient: 'dhl', fields: ['name', 'street', 'postalCode', 'city', 'country'] }],
    processors: ['hosting'],
    retention: [{ kind: 'event', event: 'parcel delivered', graceDays: 30, description: 'until delivery' }],
    measures: ['TLS to the carrier API'],
    ...changes,
  });

/** The same activity with one field removed, as a cast declaration or a JSON document could be. */
function without(a: ActivityDeclaration, field: keyof ActivityDeclaration): ActivityDeclaration {
  const copy: Partial<ActivityDeclaration> = { ...a };
  delete copy[field];
  return copy as ActivityDeclaration;
}

/** A value the types forbid, as a declaration read from JSON might hold. */
const untyped = <T>(value: unknown): T => value as T;

/** Lints the activities; by default against those of dhl and hosting that they name. */
function lint(
  activities: ActivityDeclaration[] = [activity()],
  recipients: RecipientDeclaration[] = namedBy(activities),
  personalDataFields?: PersonalDataField[],
): LintFinding[] {
  return lintRegistry({ activities, recipients, personalDataFields });
}

function namedBy(activities: ActivityDeclaration[]): RecipientDeclaration[] {
  const named = new Set(
    activities.flatMap((a) => [...(a.disclosures ?? []).map((d) => d.recipient), ...(a.processors ?? [])]),
  );
  return [dhl(), hosting()].filter((r) => named.has(r.id));
}

const rules = (findings: LintFinding[]): string[] => [...new Set(findings.map((f) => f.rule))].sort();

describe('lintRegistry', () => {
  describe('a valid registry', () => {
    it('lints the minimal registry clean', () => {
      expect(lint()).toEqual([]);
    });

    it("lints the shop's registry clean, special categories, transfers and automated decisions included", () => {
      expect(lintRegistry(shopRegistry())).toEqual([]);
    });

    it('gives every rule a stable kebab-case id', () => {
      for (const id of Object.keys(LINT_RULES)) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    });
  });

  describe('structure', () => {
    it('reports an empty registry: the declarations are not wired up', () => {
      expect(rules(lint([], []))).toEqual(['empty-registry']);
    });

    it('rejects an activity id that is not kebab-case', () => {
      expect(lint([activity({ id: 'CarrierHandoff' })])).toEqual([
        expect.objectContaining({ rule: 'invalid-id', severity: 'error', activity: 'CarrierHandoff' }),
      ]);
    });

    it('rejects a recipient id that is not kebab-case', () => {
      const findings = lint(
        [activity({ disclosures: [{ recipient: 'DHL_Paket', fields: ['name'] }] })],
        [{ ...dhl(), id: 'DHL_Paket' }, hosting()],
      );
      expect(rules(findings)).toEqual(['invalid-id']);
    });

    it('rejects an activity or a recipient declared twice', () => {
      expect(rules(lint([activity(), activity()]))).toEqual(['duplicate-id']);
      expect(rules(lint([activity()], [dhl(), dhl(), hosting()]))).toEqual(['duplicate-id']);
    });

    it.each<[string, ActivityDeclaration]>([
      ['an empty name', activity({ name: ' ' })],
      ['no purpose', activity({ purposes: [] })],
      ['an empty purpose', activity({ purposes: [''] })],
      ['no data subjects', activity({ dataSubjects: [] })],
      ['no data categories', activity({ dataCategories: [] })],
      [
        'a data category without description',
        activity({ dataCategories: [{ id: 'identity.name', description: '', collection: 'mandatory' }] }),
      ],
      ['no measures', activity({ measures: [] })],
      ['no source', without(activity(), 'source')],
      ['a third-party source without its name', activity({ source: { kind: 'third-party' } })],
      ['no disclosures list', without(activity(), 'disclosures')],
      ['no processors list', without(activity(), 'processors')],
    ])('rejects an activity with %s', (_, broken) => {
      expect(rules(lint([broken]))).toEqual(['missing-required-field']);
    });

    it('rejects a recipient without a name', () => {
      expect(rules(lint([activity()], [{ ...dhl(), name: '' }, hosting()]))).toEqual([
        'missing-required-field',
      ]);
    });

    it('rejects a legal basis outside Art. 6(1) and an Art. 9(2) condition outside 9(2)(a)-(j)', () => {
      expect(rules(lint([activity({ legalBasis: untyped('6(1)(g)') })]))).toEqual(['invalid-legal-basis']);
      const device = activity({
        art9Condition: untyped('9(2)(k)'),
        dpiaRequired: true,
        dpiaReference: 'docs/dpia/device-analysis.md',
        dataCategories: [
          { id: 'health.skin-photo', description: 'skin photo', collection: 'mandatory', special: true },
        ],
      });
      expect(rules(lint([device]))).toEqual(['invalid-legal-basis']);
    });

    it('rejects unknown values of enumerated fields', () => {
      const collection = activity({
        dataCategories: [{ id: 'identity.name', description: 'name', collection: untyped('optional') }],
      });
      expect(rules(lint([collection]))).toEqual(['invalid-value']);
      expect(rules(lint([activity({ source: { kind: untyped('doctor') } })]))).toEqual(['invalid-value']);
      expect(rules(lint([activity()], [{ ...dhl(), role: untyped('vendor') }, hosting()]))).toEqual([
        'invalid-value',
      ]);
    });

    it('rejects a data category declared twice in one activity', () => {
      const twice = activity({
        dataCategories: [
          { id: 'identity.name', description: 'name', collection: 'mandatory' },
          { id: 'identity.name', description: 'full name', collection: 'voluntary' },
        ],
      });
      expect(lint([twice])).toEqual([expect.objectContaining({ rule: 'duplicate-data-category' })]);
    });

    it('rejects a disclosure or a processor naming an undeclared recipient', () => {
      const toUps = activity({ disclosures: [{ recipient: 'ups', fields: ['name'] }] });
      expect(lint([toUps], [hosting()])).toEqual([
        expect.objectContaining({ rule: 'unknown-recipient', activity: 'carrier-handoff', recipient: 'ups' }),
      ]);
      expect(rules(lint([activity({ processors: ['hosting', 'cloud'] })]))).toEqual(['unknown-recipient']);
    });

    it('rejects an independent recipient listed under processors: it has no Art. 28 contract', () => {
      expect(lint([activity({ processors: ['hosting', 'dhl'] })])).toEqual([
        expect.objectContaining({ rule: 'recipient-role-mismatch', recipient: 'dhl' }),
      ]);
    });

    it('rejects a disclosure to a processor the activity does not list under processors', () => {
      const toProcessor = activity({
        disclosures: [...activity().disclosures, { recipient: 'hosting', fields: ['name'] }],
        processors: [],
      });
      expect(rules(lint([toProcessor]))).toEqual(['recipient-role-mismatch']);
    });

    it('accepts a disclosure to a listed processor: it is the allow-list of what the processor receives', () => {
      const toProcessor = activity({
        disclosures: [...activity().disclosures, { recipient: 'hosting', fields: ['name'] }],
      });
      expect(lint([toProcessor])).toEqual([]);
    });

    it.each([
      ['de', 'DE'],
      ['UK', 'GB'],
      ['XX', undefined],
      ['DEU', undefined],
    ])('rejects country "%s", which is not an upper-case ISO 3166-1 alpha-2 code', (country, hint) => {
      const findings = lint([activity()], [{ ...dhl(), country }, hosting()]);
      expect(findings).toEqual([expect.objectContaining({ rule: 'invalid-country', recipient: 'dhl' })]);
      if (hint) expect(findings[0]?.message).toContain(`use ${hint}`);
    });
  });

  describe('consent-without-check', () => {
    it('rejects processing on consent, Art. 6(1)(a), with no consent purpose for the guard to check', () => {
      expect(lint([activity({ legalBasis: '6(1)(a)' })])).toEqual([
        expect.objectContaining({
          rule: 'consent-without-check',
          severity: 'error',
          activity: 'carrier-handoff',
        }),
      ]);
      expect(lint([activity({ legalBasis: '6(1)(a)', consentPurpose: 'carrier-handoff' })])).toEqual([]);
    });

    it('rejects explicit consent, Art. 9(2)(a), with no consent purpose', () => {
      const device = deviceAnalysis({ legalBasis: '6(1)(b)', consentPurpose: undefined });
      expect(rules(lint([device]))).toEqual(['consent-without-check']);
    });
  });

  describe('special categories', () => {
    it('rejects a special category without an Art. 9(2) condition', () => {
      const findings = lint([deviceAnalysis({ art9Condition: undefined })]);
      expect(findings).toEqual([
        expect.objectContaining({ rule: 'special-category-without-art9', activity: 'device-analysis' }),
      ]);
      expect(findings[0]?.message).toContain('health.skin-photo');
    });

    it('warns about an Art. 9(2) condition with no category marked special', () => {
      const unmarked = deviceAnalysis({
        dataCategories: [{ id: 'health.skin-photo', description: 'skin photo', collection: 'mandatory' }],
      });
      expect(lint([unmarked])).toEqual([
        expect.objectContaining({ rule: 'art9-condition-without-special-category', severity: 'warning' }),
      ]);
    });

    it('rejects special categories on an activity not marked as needing a DPIA (Art. 35(3)(b))', () => {
      expect(lint([deviceAnalysis({ dpiaRequired: undefined })])).toEqual([
        expect.objectContaining({ rule: 'special-category-without-dpia', severity: 'error' }),
      ]);
      expect(rules(lint([deviceAnalysis({ dpiaRequired: false })]))).toEqual([
        'special-category-without-dpia',
      ]);
    });

    it('rejects special categories without a reference to the written DPIA (Art. 35(7))', () => {
      for (const dpiaReference of [undefined, '', '   '])
        expect(lint([deviceAnalysis({ dpiaReference })])).toEqual([
          expect.objectContaining({
            rule: 'special-category-without-dpia',
            severity: 'error',
            message: expect.stringContaining('dpiaReference'),
          }),
        ]);
    });
  });

  describe('invalid-transfer-mechanism', () => {
    const to = (r: Partial<RecipientDeclaration>): LintFinding[] =>
      lint([activity()], [{ ...dhl(), ...r }, hosting()]);

    it('rejects a recipient outside the EU/EEA with no transfer mechanism', () => {
      expect(to({ country: 'US' })).toEqual([
        expect.objectContaining({ rule: 'invalid-transfer-mechanism', severity: 'error', recipient: 'dhl' }),
      ]);
    });

    it('rejects Privacy Shield, citing Schrems II and the mechanisms to use instead', () => {
      const [finding, ...rest] = to({ country: 'US', transferMechanism: 'privacy-shield' });
      expect(rest).toEqual([]);
      expect(finding).toMatchObject({ rule: 'invalid-transfer-mechanism', severity: 'error' });
      for (const words of [
        'invalidated',
        'CJEU',
        'C-311/18',
        'Schrems II',
        '2020',
        'eu-us-dpf',
        'scc-2021-914',
      ])
        expect(finding?.message).toContain(words);
    });

    it('rejects Privacy Shield even for a recipient inside the EU', () => {
      expect(rules(to({ transferMechanism: 'privacy-shield' }))).toEqual(['invalid-transfer-mechanism']);
    });

    it('rejects the EU-US Data Privacy Framework for a country other than the US', () => {
      expect(rules(to({ country: 'IN', transferMechanism: 'eu-us-dpf' }))).toEqual([
        'invalid-transfer-mechanism',
      ]);
    });

    it('rejects a mechanism outside the vocabulary', () => {
      expect(rules(to({ country: 'US', transferMechanism: untyped('handshake') }))).toEqual([
        'invalid-transfer-mechanism',
      ]);
    });

    it('accepts the DPF for the US, SCC anywhere, an adequacy decision where one exists, and nothing in the EEA', () => {
      expect(to({ country: 'US', transferMechanism: 'eu-us-dpf' })).toEqual([]);
      expect(to({ country: 'IN', transferMechanism: 'scc-2021-914' })).toEqual([]);
      expect(to({ country: 'CH', transferMechanism: 'adequacy-decision' })).toEqual([]);
      expect(to({ country: 'NO' })).toEqual([]);
    });

    it('warns about an adequacy decision not known for the country, and about Art. 49 for a standing recipient', () => {
      expect(to({ country: 'IN', transferMechanism: 'adequacy-decision' })).toEqual([
        expect.objectContaining({ rule: 'invalid-transfer-mechanism', severity: 'warning' }),
      ]);
      expect(to({ country: 'US', transferMechanism: 'adequacy-decision' })).toEqual([
        expect.objectContaining({ rule: 'invalid-transfer-mechanism', severity: 'warning' }),
      ]);
      expect(to({ country: 'IN', transferMechanism: 'art49-derogation' })).toEqual([
        expect.objectContaining({ rule: 'invalid-transfer-mechanism', severity: 'warning' }),
      ]);
    });
  });

  describe('recipient-without-allow-list', () => {
    it('rejects a disclosure with an empty allow-list', () => {
      expect(lint([activity({ disclosures: [{ recipient: 'dhl', fields: [] }] })])).toEqual([
        expect.objectContaining({
          rule: 'recipient-without-allow-list',
          activity: 'carrier-handoff',
          recipient: 'dhl',
        }),
      ]);
    });

    it('rejects a joint controller an activity names with no disclosure entry', () => {
      const partner = defineRecipient({
        id: 'practice',
        name: 'Practice',
        role: 'joint-controller',
        country: 'DE',
      });
      const findings = lint([activity({ processors: ['hosting', 'practice'] })], [dhl(), hosting(), partner]);
      expect(rules(findings)).toEqual(['recipient-role-mismatch', 'recipient-without-allow-list']);
      expect(findings.find((f) => f.rule === 'recipient-without-allow-list')?.recipient).toBe('practice');
    });

    it('rejects two disclosures to one recipient in one activity: the allow-list would be ambiguous', () => {
      const twice = activity({
        disclosures: [...activity().disclosures, { recipient: 'dhl', fields: ['email'] }],
      });
      expect(rules(lint([twice]))).toEqual(['duplicate-disclosure']);
    });

    it('warns about a declared recipient that no activity uses', () => {
      const unused = defineRecipient({ id: 'hermes', name: 'Hermes', role: 'recipient', country: 'DE' });
      expect(lint([activity()], [dhl(), hosting(), unused])).toEqual([
        expect.objectContaining({ rule: 'unused-recipient', severity: 'warning', recipient: 'hermes' }),
      ]);
    });

    it('warns about a processor without the Art. 28 contract it works under', () => {
      expect(lint([activity()], [dhl(), { ...hosting(), contractReference: undefined }])).toEqual([
        expect.objectContaining({
          rule: 'processor-without-contract',
          severity: 'warning',
          recipient: 'hosting',
        }),
      ]);
    });
  });

  describe('missing-retention', () => {
    it.each<[string, ActivityDeclaration['retention']]>([
      ['no retention rule', []],
      ['a duration of zero days', [{ kind: 'duration', days: 0, description: 'never kept' }]],
      [
        'a negative statutory period',
        [{ kind: 'statutory', statute: '§ 147 AO', years: -8, description: 'x' }],
      ],
      ['an event without a name', [{ kind: 'event', event: '', description: 'until it happens' }]],
      ['a rule without a description', [{ kind: 'duration', days: 7, description: '' }]],
    ])('rejects an activity with %s', (_, retention) => {
      expect(lint([activity({ retention })])).toEqual([
        expect.objectContaining({
          rule: 'missing-retention',
          severity: 'error',
          activity: 'carrier-handoff',
        }),
      ]);
    });

    it('rejects an activity whose retention is missing altogether', () => {
      expect(rules(lint([without(activity(), 'retention')]))).toEqual(['missing-retention']);
    });
  });

  describe('legitimate-interest-without-assessment', () => {
    it('rejects Art. 6(1)(f) without a written balancing test', () => {
      expect(lint([activity({ legalBasis: '6(1)(f)' })])).toEqual([
        expect.objectContaining({
          rule: 'legitimate-interest-without-assessment',
          activity: 'carrier-handoff',
        }),
      ]);
    });

    it('rejects a balancing test too short to weigh anything', () => {
      const slogan = activity({ legalBasis: '6(1)(f)', legitimateInterestAssessment: 'Security.' });
      expect(rules(lint([slogan]))).toEqual(['legitimate-interest-without-assessment']);
    });
  });

  describe('unused-data-category', () => {
    it('rejects an entity field whose personal-data category no activity declares, naming the field', () => {
      const fields: PersonalDataField[] = [
        { entity: 'Customer', field: 'lastName', category: 'identity.name' },
        { entity: 'Customer', field: 'fax', category: 'contact.fax' },
      ];
      const findings = lint(undefined, undefined, fields);
      expect(findings).toEqual([
        expect.objectContaining({ rule: 'unused-data-category', severity: 'error' }),
      ]);
      expect(findings[0]?.message).toContain('Customer.fax');
    });
  });

  describe('automated-decision-without-logic', () => {
    const decision = {
      description: 'accept or refuse invoice as payment method',
      logic: 'refused when the agency score is below 95 %',
      significance: 'the customer pays another way',
      safeguards: ['staff review on request'],
    };

    it('rejects an automated decision with no logic (Art. 15(1)(h))', () => {
      expect(lint([activity({ automatedDecision: { ...decision, logic: '' } })])).toEqual([
        expect.objectContaining({ rule: 'automated-decision-without-logic', activity: 'carrier-handoff' }),
      ]);
    });

    it('rejects an automated decision with no safeguards (Art. 22(3))', () => {
      expect(rules(lint([activity({ automatedDecision: { ...decision, safeguards: [] } })]))).toEqual([
        'automated-decision-without-logic',
      ]);
    });

    it('accepts an automated decision that declares its logic and safeguards', () => {
      expect(lint([activity({ automatedDecision: decision })])).toEqual([]);
    });
  });

  describe('consented-fields-overlap', () => {
    it('warns about a consent-gated field that the base allow-list already sends', () => {
      const overlap = activity({
        disclosures: [
          {
            recipient: 'dhl',
            fields: ['name', 'email'],
            consentedFields: [{ purpose: 'carrier-notifications', fields: ['email', 'phone'] }],
          },
        ],
      });
      const findings = lint([overlap]);
      expect(findings).toEqual([
        expect.objectContaining({ rule: 'consented-fields-overlap', severity: 'warning' }),
      ]);
      expect(findings[0]?.message).toContain('email');
    });
  });
});

describe('formatFindings', () => {
  it('prints errors before warnings, with their place, and a summary', () => {
    const text = formatFindings([
      { rule: 'unused-recipient', severity: 'warning', recipient: 'hermes', message: 'unused' },
      { rule: 'missing-retention', severity: 'error', activity: 'inquiries', message: 'no retention' },
    ]);
    expect(text.indexOf('missing-retention [activity inquiries]')).toBeLessThan(
      text.indexOf('unused-recipient'),
    );
    expect(text).toContain('no retention');
    expect(text).toContain('1 error, 1 warning');
  });

  it('says so when there is nothing to report', () => {
    expect(formatFindings([])).toBe('privacy lint: no findings\n');
  });
});

function deviceAnalysis(changes: Partial<ActivityDeclaration> = {}): ActivityDeclaration {
  return activity({
    id: 'device-analysis',
    name: 'Skin analysis from the devices at practices',
    purposes: ['Analyse the skin', 'Improve the service and the devices'],
    legalBasis: '6(1)(a)',
    art9Condition: '9(2)(a)',
    consentPurpose: 'device-analysis',
    dataSubjects: ['patients of practices using the device'],
    dataCategories: [
      {
        id: 'health.skin-photo',
        description: 'photo of the skin, face visible',
        collection: 'mandatory',
        special: true,
      },
      { id: 'person.age', description: 'age', collection: 'mandatory' },
    ],
    source: { kind: 'third-party', name: "the doctor's practice operating the device" },
    disclosures: [],
    processors: ['hosting'],
    retention: [{ kind: 'event', event: 'consent withdrawn', description: 'until consent is withdrawn' }],
    measures: ['per-subject encryption key, destroyed on erasure'],
    dpiaRequired: true,
    dpiaReference: 'docs/dpia/device-analysis.md',
    ...changes,
  });
}

/** A registry shaped like the shop's: every rule has something to look at, and none fires. */
function shopRegistry(): {
  activities: ActivityDeclaration[];
  recipients: RecipientDeclaration[];
  personalDataFields: PersonalDataField[];
} {
  const recipients = [
    dhl(),
    hosting(),
    defineRecipient({ id: 'stripe', name: 'Stripe Payments Europe', role: 'recipient', country: 'IE' }),
    defineRecipient({ id: 'schufa', name: 'SCHUFA Holding AG', role: 'recipient', country: 'DE' }),
    defineRecipient({
      id: 'mail-service',
      name: 'Transactional e-mail service',
      role: 'processor',
      country: 'US',
      transferMechanism: 'eu-us-dpf',
      contractReference: 'Art. 28 agreement with SCC module 3 as fallback',
    }),
  ];
  const activities = [
    activity({
      disclosures: [
        {
          recipient: 'dhl',
          fields: ['name', 'street', 'postalCode', 'city', 'country'],
          consentedFields: [{ purpose: 'carrier-notifications', fields: ['email', 'phone'] }],
          purpose: 'delivery only',
        },
      ],
    }),
    activity({
      id: 'access-log',
      name: 'Web server access log',
      purposes: ['Security', 'Abuse investigation', 'Statistics'],
      legalBasis: '6(1)(f)',
      legitimateInterestAssessment:
        'Keeping IP addresses for seven days lets us trace attacks; the short period and the lack of any profile ' +
        'keep the intrusion low, so the interest of the visitors does not override ours.',
      dataSubjects: ['visitors'],
      dataCategories: [
        { id: 'online.ip', description: 'IP address', collection: 'not-collected-from-subject' },
      ],
      disclosures: [],
      retention: [{ kind: 'duration', days: 7, description: '7 days, unless under a legal hold' }],
    }),
    deviceAnalysis(),
    activity({
      id: 'payment',
      name: 'Payment',
      purposes: ['Take payment'],
      dataCategories: [{ id: 'payment.amount', description: 'amount and currency', collection: 'mandatory' }],
      disclosures: [{ recipient: 'stripe', fields: ['amount', 'currency', 'orderNumber'] }],
      processors: ['hosting', 'mail-service'],
      retention: [{ kind: 'statutory', statute: '§ 147 AO', years: 8, description: 'accounting vouchers' }],
    }),
    activity({
      id: 'credit-check',
      name: 'Credit check',
      purposes: ['Decide whether invoice or direct debit can be offered'],
      legalBasis: '6(1)(f)',
      legitimateInterestAssessment:
        'Invoice and direct debit carry a credit risk; a check only for those methods, with the minimum data, ' +
        'and always another method offered, keeps the balance on our side.',
      disclosures: [{ recipient: 'schufa', fields: ['name', 'street', 'postalCode', 'city', 'dateOfBirth'] }],
      automatedDecision: {
        description: 'invoice and direct debit offered or not',
        logic: 'the agency score against a threshold',
        significance: 'the customer pays by card or PayPal instead',
        safeguards: [
          'human review on request',
          'the customer can contest',
          'another method is always offered',
        ],
      },
    }),
  ];
  const personalDataFields: PersonalDataField[] = [
    { entity: 'Order', field: 'deliveryName', category: 'identity.name' },
    { entity: 'DeviceImage', field: 'photo', category: 'health.skin-photo' },
    { entity: 'AccessLogEntry', field: 'ip', category: 'online.ip' },
  ];
  return { activities, recipients, personalDataFields };
}
