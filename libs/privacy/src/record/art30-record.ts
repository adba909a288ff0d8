import {
  ART9_CONDITIONS,
  EEA_COUNTRIES,
  LEGAL_BASES,
  TRANSFER_MECHANISMS,
  type ActivityDeclaration,
  type Art9Condition,
  type AutomatedDecision,
  type DataCategory,
  type LegalBasis,
  type RecipientDeclaration,
  type Retention,
  type Source,
  type TransferMechanism,
} from '../declarations.js';

/**
 * The record of processing activities (Art. 30(1) GDPR), generated from the registry, never written by
 * hand. One typed object (the JSON form) is built from the declarations; Markdown and HTML are two
 * renderings of one document model, so they cannot drift apart.
 */

export interface ContactPerson {
  name: string;
  contact: string;
}

/** The controller (Art. 30(1)(a)): who answers for the processing. */
export interface ControllerDetails {
  name: string;
  /** Postal address, one line or several. */
  address: string;
  /** E-mail and/or phone for data-protection matters. */
  contact: string;
  /** The data protection officer (Art. 37-39, § 38 BDSG), where designated. */
  dpo?: ContactPerson;
  /** The representative in the Union (Art. 27), only for a controller established outside it. */
  representative?: ContactPerson;
}

/** The stored version of a declaration (the registry keeps every version). */
export interface ActivityVersion {
  version: number;
  contentHash: string;
  validFrom: string;
}

export interface Art30RecordInput {
  controller: ControllerDetails;
  activities: readonly ActivityDeclaration[];
  recipients: readonly RecipientDeclaration[];
  generatedAt: Date | string;
  /** By activity id. */
  versions?: Readonly<Record<string, ActivityVersion>>;
}

/** The Art. 30(1) items, in the order of the Regulation; the headings of every rendering. */
export const ART30_ITEMS = {
  a: 'Controller, joint controllers and data protection officer',
  b: 'Purposes of the processing',
  c: 'Categories of data subjects and of personal data',
  d: 'Categories of recipients',
  e: 'Transfers to third countries',
  f: 'Time limits for erasure',
  g: 'Technical and organisational security measures',
} as const;
export type Art30Item = keyof typeof ART30_ITEMS;

export type RecipientRole = RecipientDeclaration['role'] | 'undeclared';

export interface Art30Recipient {
  id: string;
  name: string;
  role: RecipientRole;
  /** ISO 3166-1 alpha-2; null when the recipient is not declared. */
  country: string | null;
  /** Outside the EU/EEA. */
  thirdCountry: boolean;
  transferMechanism?: { id: TransferMechanism; description: string };
  contractReference?: string;
  description?: string;
}

export interface Art30Disclosure extends Art30Recipient {
  /** The allow-list: the only fields this recipient receives for this activity. */
  fields: string[];
  /** Fields sent only with the person's consent to `purpose`. */
  consentedFields: { purpose: string; fields: string[] }[];
  purpose?: string;
}

export interface Art30Transfer {
  recipient: string;
  name: string;
  role: RecipientRole;
  country: string;
  /** null: none declared (the linter rejects that). */
  mechanism: TransferMechanism | null;
  mechanismDescription: string;
  /** Documentation of the safeguards (Art. 30(1)(e), Art. 46): the contract or clauses relied on. */
  safeguardsDocumentation?: string;
}

export type Art30Retention = Retention & { summary: string };

export interface Art30DataCategory {
  id: string;
  description: string;
  collection: DataCategory['collection'];
  special: boolean;
  reason?: string;
}

export interface Art30Activity {
  id: string;
  name: string;
  owner?: string;
  version?: ActivityVersion;
  /** (a) */
  controller: ControllerDetails & { jointControllers: Art30Recipient[] };
  /** (b) */
  purposes: string[];
  legalBasis: {
    article: LegalBasis;
    description: string;
    art9Condition?: { article: Art9Condition; description: string };
    /** The written balancing test for Art. 6(1)(f). */
    legitimateInterestAssessment?: string;
    /** The consent-ledger purpose checked before the processing runs. */
    consentPurpose?: string;
  };
  /** (c) */
  dataSubjects: string[];
  /** (c) */
  dataCategories: Art30DataCategory[];
  source: Source & { description: string };
  /** (d) independent controllers and joint controllers, with their allow-lists. */
  recipients: Art30Disclosure[];
  /** (d) processors (Art. 28) are recipients too (Art. 4(9)). */
  processors: Art30Recipient[];
  /** (e) */
  thirdCountryTransfers: Art30Transfer[];
  /** (f) */
  retention: Art30Retention[];
  /** (g) */
  measures: string[];
  dpiaRequired: boolean;
  /** Where the written DPIA is (a repository path or a URL). */
  dpiaReference?: string;
  automatedDecision?: AutomatedDecision;
  /** The activity may still read blocked records (kept only for statutory retention). */
  readsBlockedRecords: boolean;
}

/** The JSON form of the record. */
export interface Art30Record {
  title: string;
  legalReference: string;
  generatedAt: string;
  controller: ControllerDetails;
  activities: Art30Activity[];
  /** Every declared recipient and processor, with the activities that use it. */
  recipients: (Art30Recipient & { activities: string[] })[];
}

export type Art30Format = 'json' | 'md' | 'html';

const TITLE = 'Record of processing activities';
const LEGAL_REFERENCE = 'Art. 30(1) Regulation (EU) 2016/679 (GDPR)';

/* ------------------------------------------------------------------------------------------------ */
/* The record as data                                                                                */
/* ------------------------------------------------------------------------------------------------ */

export function buildArt30Record(input: Art30RecordInput): Art30Record {
  const recipientById = new Map(input.recipients.map((r) => [r.id, r]));
  const recipient = (id: string): Art30Recipient => describeRecipient(id, recipientById.get(id));
  const activities = [...input.activities].sort((x, y) => x.id.localeCompare(y.id));

  return {
    title: TITLE,
    legalReference: LEGAL_REFERENCE,
    generatedAt: typeof input.generatedAt === 'string' ? input.generatedAt : input.generatedAt.toISOString(),
    controller: input.controller,
    activities: activities.map((a) => {
      const recipients: Art30Disclosure[] = (a.disclosures ?? []).map((d) => ({
        ...recipient(d.recipient),
        fields: [...(d.fields ?? [])],
        consentedFields: (d.consentedFields ?? []).map((c) => ({
          purpose: c.purpose,
          fields: [...c.fields],
        })),
        ...(d.purpose !== undefined ? { purpose: d.purpose } : {}),
      }));
      const processors = (a.processors ?? []).map(recipient);
      const version = input.versions?.[a.id];
      return {
        id: a.id,
        name: a.name,
        ...(a.owner !== undefined ? { owner: a.owner } : {}),
        ...(version !== undefined ? { version } : {}),
        controller: {
          ...input.controller,
          jointControllers: recipients.filter((r) => r.role === 'joint-controller').map(withoutAllowList),
        },
        purposes: [...(a.purposes ?? [])],
        legalBasis: {
          article: a.legalBasis,
          description: LEGAL_BASES[a.legalBasis] ?? 'unknown legal basis',
          ...(a.art9Condition !== undefined
            ? {
                art9Condition: {
                  article: a.art9Condition,
                  description: ART9_CONDITIONS[a.art9Condition] ?? 'unknown condition',
                },
              }
            : {}),
          ...(a.legitimateInterestAssessment !== undefined
            ? { legitimateInterestAssessment: a.legitimateInterestAssessment }
            : {}),
          ...(a.consentPurpose !== undefined ? { consentPurpose: a.consentPurpose } : {}),
        },
        dataSubjects: [...(a.dataSubjects ?? [])],
        dataCategories: (a.dataCategories ?? []).map((c) => ({
          id: c.id,
          description: c.description,
          collection: c.collection,
          special: c.special === true,
          ...(c.reason !== undefined ? { reason: c.reason } : {}),
        })),
        source: { ...a.source, description: describeSource(a.source) },
        recipients,
        processors,
        thirdCountryTransfers: [...recipients, ...processors]
          .filter((r) => r.thirdCountry)
          .map(describeTransfer),
        retention: (a.retention ?? []).map((r) => ({ ...r, summary: summariseRetention(r) })),
        measures: [...(a.measures ?? [])],
        dpiaRequired: a.dpiaRequired === true,
        ...(a.dpiaReference !== undefined ? { dpiaReference: a.dpiaReference } : {}),
        ...(a.automatedDecision !== undefined ? { automatedDecision: a.automatedDecision } : {}),
        readsBlockedRecords: a.retentionPurpose === true,
      };
    }),
    recipients: [...input.recipients]
      .sort((x, y) => x.id.localeCompare(y.id))
      .map((r) => ({
        ...describeRecipient(r.id, r),
        activities: activities
          .filter(
            (a) =>
              (a.disclosures ?? []).some((d) => d.recipient === r.id) || (a.processors ?? []).includes(r.id),
          )
          .map((a) => a.id),
      })),
  };
}

function describeRecipient(id: string, r: RecipientDeclaration | undefined): Art30Recipient {
  if (!r) return { id, name: id, role: 'undeclared', country: null, thirdCountry: false };
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    country: r.country,
    thirdCountry: !EEA_COUNTRIES.has(r.country),
    ...(r.transferMechanism !== undefined
      ? {
          transferMechanism: {
            id: r.transferMechanism,
            description: TRANSFER_MECHANISMS[r.transferMechanism] ?? 'unknown mechanism',
          },
        }
      : {}),
    ...(r.contractReference !== undefined ? { contractReference: r.contractReference } : {}),
    ...(r.description !== undefined ? { description: r.description } : {}),
  };
}

function withoutAllowList(d: Art30Disclosure): Art30Recipient {
  const { fields: _fields, consentedFields: _consented, purpose: _purpose, ...recipient } = d;
  return recipient;
}

function describeTransfer(r: Art30Recipient): Art30Transfer {
  return {
    recipient: r.id,
    name: r.name,
    role: r.role,
    country: r.country ?? '',
    mechanism: r.transferMechanism?.id ?? null,
    mechanismDescription:
      r.transferMechanism?.description ?? 'NONE DECLARED: the transfer has no legal ground',
    ...(r.contractReference !== undefined ? { safeguardsDocumentation: r.contractReference } : {}),
  };
}

function describeSource(source: Source | undefined): string {
  if (source?.kind === 'data-subject') return 'collected from the data subject';
  if (source?.kind === 'third-party')
    return `not collected from the data subject: ${source.name ?? 'an unnamed third party'} (Art. 14)`;
  return 'not declared';
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function summariseRetention(r: Retention): string {
  switch (r.kind) {
    case 'duration':
      return `kept for ${plural(r.days, 'day')}`;
    case 'event':
      return `kept until ${r.event}${r.graceDays ? `, then ${plural(r.graceDays, 'more day')}` : ''}`;
    case 'statutory':
      return `kept for ${plural(r.years, 'year')} under ${r.statute}`;
    default:
      return 'unknown retention rule';
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* The record as a document: one model, rendered to Markdown or HTML                                  */
/* ------------------------------------------------------------------------------------------------ */

type Inline = { text: string } | { code: string } | { strong: string } | { link: string; href: string };
type Inlines = Inline[];
type Block =
  | { heading: 1 | 2 | 3; content: Inlines; id?: string }
  | { paragraph: Inlines }
  | { list: Inlines[]; ordered?: boolean }
  | { table: { head: string[]; rows: Inlines[][] } }
  | { fields: [label: string, value: Inlines][] }
  | { quote: string };

const text = (s: string): Inline => ({ text: s });
const code = (s: string): Inline => ({ code: s });
const strong = (s: string): Inline => ({ strong: s });
const joined = (items: Inlines[], separator = ', '): Inlines =>
  items.flatMap((item, i) => (i === 0 ? item : [text(separator), ...item]));
const codes = (xs: readonly string[]): Inlines =>
  xs.length ? joined(xs.map((x) => [code(x)])) : [text('none')];

const ROLE_LABELS: Record<RecipientRole, string> = {
  recipient: 'independent controller (recipient)',
  processor: 'processor (Art. 28)',
  'joint-controller': 'joint controller (Art. 26)',
  undeclared: 'NOT DECLARED in the registry',
};
const COLLECTION_LABELS: Record<DataCategory['collection'], string> = {
  mandatory: 'mandatory',
  voluntary: 'voluntary',
  'not-collected-from-subject': 'not collected from the data subject',
};

const itemHeading = (item: Art30Item): Block => ({
  heading: 3,
  content: [text(`(${item}) ${ART30_ITEMS[item]}: Art. 30(1)(${item})`)],
});
const activityAnchor = (id: string): string => `activity-${id}`;

function recordDocument(record: Art30Record): Block[] {
  const c = record.controller;
  return [
    { heading: 1, content: [text(`${record.title}: ${c.name}`)] },
    {
      paragraph: [
        text(`${record.legalReference}. Generated from the processing registry at ${record.generatedAt}; `),
        text(
          `${record.activities.length} processing ${record.activities.length === 1 ? 'activity' : 'activities'}.`,
        ),
      ],
    },
    { heading: 2, content: [text('Controller')], id: 'controller' },
    { fields: controllerFields(c) },
    { heading: 2, content: [text('Overview')], id: 'overview' },
    {
      table: {
        head: ['Activity', 'Legal basis', 'Special categories', 'Third-country transfers', 'DPIA'],
        rows: record.activities.map((a) => [
          [{ link: a.name, href: `#${activityAnchor(a.id)}` }, text(' '), code(a.id)],
          [text(legalBasisLabel(a))],
          [text(a.dataCategories.some((d) => d.special) ? 'yes' : 'no')],
          a.thirdCountryTransfers.length
            ? joined(a.thirdCountryTransfers.map((t) => [text(`${t.name} (${t.country})`)]))
            : [text('none')],
          a.dpiaReference
            ? [text('required: '), { link: a.dpiaReference, href: a.dpiaReference }]
            : [text(a.dpiaRequired ? 'required' : 'not required')],
        ]),
      },
    },
    ...record.activities.flatMap(activityDocument),
    { heading: 2, content: [text('Register of recipients and processors')], id: 'recipients' },
    record.recipients.length
      ? {
          table: {
            head: ['Recipient', 'Role', 'Country', 'Transfer mechanism', 'Contract', 'Activities'],
            rows: record.recipients.map((r) => [
              [text(r.name), text(' '), code(r.id)],
              [text(ROLE_LABELS[r.role])],
              [text(countryLabel(r))],
              [
                text(
                  r.transferMechanism
                    ? r.transferMechanism.description
                    : r.thirdCountry
                      ? 'NONE'
                      : 'not needed',
                ),
              ],
              [text(r.contractReference ?? '-')],
              codes(r.activities),
            ]),
          },
        }
      : { paragraph: [text('No recipient or processor is declared.')] },
  ];
}

function controllerFields(c: ControllerDetails): [string, Inlines][] {
  return [
    ['Controller', [text(c.name)]],
    ['Address', [text(c.address)]],
    ['Contact', [text(c.contact)]],
    ['Data protection officer', [text(c.dpo ? `${c.dpo.name}, ${c.dpo.contact}` : 'none designated')]],
    ...(c.representative
      ? [
          [
            'Representative in the Union (Art. 27)',
            [text(`${c.representative.name}, ${c.representative.contact}`)],
          ] as [string, Inlines],
        ]
      : []),
  ];
}

const legalBasisLabel = (a: Art30Activity): string =>
  `Art. ${a.legalBasis.article}` +
  (a.legalBasis.art9Condition ? ` and Art. ${a.legalBasis.art9Condition.article}` : '');

const countryLabel = (r: Art30Recipient): string =>
  r.country === null ? 'unknown' : `${r.country}${r.thirdCountry ? ' (third country)' : ' (EU/EEA)'}`;

function activityDocument(a: Art30Activity): Block[] {
  const basis = a.legalBasis;
  const version = a.version
    ? `Version ${a.version.version}, valid from ${a.version.validFrom}, content hash `
    : 'Version not recorded (generated from the declarations in the code)';
  return [
    { heading: 2, content: [text(`Activity: ${a.name} `), code(a.id)], id: activityAnchor(a.id) },
    {
      paragraph: [
        text(version),
        ...(a.version ? [code(a.version.contentHash)] : []),
        text('.'),
        ...(a.owner ? [text(` Responsible unit: ${a.owner}.`)] : []),
      ],
    },

    itemHeading('a'),
    {
      fields: [
        ...controllerFields(a.controller),
        [
          'Joint controllers',
          a.controller.jointControllers.length
            ? joined(a.controller.jointControllers.map((j) => [text(`${j.name} (${countryLabel(j)})`)]))
            : [text('none')],
        ],
      ],
    },

    itemHeading('b'),
    { list: a.purposes.map((p) => [text(p)]) },
    {
      fields: [
        ['Legal basis', [text(`Art. ${basis.article} GDPR: ${basis.description}`)]],
        ...(basis.art9Condition
          ? [
              [
                'Condition for special categories',
                [text(`Art. ${basis.art9Condition.article} GDPR: ${basis.art9Condition.description}`)],
              ] as [string, Inlines],
            ]
          : []),
        ...(basis.consentPurpose
          ? [
              ['Consent checked in the consent ledger for purpose', [code(basis.consentPurpose)]] as [
                string,
                Inlines,
              ],
            ]
          : []),
      ],
    },
    ...(basis.legitimateInterestAssessment !== undefined
      ? [
          { paragraph: [strong('Legitimate-interest assessment (Art. 6(1)(f)):')] },
          { quote: basis.legitimateInterestAssessment },
        ]
      : []),

    itemHeading('c'),
    { paragraph: [strong('Categories of data subjects:')] },
    { list: a.dataSubjects.map((s) => [text(s)]) },
    { paragraph: [strong('Categories of personal data:')] },
    {
      table: {
        head: ['Category', 'Description', 'At collection', 'Special category (Art. 9)'],
        rows: a.dataCategories.map((d) => [
          [code(d.id)],
          [text(d.description + (d.reason ? ` (why: ${d.reason})` : ''))],
          [text(COLLECTION_LABELS[d.collection] ?? String(d.collection))],
          [d.special ? strong('yes, special category') : text('no')],
        ]),
      },
    },
    { fields: [['Source of the data', [text(a.source.description)]]] },

    itemHeading('d'),
    a.recipients.length
      ? {
          table: {
            head: [
              'Recipient',
              'Role',
              'Country',
              'Fields disclosed (allow-list)',
              'Only with consent',
              'Why',
            ],
            rows: a.recipients.map((r) => [
              [text(r.name), text(' '), code(r.id)],
              [text(ROLE_LABELS[r.role])],
              [text(countryLabel(r))],
              codes(r.fields),
              r.consentedFields.length
                ? joined(
                    r.consentedFields.map((cf) => [
                      ...codes(cf.fields),
                      text(' (consent '),
                      code(cf.purpose),
                      text(')'),
                    ]),
                    '; ',
                  )
                : [text('-')],
              [text(r.purpose ?? '-')],
            ]),
          },
        }
      : {
          paragraph: [
            text('Recipients: none. No data of this activity is disclosed to a controller outside the shop.'),
          ],
        },
    { paragraph: [strong('Processors (Art. 28):')] },
    a.processors.length
      ? {
          table: {
            head: ['Processor', 'Country', 'Contract (Art. 28(3))'],
            rows: a.processors.map((p) => [
              [text(p.name), text(' '), code(p.id)],
              [text(countryLabel(p))],
              [text(p.contractReference ?? 'none recorded')],
            ]),
          },
        }
      : { paragraph: [text('none')] },

    itemHeading('e'),
    a.thirdCountryTransfers.length
      ? {
          table: {
            head: ['Recipient', 'Third country', 'Transfer mechanism', 'Documentation of safeguards'],
            rows: a.thirdCountryTransfers.map((t) => [
              [text(t.name), text(' '), code(t.recipient)],
              [text(t.country)],
              t.mechanism
                ? [code(t.mechanism), text(`: ${t.mechanismDescription}`)]
                : [strong(t.mechanismDescription)],
              [text(t.safeguardsDocumentation ?? '-')],
            ]),
          },
        }
      : {
          paragraph: [text('None: every recipient and processor of this activity is in the EU/EEA.')],
        },

    itemHeading('f'),
    { list: a.retention.map((r) => [strong(`${capitalise(r.summary)}:`), text(` ${r.description}`)]) },
    ...(a.readsBlockedRecords
      ? [
          {
            paragraph: [
              text(
                'This activity is the statutory retention purpose: it alone may read records blocked instead of ' +
                  'erased (Art. 17(3)(b), § 35(3) BDSG).',
              ),
            ],
          },
        ]
      : []),

    itemHeading('g'),
    { list: a.measures.map((m) => [text(m)]) },

    { heading: 3, content: [text('Further information')] },
    {
      fields: [
        [
          'Data protection impact assessment (Art. 35)',
          a.dpiaReference
            ? [
                text(a.dpiaRequired ? 'required; the assessment: ' : 'the assessment: '),
                { link: a.dpiaReference, href: a.dpiaReference },
              ]
            : [text(a.dpiaRequired ? 'required' : 'not marked as required')],
        ],
        [
          'Automated decision (Art. 22)',
          [text(a.automatedDecision ? a.automatedDecision.description : 'none')],
        ],
        ...(a.automatedDecision
          ? ([
              ['Logic involved', [text(a.automatedDecision.logic)]],
              ['Significance and consequences', [text(a.automatedDecision.significance)]],
              ['Safeguards (Art. 22(3))', [text(a.automatedDecision.safeguards.join('; '))]],
            ] as [string, Inlines][])
          : []),
      ],
    },
  ];
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/* Markdown ------------------------------------------------------------------------------------------ */

/** Escapes text for CommonMark/GFM: punctuation that could start markup, raw HTML or an entity. */
export function escapeMarkdown(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ').replace(/[\\`*_[\]<>|&~]/g, '\\$&');
}

function markdownCode(s: string, inTable: boolean): string {
  const flat = s.replace(/\s*[\r\n]+\s*/g, ' ');
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  // In a GFM table a pipe ends the cell even inside a code span, unless escaped.
  const body = inTable ? flat.replace(/\|/g, '\\|') : flat;
  return `${fence}${pad}${body}${pad}${fence}`;
}

function markdownInlines(inlines: Inlines, inTable = false): string {
  return inlines
    .map((i) => {
      if ('code' in i) return markdownCode(i.code, inTable);
      if ('strong' in i) return `**${escapeMarkdown(i.strong)}**`;
      if ('link' in i) return escapeMarkdown(i.link);
      return escapeMarkdown(i.text);
    })
    .join('');
}

/** A line that would start a list, heading or quote inside a block quote is escaped at its start. */
const markdownQuoteLine = (line: string): string =>
  escapeMarkdown(line)
    .replace(/^(\s*)([-+#>=])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');

function markdownBlock(block: Block): string {
  if ('heading' in block) return `${'#'.repeat(block.heading)} ${markdownInlines(block.content)}`;
  if ('paragraph' in block) return markdownInlines(block.paragraph);
  if ('list' in block)
    return block.list.length
      ? block.list
          .map((item, i) => `${block.ordered ? `${i + 1}.` : '-'} ${markdownInlines(item)}`)
          .join('\n')
      : '- none';
  if ('fields' in block)
    return block.fields
      .map(([label, value]) => `- **${escapeMarkdown(label)}:** ${markdownInlines(value)}`)
      .join('\n');
  if ('quote' in block)
    return block.quote
      .split(/\r?\n/)
      .map((line) => (line.trim() ? `> ${markdownQuoteLine(line.trim())}` : '>'))
      .join('\n');
  const { head, rows } = block.table;
  const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [
    row(head.map(escapeMarkdown)),
    row(head.map(() => '---')),
    ...(rows.length ? rows : [head.map((_, i) => [text(i === 0 ? 'none' : '')])]).map((cells) =>
      row(cells.map((cell) => markdownInlines(cell, true))),
    ),
  ].join('\n');
}

export function renderArt30Markdown(record: Art30Record): string {
  return `${recordDocument(record).map(markdownBlock).join('\n\n')}\n`;
}

/* HTML ---------------------------------------------------------------------------------------------- */

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and double- or single-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch] ?? ch);
}

function htmlInlines(inlines: Inlines): string {
  return inlines
    .map((i) => {
      if ('code' in i) return `<code>${escapeHtml(i.code)}</code>`;
      if ('strong' in i) return `<strong>${escapeHtml(i.strong)}</strong>`;
      if ('link' in i) return `<a href="${escapeHtml(i.href)}">${escapeHtml(i.link)}</a>`;
      return escapeHtml(i.text);
    })
    .join('');
}

function htmlBlock(block: Block): string {
  if ('heading' in block) {
    const id = block.id ? ` id="${escapeHtml(block.id)}"` : '';
    return `<h${block.heading}${id}>${htmlInlines(block.content)}</h${block.heading}>`;
  }
  if ('paragraph' in block) return `<p>${htmlInlines(block.paragraph)}</p>`;
  if ('list' in block) {
    const tag = block.ordered ? 'ol' : 'ul';
    const items = block.list.length ? block.list.map((i) => `<li>${htmlInlines(i)}</li>`) : ['<li>none</li>'];
    return `<${tag}>${items.join('')}</${tag}>`;
  }
  if ('fields' in block)
    return `<dl>${block.fields
      .map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${htmlInlines(value)}</dd>`)
      .join('')}</dl>`;
  if ('quote' in block) return `<blockquote>${escapeHtml(block.quote)}</blockquote>`;
  const { head, rows } = block.table;
  const body = rows.length
    ? rows
        .map((cells) => `<tr>${cells.map((cell) => `<td>${htmlInlines(cell)}</td>`).join('')}</tr>`)
        .join('\n')
    : `<tr><td colspan="${head.length}">none</td></tr>`;
  return `<table><thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const STYLE = `
  :root { color-scheme: light; }
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f23; max-width: 72rem;
         margin: 2rem auto; padding: 0 1.5rem; }
  h1 { font-size: 1.6rem; margin-bottom: .25rem; }
  h2 { font-size: 1.3rem; margin-top: 2.5rem; padding-top: .5rem; border-top: 2px solid #d0d7de; }
  h3 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; color: #24476b; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
  th, td { border: 1px solid #d0d7de; padding: .35rem .5rem; text-align: left; vertical-align: top; }
  th { background: #f3f5f7; }
  code { font: .9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f3f5f7; padding: 0 .2em;
         border-radius: 3px; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0 1rem; }
  dt { font-weight: 600; }
  dd { margin: 0; }
  blockquote { white-space: pre-wrap; margin: .5rem 0 1rem; padding: .5rem 1rem; border-left: 4px solid #d0d7de;
               background: #f8f9fa; }
  @media print { body { margin: 0; max-width: none; } h2[id^="activity-"] { break-before: page; } a { color: inherit; } }
`;

export function renderArt30Html(record: Art30Record): string {
  const blocks = recordDocument(record).map(htmlBlock).join('\n');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Self-contained: nothing is loaded, nothing runs, even if a declaration held markup.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`${record.title}: ${record.controller.name}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    blocks,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/* All formats --------------------------------------------------------------------------------------- */

export function renderArt30Json(record: Art30Record): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** Builds the record from the declarations and renders it in one format. */
export function renderArt30Record(input: Art30RecordInput, format: Art30Format): string {
  const record = buildArt30Record(input);
  switch (format) {
    case 'json':
      return renderArt30Json(record);
    case 'md':
      return renderArt30Markdown(record);
    case 'html':
      return renderArt30Html(record);
  }
}
