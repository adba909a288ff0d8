import {
  ART9_CONDITIONS,
  EEA_COUNTRIES,
  LEGAL_BASES,
  TRANSFER_MECHANISMS,
  type ActivityDeclaration,
  type Disclosure,
  type RecipientDeclaration,
  type Retention,
} from '../declarations.js';
import type { PersonalDataField } from '../registry/registry.js';

/**
 * The privacy linter: a pure check of the processing registry against the rules of the GDPR that a
 * declaration can be checked for without running anything. It runs at boot (the kernel refuses to start
 * on an error) and in CI (`npm run privacy:lint`), and staff read it at `GET /api/v1/admin/privacy/lint`.
 *
 * Declarations are typed, but the linter does not trust the types: a declaration may come from JSON, a
 * cast or a stale version, so every field is checked for presence as well as meaning.
 */

export interface LintFinding {
  /** One of the ids in LINT_RULES; stable, so CI output and suppressions can name it. */
  rule: string;
  severity: 'error' | 'warning';
  activity?: string;
  recipient?: string;
  message: string;
}

export interface LintInput {
  activities: readonly ActivityDeclaration[];
  recipients: readonly RecipientDeclaration[];
  /** The `@PersonalData(category)` fields of the entities; the unused-category rule runs only when given. */
  personalDataFields?: readonly PersonalDataField[];
}

/** Every rule, its default severity and what it proves. Ids never change once released. */
export const LINT_RULES = {
  'empty-registry': {
    severity: 'error',
    description: 'The shop processes personal data, so a registry without activities is not wired up.',
  },
  'invalid-id': {
    severity: 'error',
    description: 'Activity and recipient ids are kebab-case (they name consent purposes, log rows, URLs).',
  },
  'duplicate-id': {
    severity: 'error',
    description: 'An activity or recipient id is declared once; the registry refuses to start otherwise.',
  },
  'missing-required-field': {
    severity: 'error',
    description:
      'name, purposes, data subjects, data categories, source (with the name of a third-party source), ' +
      'measures, disclosures and processors are present and not empty; a recipient has a name.',
  },
  'invalid-legal-basis': {
    severity: 'error',
    description: 'The legal basis is one of Art. 6(1)(a)-(f); the Art. 9(2) condition one of 9(2)(a)-(j).',
  },
  'invalid-value': {
    severity: 'error',
    description:
      'An enumerated field (collection, source kind, recipient role, retention kind) has a known value.',
  },
  'duplicate-data-category': {
    severity: 'error',
    description: 'A data category id appears once per activity.',
  },
  'unknown-recipient': {
    severity: 'error',
    description: 'Every disclosure and processor names a declared recipient.',
  },
  'recipient-role-mismatch': {
    severity: 'error',
    description:
      'Only recipients with role "processor" (Art. 28 contract) are listed under processors; a disclosure to a ' +
      'processor is allowed (it is the allow-list of what the processor receives) but the activity must then ' +
      'also list it under processors, so the record names it as a processor.',
  },
  'invalid-country': {
    severity: 'error',
    description: 'A recipient country is an assigned ISO 3166-1 alpha-2 code in upper case.',
  },
  'consent-without-check': {
    severity: 'error',
    description:
      'Processing on consent (6(1)(a) or 9(2)(a)) names the consent-ledger purpose the guard checks.',
  },
  'special-category-without-art9': {
    severity: 'error',
    description: 'Special categories (Art. 9(1)) are processed only under an Art. 9(2) condition.',
  },
  'art9-condition-without-special-category': {
    severity: 'warning',
    description:
      'An Art. 9(2) condition without any category marked special: either a category lacks `special: true` ' +
      '(and so escapes the safeguards for special data) or the condition is stale. Not unlawful in itself, ' +
      'so a warning that asks for review.',
  },
  'special-category-without-dpia': {
    severity: 'error',
    description:
      'Processing special categories needs a data protection impact assessment (Art. 35(3)(b)); the linter cannot ' +
      'measure the scale, so every such activity must carry `dpiaRequired: true` and a `dpiaReference` to the ' +
      'written assessment (Art. 35(7)), which the Art. 30 record links to.',
  },
  'invalid-transfer-mechanism': {
    severity: 'error',
    description:
      'A recipient outside the EU/EEA has a valid Art. 45-49 mechanism: not none, not Privacy Shield (void since ' +
      'C-311/18), the EU-US DPF only for the US; adequacy only where a decision exists (warning); Art. 49 ' +
      'derogations are not for standing recipients (warning).',
  },
  'recipient-without-allow-list': {
    severity: 'error',
    description:
      'Data leaves for a recipient only through an allow-list of fields: a disclosure has fields, and a recipient ' +
      'or joint controller named by an activity has a disclosure entry in it.',
  },
  'duplicate-disclosure': {
    severity: 'error',
    description: 'One disclosure entry per recipient and activity, so the allow-list is unambiguous.',
  },
  'unused-recipient': {
    severity: 'warning',
    description: 'A declared recipient that no activity discloses to or uses as a processor.',
  },
  'processor-without-contract': {
    severity: 'warning',
    description: 'A processor names the Art. 28(3) contract it works under (contractReference).',
  },
  'missing-retention': {
    severity: 'error',
    description:
      'Every activity has at least one retention rule with a positive period, a named event or statute, and a ' +
      'description (Art. 5(1)(e), Art. 30(1)(f)).',
  },
  'legitimate-interest-without-assessment': {
    severity: 'error',
    description: 'Processing on 6(1)(f) carries the written balancing test (at least 40 characters).',
  },
  'unused-data-category': {
    severity: 'error',
    description: 'A personal-data field of an entity belongs to a category some activity declares.',
  },
  'automated-decision-without-logic': {
    severity: 'error',
    description:
      'An automated decision (Art. 22) describes itself, the logic involved (Art. 15(1)(h), C-203/22), its ' +
      'significance and at least one safeguard (Art. 22(3): human review, contest).',
  },
  'consented-fields-overlap': {
    severity: 'warning',
    description:
      'A field sent only with consent is also on the base allow-list, so it is sent without consent anyway.',
  },
} as const satisfies Record<string, { severity: 'error' | 'warning'; description: string }>;

export type LintRuleId = keyof typeof LINT_RULES;

/** Minimum length of a legitimate-interest assessment: a balancing test is more than a slogan. */
export const MIN_LIA_LENGTH = 40;

const KEBAB_CASE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** ISO 3166-1 alpha-2 officially assigned codes. */
const ISO_COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY ' +
    'BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK ' +
    'FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR ' +
    'IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ' +
    'ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM ' +
    'PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF ' +
    'TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

/** Codes people write that ISO 3166-1 does not assign to a country, and what they mean. */
const COUNTRY_HINTS: Record<string, string> = {
  UK: 'GB (United Kingdom)',
  EL: 'GR (Greece)',
  EU: 'the country where the recipient actually processes the data',
};

/**
 * Countries with an adequacy decision under Art. 45 (besides the US, whose adequacy is the EU-US Data
 * Privacy Framework and covers only self-certified organisations). Keep in step with the Commission's list;
 * a country missing here is only a warning.
 */
const ADEQUATE_COUNTRIES = new Set([
  'AD',
  'AR',
  'CA',
  'CH',
  'FO',
  'GB',
  'GG',
  'IL',
  'IM',
  'JE',
  'JP',
  'KR',
  'NZ',
  'UY',
]);

const COLLECTIONS = new Set(['mandatory', 'voluntary', 'not-collected-from-subject']);
const SOURCE_KINDS = new Set(['data-subject', 'third-party']);
const ROLES = new Set(['recipient', 'processor', 'joint-controller']);

const isBlank = (s: unknown): boolean => typeof s !== 'string' || s.trim() === '';
/** A list that may be missing at run time even though the type says it is there. */
const listOf = <T>(xs: readonly T[] | undefined | null): readonly T[] =>
  Array.isArray(xs) ? (xs as readonly T[]) : [];
const has = (record: object, key: unknown): boolean =>
  typeof key === 'string' && Object.prototype.hasOwnProperty.call(record, key);

class Findings {
  readonly list: LintFinding[] = [];

  add(
    rule: LintRuleId,
    message: string,
    where: { activity?: string; recipient?: string } = {},
    severity: 'error' | 'warning' = LINT_RULES[rule].severity,
  ): void {
    this.list.push({
      rule,
      severity,
      ...(where.activity !== undefined ? { activity: where.activity } : {}),
      ...(where.recipient !== undefined ? { recipient: where.recipient } : {}),
      message,
    });
  }
}

/** Checks the whole registry; returns every finding, errors and warnings, in declaration order. */
export function lintRegistry(input: LintInput): LintFinding[] {
  const findings = new Findings();
  const activities = listOf(input.activities);
  const recipients = listOf(input.recipients);

  if (activities.length === 0)
    findings.add(
      'empty-registry',
      'No processing activity is declared: every processing of personal data must be declared in the registry ' +
        '(Art. 30(1)); the declarations are probably not wired up.',
    );

  const recipientById = new Map<string, RecipientDeclaration>();
  for (const recipient of recipients) {
    lintRecipient(recipient, findings);
    if (recipientById.has(recipient.id))
      findings.add('duplicate-id', `Recipient "${recipient.id}" is declared more than once.`, {
        recipient: recipient.id,
      });
    else recipientById.set(recipient.id, recipient);
  }

  const seenActivities = new Set<string>();
  const usedRecipients = new Set<string>();
  for (const activity of activities) {
    if (seenActivities.has(activity.id))
      findings.add('duplicate-id', `Activity "${activity.id}" is declared more than once.`, {
        activity: activity.id,
      });
    seenActivities.add(activity.id);
    lintActivity(activity, recipientById, findings);
    for (const d of listOf(activity.disclosures)) usedRecipients.add(d.recipient);
    for (const p of listOf(activity.processors)) usedRecipients.add(p);
  }

  for (const recipient of recipientById.values())
    if (!usedRecipients.has(recipient.id))
      findings.add(
        'unused-recipient',
        `Recipient "${recipient.id}" is declared but no activity discloses to it or uses it as a processor.`,
        { recipient: recipient.id },
      );

  if (input.personalDataFields) lintPersonalDataFields(input.personalDataFields, activities, findings);

  return findings.list;
}

function lintRecipient(r: RecipientDeclaration, findings: Findings): void {
  const where = { recipient: r.id };
  if (isBlank(r.id) || !KEBAB_CASE.test(r.id))
    findings.add('invalid-id', `Recipient id "${String(r.id)}" is not kebab-case (e.g. "dhl-paket").`, where);
  if (isBlank(r.name)) findings.add('missing-required-field', `Recipient "${r.id}" has no name.`, where);
  if (!ROLES.has(r.role))
    findings.add(
      'invalid-value',
      `Recipient "${r.id}" has role "${String(r.role)}"; expected recipient, processor or joint-controller.`,
      where,
    );
  if (r.role === 'processor' && isBlank(r.contractReference))
    findings.add(
      'processor-without-contract',
      `Processor "${r.id}" names no contractReference: a processor works only under an Art. 28(3) contract.`,
      where,
    );

  const country = typeof r.country === 'string' ? r.country : '';
  const countryValid = ISO_COUNTRIES.has(country);
  if (!countryValid) {
    const upper = country.toUpperCase();
    const hint = COUNTRY_HINTS[upper] ?? (ISO_COUNTRIES.has(upper) ? upper : undefined);
    findings.add(
      'invalid-country',
      `Recipient "${r.id}" has country "${country}", not an ISO 3166-1 alpha-2 code in upper case` +
        (hint ? `; use ${hint}.` : '.'),
      where,
    );
  }
  lintTransfer(r, countryValid, findings);
}

function lintTransfer(r: RecipientDeclaration, countryValid: boolean, findings: Findings): void {
  const where = { recipient: r.id };
  const mechanism = r.transferMechanism;
  const rule = 'invalid-transfer-mechanism';
  if (mechanism !== undefined && !has(TRANSFER_MECHANISMS, mechanism)) {
    findings.add(
      rule,
      `Recipient "${r.id}" names an unknown transfer mechanism "${String(mechanism)}"; expected one of ` +
        `${validMechanisms()}.`,
      where,
    );
    return;
  }
  if (mechanism === 'privacy-shield') {
    findings.add(
      rule,
      `Recipient "${r.id}" relies on the EU-US Privacy Shield, which the CJEU invalidated in C-311/18 (Schrems II, ` +
        `16 July 2020): it is no transfer mechanism. Use eu-us-dpf (EU-US Data Privacy Framework, adequacy decision ` +
        `(EU) 2023/1795, for a self-certified US organisation) or scc-2021-914 (standard contractual clauses).`,
      where,
    );
    return;
  }
  if (!countryValid) return; // reported as invalid-country; whether it is a third country is unknown
  const thirdCountry = !EEA_COUNTRIES.has(r.country);
  if (!thirdCountry) return;
  if (mechanism === undefined) {
    findings.add(
      rule,
      `Recipient "${r.id}" is in ${r.country}, outside the EU/EEA, but names no transfer mechanism (Art. 44 ff.): ` +
        `declare one of ${validMechanisms()}.`,
      where,
    );
    return;
  }
  if (mechanism === 'eu-us-dpf' && r.country !== 'US')
    findings.add(
      rule,
      `Recipient "${r.id}" is in ${r.country}, but the EU-US Data Privacy Framework covers only self-certified ` +
        `organisations in the United States (US); use the adequacy decision for ${r.country} if there is one, or ` +
        `scc-2021-914.`,
      where,
    );
  else if (mechanism === 'adequacy-decision' && r.country === 'US')
    findings.add(
      rule,
      `Recipient "${r.id}" is in the US, where the only adequacy decision is the EU-US Data Privacy Framework: ` +
        `declare eu-us-dpf (and check the organisation is self-certified) or scc-2021-914.`,
      where,
      'warning',
    );
  else if (mechanism === 'adequacy-decision' && !ADEQUATE_COUNTRIES.has(r.country))
    findings.add(
      rule,
      `Recipient "${r.id}" is in ${r.country}, for which no Commission adequacy decision is known here; check the ` +
        `Commission's list (and update the linter) or use scc-2021-914.`,
      where,
      'warning',
    );
  else if (mechanism === 'art49-derogation')
    findings.add(
      rule,
      `Recipient "${r.id}" relies on an Art. 49 derogation, which covers only occasional, non-repetitive ` +
        `transfers (EDPB Guidelines 2/2018); a standing recipient in the registry needs Art. 45 or 46.`,
      where,
      'warning',
    );
}

const validMechanisms = (): string =>
  Object.keys(TRANSFER_MECHANISMS)
    .filter((m) => m !== 'privacy-shield')
    .join(', ');

function lintActivity(
  a: ActivityDeclaration,
  recipientById: ReadonlyMap<string, RecipientDeclaration>,
  findings: Findings,
): void {
  const where = { activity: a.id };
  const missing = (what: string): void =>
    findings.add('missing-required-field', `Activity "${a.id}" ${what}.`, where);

  if (isBlank(a.id) || !KEBAB_CASE.test(a.id))
    findings.add(
      'invalid-id',
      `Activity id "${String(a.id)}" is not kebab-case (e.g. "order-processing").`,
      where,
    );
  if (isBlank(a.name)) missing('has no name');
  if (listOf(a.purposes).length === 0) missing('declares no purpose (Art. 5(1)(b), Art. 30(1)(b))');
  else if (listOf(a.purposes).some(isBlank)) missing('has an empty purpose');
  if (listOf(a.dataSubjects).length === 0) missing('declares no category of data subjects (Art. 30(1)(c))');
  else if (listOf(a.dataSubjects).some(isBlank)) missing('has an empty data-subject category');
  if (listOf(a.measures).length === 0)
    missing('declares no technical and organisational measure (Art. 30(1)(g), Art. 32)');
  else if (listOf(a.measures).some(isBlank)) missing('has an empty measure');
  if (!Array.isArray(a.disclosures)) missing('has no disclosures list (use [] when nobody receives data)');
  if (!Array.isArray(a.processors)) missing('has no processors list (use [] when no processor is involved)');

  if (!has(LEGAL_BASES, a.legalBasis))
    findings.add(
      'invalid-legal-basis',
      `Activity "${a.id}" has legal basis "${String(a.legalBasis)}"; expected one of ` +
        `${Object.keys(LEGAL_BASES).join(', ')} (Art. 6(1)).`,
      where,
    );
  if (a.art9Condition !== undefined && !has(ART9_CONDITIONS, a.art9Condition))
    findings.add(
      'invalid-legal-basis',
      `Activity "${a.id}" has Art. 9(2) condition "${String(a.art9Condition)}"; expected one of ` +
        `${Object.keys(ART9_CONDITIONS).join(', ')}.`,
      where,
    );

  lintSource(a, findings);
  lintDataCategories(a, findings);
  lintConsentAndSpecialCategories(a, findings);
  lintDisclosures(a, recipientById, findings);
  lintRetention(a, findings);
  lintAutomatedDecision(a, findings);

  if (a.legalBasis === '6(1)(f)' && (a.legitimateInterestAssessment ?? '').trim().length < MIN_LIA_LENGTH)
    findings.add(
      'legitimate-interest-without-assessment',
      `Activity "${a.id}" relies on legitimate interests (Art. 6(1)(f)) but carries no written balancing test ` +
        `(legitimateInterestAssessment of at least ${MIN_LIA_LENGTH} characters): name the interest, why the ` +
        `processing is necessary for it, and why the person's interests do not override it.`,
      where,
    );
}

function lintSource(a: ActivityDeclaration, findings: Findings): void {
  const where = { activity: a.id };
  const source = a.source as ActivityDeclaration['source'] | undefined;
  if (!source) {
    findings.add('missing-required-field', `Activity "${a.id}" declares no source of the data.`, where);
    return;
  }
  if (!SOURCE_KINDS.has(source.kind))
    findings.add(
      'invalid-value',
      `Activity "${a.id}" has source kind "${String(source.kind)}"; expected data-subject or third-party.`,
      where,
    );
  else if (source.kind === 'third-party' && isBlank(source.name))
    findings.add(
      'missing-required-field',
      `Activity "${a.id}" collects from a third party but does not name it (Art. 14(2)(f), Art. 15(1)(g)).`,
      where,
    );
}

function lintDataCategories(a: ActivityDeclaration, findings: Findings): void {
  const where = { activity: a.id };
  const categories = listOf(a.dataCategories);
  if (categories.length === 0)
    findings.add(
      'missing-required-field',
      `Activity "${a.id}" declares no category of personal data (Art. 30(1)(c)).`,
      where,
    );
  const seen = new Set<string>();
  for (const c of categories) {
    if (isBlank(c.id)) {
      findings.add('missing-required-field', `Activity "${a.id}" has a data category without id.`, where);
      continue;
    }
    if (seen.has(c.id))
      findings.add(
        'duplicate-data-category',
        `Activity "${a.id}" declares data category "${c.id}" more than once.`,
        where,
      );
    seen.add(c.id);
    if (isBlank(c.description))
      findings.add(
        'missing-required-field',
        `Data category "${c.id}" of activity "${a.id}" has no description.`,
        where,
      );
    if (!COLLECTIONS.has(c.collection))
      findings.add(
        'invalid-value',
        `Data category "${c.id}" of activity "${a.id}" has collection "${String(c.collection)}"; expected ` +
          `mandatory, voluntary or not-collected-from-subject (Art. 13(2)(e)).`,
        where,
      );
  }
}

function lintConsentAndSpecialCategories(a: ActivityDeclaration, findings: Findings): void {
  const where = { activity: a.id };
  const onConsent = [
    ...(a.legalBasis === '6(1)(a)' ? ['Art. 6(1)(a)'] : []),
    ...(a.art9Condition === '9(2)(a)' ? ['Art. 9(2)(a)'] : []),
  ];
  if (onConsent.length > 0 && isBlank(a.consentPurpose))
    findings.add(
      'consent-without-check',
      `Activity "${a.id}" relies on consent (${onConsent.join(' and ')}) but names no consentPurpose, so the ` +
        `guard cannot check a valid, unwithdrawn consent in the ledger before it runs (Art. 7(1), 7(3)).`,
      where,
    );

  const special = listOf(a.dataCategories).filter((c) => c.special === true);
  if (special.length > 0 && a.art9Condition === undefined)
    findings.add(
      'special-category-without-art9',
      `Activity "${a.id}" processes special categories (${special.map((c) => c.id).join(', ')}) without an ` +
        `Art. 9(2) condition: Art. 9(1) prohibits it otherwise.`,
      where,
    );
  if (special.length === 0 && a.art9Condition !== undefined)
    findings.add(
      'art9-condition-without-special-category',
      `Activity "${a.id}" names Art. 9(2) condition ${a.art9Condition} but marks no data category as special: ` +
        `mark the health/biometric categories with special: true, or drop the condition.`,
      where,
    );
  if (special.length > 0 && a.dpiaRequired !== true)
    findings.add(
      'special-category-without-dpia',
      `Activity "${a.id}" processes special categories (${special.map((c) => c.id).join(', ')}) but is not ` +
        `marked dpiaRequired: a data protection impact assessment is due (Art. 35(3)(b)).`,
      where,
    );
  else if (special.length > 0 && isBlank(a.dpiaReference))
    findings.add(
      'special-category-without-dpia',
      `Activity "${a.id}" processes special categories (${special.map((c) => c.id).join(', ')}) but names no ` +
        `dpiaReference: point it at the written assessment (Art. 35(7): description, necessity, risks, measures).`,
      where,
    );
}

function lintDisclosures(
  a: ActivityDeclaration,
  recipientById: ReadonlyMap<string, RecipientDeclaration>,
  findings: Findings,
): void {
  const processors = listOf(a.processors);
  const disclosures = listOf(a.disclosures);
  const disclosedTo = new Set<string>();

  for (const d of disclosures) {
    const where = { activity: a.id, recipient: d.recipient };
    if (disclosedTo.has(d.recipient))
      findings.add(
        'duplicate-disclosure',
        `Activity "${a.id}" has more than one disclosure to "${d.recipient}": merge them into one allow-list.`,
        where,
      );
    disclosedTo.add(d.recipient);
    const recipient = recipientById.get(d.recipient);
    if (!recipient)
      findings.add(
        'unknown-recipient',
        `Activity "${a.id}" discloses to "${d.recipient}", which is not a declared recipient.`,
        where,
      );
    else if (recipient.role === 'processor' && !processors.includes(d.recipient))
      findings.add(
        'recipient-role-mismatch',
        `Activity "${a.id}" discloses to processor "${d.recipient}" without listing it under processors: a ` +
          `processor receives data only on the controller's behalf (Art. 28), so the record must name it as one.`,
        where,
      );
    lintAllowList(a, d, findings);
  }

  for (const p of processors) {
    const where = { activity: a.id, recipient: p };
    const recipient = recipientById.get(p);
    if (!recipient) {
      findings.add(
        'unknown-recipient',
        `Activity "${a.id}" names processor "${p}", which is not a declared recipient.`,
        where,
      );
      continue;
    }
    if (recipient.role === 'processor') continue;
    findings.add(
      'recipient-role-mismatch',
      `Activity "${a.id}" lists "${p}" under processors, but it is declared as ${recipient.role === 'joint-controller' ? 'a joint controller' : 'an independent controller (recipient)'}: ` +
        `it works under no Art. 28 contract; list it under disclosures instead.`,
      where,
    );
    if (!disclosedTo.has(p))
      findings.add(
        'recipient-without-allow-list',
        `Activity "${a.id}" names ${recipient.role} "${p}" without a disclosure entry, so nothing limits the ` +
          `fields it receives: add a disclosure with the allow-list of fields.`,
        where,
      );
  }
}

function lintAllowList(a: ActivityDeclaration, d: Disclosure, findings: Findings): void {
  const where = { activity: a.id, recipient: d.recipient };
  const fields = listOf(d.fields);
  if (fields.length === 0)
    findings.add(
      'recipient-without-allow-list',
      `The disclosure of activity "${a.id}" to "${d.recipient}" has an empty allow-list: name the fields it ` +
        `receives (data minimisation, Art. 5(1)(c)), or drop the disclosure.`,
      where,
    );
  else if (fields.some(isBlank))
    findings.add(
      'missing-required-field',
      `The disclosure of activity "${a.id}" to "${d.recipient}" has an empty field name in its allow-list.`,
      where,
    );
  for (const consented of listOf(d.consentedFields)) {
    if (isBlank(consented.purpose) || listOf(consented.fields).length === 0)
      findings.add(
        'missing-required-field',
        `The consent-gated fields of activity "${a.id}" for "${d.recipient}" need a consent purpose and at ` +
          `least one field.`,
        where,
      );
    const overlap = listOf(consented.fields).filter((f) => fields.includes(f));
    if (overlap.length > 0)
      findings.add(
        'consented-fields-overlap',
        `Activity "${a.id}" sends ${overlap.join(', ')} to "${d.recipient}" only with consent ` +
          `"${consented.purpose}", but the base allow-list already holds ${overlap.length === 1 ? 'it' : 'them'}, ` +
          `so ${overlap.length === 1 ? 'it is' : 'they are'} sent without consent as well.`,
        where,
      );
  }
}

function lintRetention(a: ActivityDeclaration, findings: Findings): void {
  const where = { activity: a.id };
  const rules = listOf(a.retention);
  const problem = (what: string): void =>
    findings.add('missing-retention', `Activity "${a.id}": ${what}.`, where);
  if (rules.length === 0) {
    problem(
      'no retention rule: declare how long the data is kept or the event that ends it (Art. 5(1)(e), ' +
        'Art. 30(1)(f))',
    );
    return;
  }
  const positive = (n: unknown): boolean => typeof n === 'number' && Number.isFinite(n) && n > 0;
  rules.forEach((r: Retention, i) => {
    const label = `retention rule ${i + 1}`;
    if (isBlank(r.description)) problem(`${label} has no description`);
    switch (r.kind) {
      case 'duration':
        if (!positive(r.days))
          problem(`${label} keeps the data for ${String(r.days)} days; give a positive number`);
        break;
      case 'event':
        if (isBlank(r.event)) problem(`${label} names no event that ends the retention`);
        if (r.graceDays !== undefined && !(Number.isFinite(r.graceDays) && r.graceDays >= 0))
          problem(`${label} has ${String(r.graceDays)} grace days; give zero or more`);
        break;
      case 'statutory':
        if (isBlank(r.statute)) problem(`${label} names no statute`);
        if (!positive(r.years))
          problem(
            `${label} keeps the data for ${String(r.years)} years under ${r.statute}; give a positive number`,
          );
        break;
      default:
        findings.add(
          'invalid-value',
          `Activity "${a.id}": ${label} has kind "${String((r as { kind: unknown }).kind)}"; expected duration, ` +
            `event or statutory.`,
          where,
        );
    }
  });
}

function lintAutomatedDecision(a: ActivityDeclaration, findings: Findings): void {
  const decision = a.automatedDecision;
  if (!decision) return;
  const gaps = [
    ...(isBlank(decision.description) ? ['a description'] : []),
    ...(isBlank(decision.logic) ? ['the logic involved (Art. 15(1)(h); CJEU C-203/22)'] : []),
    ...(isBlank(decision.significance) ? ['its significance and envisaged consequences'] : []),
    ...(listOf(decision.safeguards).filter((s) => !isBlank(s)).length === 0
      ? ['safeguards (Art. 22(3): human intervention, expressing one’s view, contesting the decision)']
      : []),
  ];
  if (gaps.length > 0)
    findings.add(
      'automated-decision-without-logic',
      `Activity "${a.id}" makes an automated decision (Art. 22) but does not declare ${gaps.join(', ')}.`,
      { activity: a.id },
    );
}

function lintPersonalDataFields(
  fields: readonly PersonalDataField[],
  activities: readonly ActivityDeclaration[],
  findings: Findings,
): void {
  const declared = new Set(activities.flatMap((a) => listOf(a.dataCategories).map((c) => c.id)));
  for (const f of fields)
    if (!declared.has(f.category))
      findings.add(
        'unused-data-category',
        `${f.entity}.${f.field} is personal data of category "${f.category}", which no activity declares: ` +
          `stored data needs a declared purpose and legal basis (Art. 5(1)(b), Art. 6).`,
      );
}

/** The findings for a console: errors first, one line each, and a summary line. */
export function formatFindings(findings: readonly LintFinding[]): string {
  const errors = findings.filter((f) => f.severity === 'error');
  const warnings = findings.filter((f) => f.severity === 'warning');
  if (findings.length === 0) return 'privacy lint: no findings\n';
  const lines = [...errors, ...warnings].map((f) => {
    const where = [
      ...(f.activity !== undefined ? [`activity ${f.activity}`] : []),
      ...(f.recipient !== undefined ? [`recipient ${f.recipient}`] : []),
    ];
    return `${f.severity.padEnd(7)} ${f.rule}${where.length ? ` [${where.join(', ')}]` : ''}\n        ${f.message}`;
  });
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${lines.join('\n')}\n\nprivacy lint: ${plural(errors.length, 'error')}, ${plural(warnings.length, 'warning')}\n`;
}
