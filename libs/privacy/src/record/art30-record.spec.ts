import { describe, it, expect } from '@jest/globals';
import {
  defineActivity,
  defineRecipient,
  type ActivityDeclaration,
  type RecipientDeclaration,
} from '../declarations.js';
import {
  ART30_ITEMS,
  buildArt30Record,
  renderArt30Html,
  renderArt30Markdown,
  renderArt30Record,
  type Art30Item,
  type Art30RecordInput,
  type ControllerDetails,
} from './art30-record.js';

const controller: ControllerDetails = {
  name: 'Hautanalyse Versand GmbH',
  address: 'Siemensring 98, 47877 Willich, Germany',
  contact: 'datenschutz@shop.example, +49 2154 000000',
  dpo: { name: 'Dr. Erika Beispiel', contact: 'dpo@shop.example' },
};

const recipients: RecipientDeclaration[] = [
  defineRecipient({ id: 'dhl', name: 'Deutsche Post DHL', role: 'recipient', country: 'DE' }),
  defineRecipient({ id: 'schufa', name: 'SCHUFA Holding AG', role: 'recipient', country: 'DE' }),
  defineRecipient({ id: 'practice', name: 'Partner practice', role: 'joint-controller', country: 'AT' }),
  defineRecipient({
    id: 'hosting',
    name: 'Hosting provider',
    role: 'processor',
    country: 'DE',
    contractReference: 'Art. 28 agreement of 2025-01-15',
  }),
  defineRecipient({
    id: 'mail-service',
    name: 'Transactional mail service',
    role: 'processor',
    country: 'US',
    transferMechanism: 'eu-us-dpf',
    contractReference: 'Art. 28 agreement with SCC 2021-914 module 3 as fallback',
  }),
];

const activities: ActivityDeclaration[] = [
  defineActivity({
    id: 'order-processing',
    name: 'Orders and their fulfilment',
    purposes: ['Conclude and perform the sales contract', 'Send the invoice'],
    legalBasis: '6(1)(b)',
    dataSubjects: ['customers', 'guest buyers'],
    dataCategories: [
      { id: 'identity.name', description: 'first and last name', collection: 'mandatory' },
      {
        id: 'contact.phone',
        description: 'phone number',
        collection: 'voluntary',
        reason: 'questions on delivery',
      },
    ],
    source: { kind: 'data-subject' },
    disclosures: [
      {
        recipient: 'dhl',
        fields: ['name', 'street', 'postalCode', 'city'],
        consentedFields: [{ purpose: 'carrier-notifications', fields: ['email'] }],
        purpose: 'delivery of the parcel only',
      },
    ],
    processors: ['hosting', 'mail-service'],
    retention: [
      { kind: 'event', event: 'contract fulfilled', graceDays: 30, description: 'while the contract runs' },
      {
        kind: 'statutory',
        statute: 'section 147 AO',
        years: 8,
        description: 'invoices as accounting vouchers',
      },
    ],
    measures: ['TLS for every connection', 'role-based access for staff'],
  }),
  defineActivity({
    id: 'device-analysis',
    name: 'Skin analysis from the devices',
    owner: 'Device service team',
    purposes: ['Analyse the skin photo', 'Improve the service and the devices'],
    legalBasis: '6(1)(a)',
    art9Condition: '9(2)(a)',
    consentPurpose: 'device-analysis',
    dataSubjects: ['patients of partner practices'],
    dataCategories: [
      {
        id: 'health.skin-photo',
        description: 'photo of the skin with the whole face',
        collection: 'not-collected-from-subject',
        special: true,
      },
      { id: 'person.age', description: 'age in years', collection: 'not-collected-from-subject' },
    ],
    source: { kind: 'third-party', name: 'the partner practice operating the device' },
    disclosures: [{ recipient: 'practice', fields: ['analysisResult'] }],
    processors: ['hosting'],
    retention: [
      { kind: 'event', event: 'consent withdrawn', description: 'erased when consent is withdrawn' },
    ],
    measures: ['encryption with a per-subject key destroyed on erasure'],
    dpiaRequired: true,
    dpiaReference: 'docs/dpia/device-analysis.md',
  }),
  defineActivity({
    id: 'credit-check',
    name: 'Credit check before invoice or direct debit',
    purposes: ['Limit the credit risk of deferred payment'],
    legalBasis: '6(1)(f)',
    legitimateInterestAssessment:
      'Invoice and direct debit carry a credit risk.\nOnly those methods trigger a check, with the minimum data.',
    dataSubjects: ['customers choosing invoice or direct debit'],
    dataCategories: [{ id: 'identity.birth-date', description: 'date of birth', collection: 'voluntary' }],
    source: { kind: 'data-subject' },
    disclosures: [{ recipient: 'schufa', fields: ['name', 'street', 'postalCode', 'city', 'dateOfBirth'] }],
    processors: [],
    retention: [{ kind: 'duration', days: 365, description: 'the agency answer, one year' }],
    measures: ['only for credit-risk payment methods'],
    automatedDecision: {
      description: 'whether invoice or direct debit is offered',
      logic: 'the agency score compared with a threshold',
      significance: 'the customer pays by card or PayPal instead',
      safeguards: ['human review on request', 'another payment method is always offered'],
    },
  }),
];

const [orderProcessing, deviceAnalysis, creditCheck] = activities;

const input: Art30RecordInput = {
  controller,
  activities,
  recipients,
  generatedAt: new Date('2026-03-01T09:00:00Z'),
  versions: {
    'order-processing': { version: 3, contentHash: 'sha256-4f2a', validFrom: '2026-02-01T00:00:00Z' },
  },
};

/** The part of the Markdown that describes one activity: from its heading to the next level-2 heading. */
function sectionOf(markdown: string, activity: ActivityDeclaration): string {
  const start = markdown.indexOf(`## Activity: ${activity.name} \`${activity.id}\``);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

const recipient = (id: string): RecipientDeclaration => {
  const r = recipients.find((x) => x.id === id);
  if (!r) throw new Error(`fixture has no recipient ${id}`);
  return r;
};

describe('the Art. 30 record in Markdown', () => {
  const markdown = renderArt30Markdown(buildArt30Record(input));

  describe.each(activities.map((a) => [a.id, a] as const))('for activity %s', (_, activity) => {
    const section = sectionOf(markdown, activity);

    it('has a heading for every Art. 30(1) item, (a) to (g)', () => {
      for (const item of Object.keys(ART30_ITEMS) as Art30Item[])
        expect(section).toContain(`### (${item}) ${ART30_ITEMS[item]}: Art. 30(1)(${item})`);
    });

    it('(a) names the controller, its contact details and the data protection officer', () => {
      expect(section).toContain(controller.name);
      expect(section).toContain(controller.address);
      expect(section).toContain(controller.contact);
      expect(section).toContain(`${controller.dpo?.name}, ${controller.dpo?.contact}`);
    });

    it('(b) lists every purpose and the legal basis', () => {
      for (const purpose of activity.purposes) expect(section).toContain(`- ${purpose}`);
      expect(section).toContain(`Art. ${activity.legalBasis} GDPR`);
      if (activity.art9Condition)
        expect(section).toContain(`Art. ${activity.art9Condition} GDPR: explicit consent`);
    });

    it('(c) lists the data subjects and every data category, mandatory or voluntary, special or not', () => {
      for (const subject of activity.dataSubjects) expect(section).toContain(`- ${subject}`);
      for (const category of activity.dataCategories) {
        const row = section.split('\n').find((line) => line.startsWith(`| \`${category.id}\``));
        expect(row).toContain(category.description);
        expect(row).toContain(
          category.collection === 'not-collected-from-subject' ? 'not collected' : category.collection,
        );
        expect(row).toContain(category.special ? 'yes, special category' : '| no |');
      }
    });

    it('(d) lists every recipient with role, country and allow-listed fields, and every processor', () => {
      for (const disclosure of activity.disclosures) {
        const r = recipient(disclosure.recipient);
        const row = section.split('\n').find((line) => line.startsWith(`| ${r.name} \`${r.id}\``));
        expect(row).toBeDefined();
        expect(row).toContain(r.country);
        expect(row).toMatch(r.role === 'joint-controller' ? /joint controller/ : /independent controller/);
        for (const field of disclosure.fields) expect(row).toContain(`\`${field}\``);
      }
      for (const processor of activity.processors)
        expect(section).toContain(`| ${recipient(processor).name} \``);
    });

    it('(e) names every third-country transfer with its mechanism and safeguards, or says there is none', () => {
      const thirdCountry = activity.processors
        .concat(activity.disclosures.map((d) => d.recipient))
        .map(recipient)
        .filter((r) => !['DE', 'AT'].includes(r.country));
      const transfers = section.slice(section.indexOf('### (e)'), section.indexOf('### (f)'));
      if (thirdCountry.length === 0) expect(transfers).toContain('None: every recipient and processor');
      for (const r of thirdCountry) {
        expect(transfers).toContain(`| ${r.name} \`${r.id}\` | ${r.country} | \`${r.transferMechanism}\``);
        expect(transfers).toContain(r.contractReference);
      }
    });

    it('(f) states every time limit for erasure', () => {
      for (const rule of activity.retention) expect(section).toContain(rule.description);
    });

    it('(g) describes every technical and organisational measure', () => {
      for (const measure of activity.measures) expect(section).toContain(`- ${measure}`);
    });
  });

  it('gives the Art. 9(2) condition, the consent purpose, the source and the DPIA of special-category processing', () => {
    const section = sectionOf(markdown, deviceAnalysis);
    expect(section).toContain('`device-analysis`');
    expect(section).toContain(
      'not collected from the data subject: the partner practice operating the device',
    );
    expect(section).toContain(
      'Data protection impact assessment (Art. 35):** required; the assessment: docs/dpia/device-analysis.md',
    );
    expect(section).toContain('Joint controllers:** Partner practice (AT (EU/EEA))');
  });

  it('quotes the legitimate-interest assessment and explains the automated decision with its logic', () => {
    const section = sectionOf(markdown, creditCheck);
    expect(section).toContain(
      '> Invoice and direct debit carry a credit risk.\n> Only those methods trigger a check',
    );
    expect(section).toContain('Logic involved:** the agency score compared with a threshold');
    expect(section).toContain('human review on request; another payment method is always offered');
  });

  it('states the version and content hash of a stored declaration', () => {
    expect(sectionOf(markdown, orderProcessing)).toContain(
      'Version 3, valid from 2026-02-01T00:00:00Z, content hash `sha256-4f2a`',
    );
    expect(sectionOf(markdown, creditCheck)).toContain('Version not recorded');
  });

  it('escapes text that would otherwise become Markdown or raw HTML', () => {
    const hostile = renderArt30Record(
      { ...input, activities: [{ ...creditCheck, purposes: ['<script>alert(1)</script> | *bold*'] }] },
      'md',
    );
    expect(hostile).not.toContain('<script>');
    expect(hostile).toContain('\\<script\\>alert(1)\\</script\\> \\| \\*bold\\*');
  });
});

describe('the Art. 30 record as JSON', () => {
  const record = buildArt30Record(input);

  it('sorts the activities by id and stamps the time of generation', () => {
    expect(record.generatedAt).toBe('2026-03-01T09:00:00.000Z');
    expect(record.activities.map((a) => a.id)).toEqual([
      'credit-check',
      'device-analysis',
      'order-processing',
    ]);
  });

  it('lists a processor in the US as a third-country transfer under the Data Privacy Framework', () => {
    const orders = record.activities.find((a) => a.id === 'order-processing');
    expect(orders?.thirdCountryTransfers).toEqual([
      {
        recipient: 'mail-service',
        name: 'Transactional mail service',
        role: 'processor',
        country: 'US',
        mechanism: 'eu-us-dpf',
        mechanismDescription: 'EU-US Data Privacy Framework, adequacy decision (EU) 2023/1795, Art. 45',
        safeguardsDocumentation: 'Art. 28 agreement with SCC 2021-914 module 3 as fallback',
      },
    ]);
  });

  it('names a joint controller under item (a) as well as among the recipients', () => {
    const device = record.activities.find((a) => a.id === 'device-analysis');
    expect(device?.controller.jointControllers.map((j) => j.id)).toEqual(['practice']);
    expect(device?.recipients.map((r) => r.id)).toEqual(['practice']);
  });

  it('shows a recipient missing from the registry as undeclared instead of failing', () => {
    const orphan = buildArt30Record({
      ...input,
      activities: [{ ...creditCheck, disclosures: [{ recipient: 'ghost', fields: ['name'] }] }],
    });
    expect(orphan.activities[0]?.recipients[0]).toMatchObject({
      id: 'ghost',
      role: 'undeclared',
      country: null,
    });
  });

  it('renders as JSON that parses back to the same record', () => {
    expect(JSON.parse(renderArt30Record(input, 'json'))).toEqual(JSON.parse(JSON.stringify(record)));
  });
});

describe('the Art. 30 record in HTML', () => {
  it('escapes markup in declarations, so a <script> in a purpose is shown, not run', () => {
    const html = renderArt30Record(
      {
        ...input,
        controller: { ...controller, name: `O'Brien & "Sons" <b>` },
        activities: [{ ...orderProcessing, purposes: ['<script>alert("x")</script>'] }],
      },
      'html',
    );
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('O&#39;Brien &amp; &quot;Sons&quot; &lt;b&gt;');
  });

  it('is one self-contained document: no scripts, no external assets, styles inline', () => {
    const html = renderArt30Html(buildArt30Record(input));
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<script|<link|\ssrc=|https?:\/\//i);
    expect(html).toContain(`default-src 'none'`);
  });

  it('links the written DPIA of a special-category activity, in the overview and in its section', () => {
    const html = renderArt30Html(buildArt30Record(input));
    expect(
      html.split('<a href="docs/dpia/device-analysis.md">docs/dpia/device-analysis.md</a>'),
    ).toHaveLength(3);
    expect(buildArt30Record(input).activities.find((a) => a.id === 'device-analysis')?.dpiaReference).toBe(
      'docs/dpia/device-analysis.md',
    );
  });

  it('holds every Art. 30(1) item for every activity, and links the overview to each activity', () => {
    const html = renderArt30Html(buildArt30Record(input));
    for (const activity of activities) {
      expect(html).toContain(`<a href="#activity-${activity.id}">`);
      expect(html).toContain(`<h2 id="activity-${activity.id}">`);
    }
    for (const item of Object.keys(ART30_ITEMS) as Art30Item[])
      expect(html.split(`<h3>(${item}) ${ART30_ITEMS[item]}`).length - 1).toBe(activities.length);
  });
});
