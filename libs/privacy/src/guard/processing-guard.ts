import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { RETENTION_PURPOSE, type ActivityDeclaration } from '../declarations.js';
import { ProcessingRefused } from '../errors.js';
import { PrivacyRegistryService } from '../registry/privacy-registry.service.js';
import { ALL_ACTIVITIES } from './subject-controls.js';
import { PrivacySignals } from '../context/privacy-signals.js';

export interface ProcessingCheck {
  /** The purpose the caller processes for; only RETENTION_PURPOSE may touch a restricted subject. */
  purpose?: string;
  /**
   * The request carried `Sec-GPC: 1` (Global Privacy Control): an objection by automated means
   * (Art. 21(5)) to optional (f)-based processing for this request's person.
   */
  globalPrivacyControl?: boolean;
  /**
   * The data subject asked for this very operation (their own rectification): a restriction does not
   * stop it (Art. 18(2): processed with the person's consent; a restriction for contested accuracy
   * waits for exactly that rectification).
   */
  bySubjectsRequest?: boolean;
  manager?: EntityManager;
}

interface SubjectFacts {
  restricted: boolean;
  objected: boolean;
  consent: 'grant' | 'withdraw' | null;
}

export const needsConsent = (a: ActivityDeclaration): boolean =>
  a.legalBasis === '6(1)(a)' || a.art9Condition === '9(2)(a)';

/**
 * The run-time enforcement of the registry for one subject: call `assertMayProcess` before
 * processing a person's data for an activity. Everything it needs comes in one indexed query.
 */
@Injectable()
export class ProcessingGuard {
  constructor(
    private readonly registry: PrivacyRegistryService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async assertMayProcess(activityId: string, subjectId: string, check: ProcessingCheck = {}): Promise<void> {
    const refusal = await this.refusal(activityId, subjectId, check);
    if (refusal) throw refusal;
  }

  async mayProcess(activityId: string, subjectId: string, check: ProcessingCheck = {}): Promise<boolean> {
    return (await this.refusal(activityId, subjectId, check)) === null;
  }

  private async refusal(
    activityId: string,
    subjectId: string,
    check: ProcessingCheck,
  ): Promise<ProcessingRefused | null> {
    if (!this.registry.registry.hasActivity(activityId)) {
      return new ProcessingRefused(
        activityId,
        'unknown-activity',
        `No processing activity "${activityId}" is declared.`,
      );
    }
    const activity = this.registry.registry.activity(activityId);
    const consentPurpose = needsConsent(activity) ? activity.consentPurpose : undefined;
    const facts = await this.facts(subjectId, activityId, consentPurpose, check.manager);

    const retention = check.purpose === RETENTION_PURPOSE && activity.retentionPurpose === true;
    if (facts.restricted && !retention && !check.bySubjectsRequest) {
      return new ProcessingRefused(
        activityId,
        'restricted',
        'The data subject has restricted processing (Art. 18 GDPR).',
      );
    }
    if (needsConsent(activity) && facts.consent !== 'grant') {
      return new ProcessingRefused(
        activityId,
        'no-consent',
        `There is no valid consent for "${consentPurpose ?? '?'}".`,
      );
    }
    if (activity.legalBasis === '6(1)(f)') {
      if (facts.objected) {
        return new ProcessingRefused(
          activityId,
          'objected',
          'The data subject objected to this processing (Art. 21 GDPR).',
        );
      }
      const gpc = check.globalPrivacyControl ?? PrivacySignals.current()?.globalPrivacyControl ?? false;
      if (gpc && !activity.compellingGrounds) {
        return new ProcessingRefused(
          activityId,
          'objected',
          'The request carries a Global Privacy Control signal (Art. 21(5) GDPR).',
        );
      }
    }
    return null;
  }

  private async facts(
    subjectId: string,
    activityId: string,
    consentPurpose: string | undefined,
    manager?: EntityManager,
  ): Promise<SubjectFacts> {
    const rows: SubjectFacts[] = await (manager ?? this.dataSource.manager).query(
      `select
         exists (select 1 from privacy.restriction r where r.subject_id = $1 and r.lifted_at is null
                   and (r.activity_id is null or r.activity_id = $4)) as restricted,
         exists (select 1 from privacy.objection o where o.subject_id = $1 and o.activity_id = any($2) and o.withdrawn_at is null) as objected,
         (select c.action from privacy.consent_event c where c.subject_id = $1 and c.purpose = $3 order by c.id desc limit 1) as consent`,
      [subjectId, [activityId, ALL_ACTIVITIES], consentPurpose ?? '', activityId],
    );
    return rows[0];
  }
}
