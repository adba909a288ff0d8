import { Inject, Injectable } from '@nestjs/common';
import { ConsentLedger } from '../consent/consent-ledger.js';
import {
  ART9_CONDITIONS,
  LEGAL_BASES,
  TRANSFER_MECHANISMS,
  type ActivityDeclaration,
  type Retention,
} from '../declarations.js';
import { Discloser } from '../disclosure/discloser.js';
import { PRIVACY_OPTIONS, type PrivacyKernelOptions } from '../privacy.options.js';
import { PrivacyRegistryService } from '../registry/privacy-registry.service.js';
import type { SubjectExport } from './rights.contracts.js';
import { RightsService } from './rights.service.js';

/**
 * The answer to an access request (Art. 15), generated from the registry and the subject's data,
 * never written by hand. Each member names the paragraph it answers.
 */
export interface AccessAnswer {
  subjectId: string;
  generatedAt: Date;
  controller: { name: string; address: string; contact: string; dpo?: string };
  /** 15(1)(a) purposes and their legal bases. */
  purposes: {
    activity: string;
    name: string;
    purposes: string[];
    legalBasis: string;
    art9Condition?: string;
    legitimateInterests?: string;
  }[];
  /** 15(1)(b) categories of personal data concerned. */
  categories: { id: string; description: string; activities: string[] }[];
  /** 15(1)(c) recipients: those the registry declares, and those that actually received data (CJEU C-154/21). */
  recipients: {
    declared: {
      activity: string;
      recipient: string;
      name: string;
      role: string;
      country: string;
      fields: string[];
    }[];
    actual: {
      occurredAt: Date;
      recipient: string;
      name: string;
      activity: string;
      fields: string[];
      outcome: string;
    }[];
    /**
     * Processors (Art. 28) that hold the data for the shop (hosting, database): recipients too
     * (Art. 4(9)), with the activities whose data they hold, all of it as stored.
     */
    processors: { recipient: string; name: string; country: string; activities: string[] }[];
  };
  /** 15(1)(d) how long the data is stored, or the criteria; and what is kept under a statute until when. */
  storage: { activity: string; rules: string[] }[];
  blocked: SubjectExport['blocked'];
  /** 15(1)(e) the rights to rectification, erasure, restriction and objection. */
  rights: string[];
  /** 15(1)(f) the right to complain to a supervisory authority. */
  complaint: string;
  /** 15(1)(g) the source, where the data was not collected from the person. */
  sources: { activity: string; source: string }[];
  /** 15(1)(h) automated decisions, with meaningful information about the logic (CJEU C-203/22). */
  automatedDecisions: {
    activity: string;
    description: string;
    logic: string;
    significance: string;
    safeguards: string[];
  }[];
  /** 15(2) the safeguards of transfers to third countries. */
  transfers: { recipient: string; country: string; safeguard: string }[];
  /** Consents given and withdrawn, as the ledger holds them (Art. 7(1)). */
  consents: { purpose: string; action: string; occurredAt: Date; wordingVersion: string; channel: string }[];
  /** 15(3) a copy of the data. */
  copy: SubjectExport;
}

const describeRetention = (r: Retention): string =>
  r.kind === 'duration'
    ? `${r.days} days: ${r.description}`
    : r.kind === 'statutory'
      ? `${r.years} years under ${r.statute}: ${r.description}`
      : `until ${r.event}${r.graceDays ? ` plus ${r.graceDays} days` : ''}: ${r.description}`;

const RIGHTS = [
  'Art. 16 GDPR: to have inaccurate data rectified and incomplete data completed.',
  'Art. 17 GDPR: to have the data erased; where a statute demands retention (e.g. § 257 HGB, § 147 AO) the data is blocked instead and erased when the period ends.',
  'Art. 18 GDPR: to have processing restricted.',
  'Art. 20 GDPR: to receive the data you provided in a structured, commonly used, machine-readable format.',
  'Art. 21 GDPR: to object to processing based on legitimate interests (Art. 6(1)(f)); an objection to direct marketing is always honoured.',
  'Art. 7(3) GDPR: to withdraw a consent at any time, as easily as it was given, without affecting the lawfulness of processing before the withdrawal.',
];

@Injectable()
export class AccessAnswerComposer {
  constructor(
    private readonly rights: RightsService,
    private readonly registry: PrivacyRegistryService,
    private readonly discloser: Discloser,
    private readonly consent: ConsentLedger,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyKernelOptions,
  ) {}

  /** The answer for one person, known under one subject id or several (a guest's orders and inquiries). */
  async compose(subject: string | readonly string[]): Promise<AccessAnswer> {
    const subjectIds = typeof subject === 'string' ? [subject] : [...new Set(subject)];
    const subjectId = subjectIds[0];
    const registry = this.registry.registry;
    const [copy, disclosures, consents] = await Promise.all([
      this.rights.exportSubjects(subjectIds),
      this.discloser.disclosuresAbout(subjectIds),
      this.consent.history(subjectIds),
    ]);

    // The activities that concern this person: those their records, disclosures and consents belong to.
    // (A section's own `activities` may list what the module could hold; the records say what it does hold.)
    const ids = new Set<string>([
      ...copy.sections.flatMap((s) => s.records.map((r) => r.activityId)),
      ...disclosures.map((d) => d.activityId),
    ]);
    for (const a of registry.activities()) {
      if (a.consentPurpose && consents.some((c) => c.purpose === a.consentPurpose)) ids.add(a.id);
    }
    const activities: ActivityDeclaration[] = [...ids]
      .filter((id) => registry.hasActivity(id))
      .map((id) => registry.activity(id));
    const recipientName = (id: string): string => registry.recipients().find((r) => r.id === id)?.name ?? id;

    const categoryMap = new Map<string, { id: string; description: string; activities: string[] }>();
    const heldCategories = new Set(
      copy.sections.filter((s) => s.records.length > 0).flatMap((s) => s.categories),
    );
    for (const a of activities) {
      for (const c of a.dataCategories) {
        if (
          heldCategories.size > 0 &&
          !heldCategories.has(c.id) &&
          !disclosures.some((d) => d.activityId === a.id)
        )
          continue;
        const entry = categoryMap.get(c.id) ?? { id: c.id, description: c.description, activities: [] };
        entry.activities.push(a.id);
        categoryMap.set(c.id, entry);
      }
    }

    const declaredRecipients = activities.flatMap((a) =>
      a.disclosures.map((d) => {
        const r = registry.recipient(d.recipient);
        return {
          activity: a.id,
          recipient: r.id,
          name: r.name,
          role: r.role,
          country: r.country,
          fields: [...d.fields, ...(d.consentedFields ?? []).flatMap((g) => g.fields)],
        };
      }),
    );
    const involvedRecipients = new Set([
      ...declaredRecipients.map((r) => r.recipient),
      ...disclosures.map((d) => d.recipientId),
      ...activities.flatMap((a) => a.processors),
    ]);
    const transfers = registry
      .recipients()
      .filter((r) => involvedRecipients.has(r.id) && r.transferMechanism)
      .map((r) => ({
        recipient: r.name,
        country: r.country,
        safeguard: TRANSFER_MECHANISMS[r.transferMechanism as keyof typeof TRANSFER_MECHANISMS],
      }));

    const { controller } = this.options;
    return {
      subjectId,
      generatedAt: new Date(),
      controller: {
        name: controller.name,
        address: controller.address,
        contact: controller.contact,
        ...(controller.dpo ? { dpo: controller.dpo } : {}),
      },
      purposes: activities.map((a) => ({
        activity: a.id,
        name: a.name,
        purposes: a.purposes,
        legalBasis: `Art. ${a.legalBasis} GDPR (${LEGAL_BASES[a.legalBasis]})`,
        ...(a.art9Condition
          ? { art9Condition: `Art. ${a.art9Condition} GDPR (${ART9_CONDITIONS[a.art9Condition]})` }
          : {}),
        ...(a.legitimateInterestAssessment ? { legitimateInterests: a.legitimateInterestAssessment } : {}),
      })),
      categories: [...categoryMap.values()],
      recipients: {
        declared: declaredRecipients,
        actual: disclosures.map((d) => ({
          occurredAt: d.occurredAt,
          recipient: d.recipientId,
          name: recipientName(d.recipientId),
          activity: d.activityId,
          fields: d.fields,
          outcome: d.outcome,
        })),
        processors: [...new Set(activities.flatMap((a) => a.processors))].map((id) => {
          const r = registry.recipients().find((x) => x.id === id);
          return {
            recipient: id,
            name: r?.name ?? id,
            country: r?.country ?? '',
            activities: activities.filter((a) => a.processors.includes(id)).map((a) => a.id),
          };
        }),
      },
      storage: activities.map((a) => ({ activity: a.id, rules: a.retention.map(describeRetention) })),
      blocked: copy.blocked,
      rights: RIGHTS,
      complaint: `You may complain to a supervisory authority (Art. 77 GDPR), in particular: ${controller.supervisoryAuthority}.`,
      sources: activities
        .filter((a) => a.source.kind === 'third-party')
        .map((a) => ({ activity: a.id, source: a.source.name ?? 'a third party' })),
      automatedDecisions: activities
        .filter((a) => a.automatedDecision)
        .map((a) => ({
          activity: a.id,
          ...(a.automatedDecision as NonNullable<ActivityDeclaration['automatedDecision']>),
        })),
      transfers,
      consents: consents.map((c) => ({
        purpose: c.purpose,
        action: c.action,
        occurredAt: c.occurredAt,
        wordingVersion: c.wordingVersion,
        channel: c.channel,
      })),
      copy,
    };
  }
}
