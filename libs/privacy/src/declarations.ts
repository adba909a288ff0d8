/**
 * The vocabulary of the processing registry: what a module declares about the personal data it
 * processes. Every Art. 30(1) GDPR item has a field here; the kernel validates declarations at
 * start-up, stores them versioned, enforces them at run time and generates the records from them.
 */

/** Art. 6(1) GDPR. */
export const LEGAL_BASES = {
  '6(1)(a)': 'consent',
  '6(1)(b)': 'performance of a contract or pre-contractual steps',
  '6(1)(c)': 'legal obligation',
  '6(1)(d)': 'vital interests',
  '6(1)(e)': 'public task',
  '6(1)(f)': 'legitimate interests',
} as const;
export type LegalBasis = keyof typeof LEGAL_BASES;

/** Art. 9(2) GDPR conditions for special categories of personal data. */
export const ART9_CONDITIONS = {
  '9(2)(a)': 'explicit consent',
  '9(2)(b)': 'employment and social security law',
  '9(2)(c)': 'vital interests where consent cannot be given',
  '9(2)(d)': 'not-for-profit body',
  '9(2)(e)': 'made manifestly public by the data subject',
  '9(2)(f)': 'legal claims',
  '9(2)(g)': 'substantial public interest',
  '9(2)(h)': 'health or social care',
  '9(2)(i)': 'public health',
  '9(2)(j)': 'archiving, research or statistics',
} as const;
export type Art9Condition = keyof typeof ART9_CONDITIONS;

/**
 * Transfer mechanisms (Art. 44 ff.). `privacy-shield` is listed only so that a declaration naming it
 * can be recognised and rejected: the CJEU voided it in 2020 (C-311/18, Schrems II).
 */
export const TRANSFER_MECHANISMS = {
  'adequacy-decision': 'adequacy decision, Art. 45',
  'eu-us-dpf': 'EU-US Data Privacy Framework, adequacy decision (EU) 2023/1795, Art. 45',
  'scc-2021-914': 'standard contractual clauses, decision (EU) 2021/914, Art. 46(2)(c)',
  'binding-corporate-rules': 'binding corporate rules, Art. 47',
  'art49-derogation': 'derogation for specific situations, Art. 49',
  'privacy-shield': 'EU-US Privacy Shield (void since CJEU C-311/18, 2020)',
} as const;
export type TransferMechanism = keyof typeof TRANSFER_MECHANISMS;

/** Countries of the EU/EEA (ISO 3166-1 alpha-2): no transfer mechanism is needed to send data there. */
export const EEA_COUNTRIES = new Set([
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
  'IS',
  'LI',
  'NO',
]);

/** One kind of personal data an activity processes, e.g. "email" or "delivery address". */
export interface DataCategory {
  /** Stable id used across activities, e.g. `contact.email`. */
  id: string;
  description: string;
  /** Whether the person must give it (mandatory) or may (voluntary) at collection; Art. 13(2)(e). */
  collection: 'mandatory' | 'voluntary' | 'not-collected-from-subject';
  /** Art. 9 special category (health, biometric, ...). */
  special?: boolean;
  /** Why it is asked, shown to the person where it is collected. */
  reason?: string;
}

export type Retention =
  | { kind: 'duration'; days: number; description: string }
  | { kind: 'event'; event: string; graceDays?: number; description: string }
  | { kind: 'statutory'; statute: string; years: number; description: string };

export interface Source {
  kind: 'data-subject' | 'third-party';
  /** The named third party where the data is not collected from the person (Art. 14(2)(f), 15(1)(g)). */
  name?: string;
}

/** Who outside the controller receives data; a first-class registry entry shared by activities. */
export interface RecipientDeclaration {
  id: string;
  name: string;
  /** recipient: an independent controller; processor: acts on our behalf under an Art. 28 contract. */
  role: 'recipient' | 'processor' | 'joint-controller';
  /** ISO 3166-1 alpha-2 country where the data is processed. */
  country: string;
  /** Required when the country is outside the EU/EEA. */
  transferMechanism?: TransferMechanism;
  /** The contract (Art. 28 agreement, SCC annex, terms) this relationship rests on. */
  contractReference?: string;
  description?: string;
}

/** What one recipient may receive for one activity: the allow-list of fields, nothing else. */
export interface Disclosure {
  recipient: string;
  fields: string[];
  /**
   * Fields sent only when the subject consented to `purpose` in the consent ledger
   * (e.g. email and phone to a carrier, for delivery notifications).
   */
  consentedFields?: { purpose: string; fields: string[] }[];
  /** Why this recipient receives the data. */
  purpose?: string;
}

/** An automated decision (Art. 22) and the meaningful information about its logic (Art. 15(1)(h)). */
export interface AutomatedDecision {
  description: string;
  logic: string;
  significance: string;
  safeguards: string[];
}

export interface ActivityDeclaration {
  id: string;
  name: string;
  /** The controller's organisational unit responsible, if not the whole shop. */
  owner?: string;
  purposes: string[];
  legalBasis: LegalBasis;
  /** Required when any data category is special (Art. 9). */
  art9Condition?: Art9Condition;
  /** The written balancing test, required for 6(1)(f). */
  legitimateInterestAssessment?: string;
  /** For consent-based processing: the consent ledger purpose the guard checks. */
  consentPurpose?: string;
  dataSubjects: string[];
  dataCategories: DataCategory[];
  source: Source;
  disclosures: Disclosure[];
  /** Recipient ids of the processors (Art. 28) involved. */
  processors: string[];
  retention: Retention[];
  /** Technical and organisational measures (Art. 32). */
  measures: string[];
  /** A data protection impact assessment is due (Art. 35). */
  dpiaRequired?: boolean;
  /**
   * Where the written assessment (Art. 35(7): description, necessity, risks, measures) is kept: a path in
   * the repository (e.g. `docs/dpia/device-analysis.md`) or a URL. Required for special categories.
   */
  dpiaReference?: string;
  automatedDecision?: AutomatedDecision;
  /**
   * For 6(1)(f): the compelling legitimate grounds that override an objection (Art. 21(1)), e.g. the
   * security of the service. Without them an objection or a Global Privacy Control signal stops it.
   */
  compellingGrounds?: string;
  /** The retention purpose of this activity may still read blocked records (Art. 17(3), § 35(3) BDSG). */
  retentionPurpose?: boolean;
}

/** Typed helpers: declarations are plain objects, written next to the module's code. */
export const defineActivity = (a: ActivityDeclaration): ActivityDeclaration => a;
export const defineRecipient = (r: RecipientDeclaration): RecipientDeclaration => r;

/** The purpose name that may read blocked records (kept only for statutory retention). */
export const RETENTION_PURPOSE = 'statutory-retention';
