import { HttpStatus, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AccessAnswerComposer,
  ALL_ACTIVITIES,
  AuditLog,
  PrivacyRegistryService,
  RetentionPolicies,
  RightsRegistry,
  RightsService,
  SubjectControls,
  type AccessAnswer,
  type BlockedRecord,
  type ErasureContext,
  type ErasureOutcome,
  type ErasureReport,
  type ExportSection,
  type PersonalDataEraser,
  type PersonalDataExporter,
} from '@app/privacy';
import { DataSource, type EntityManager } from 'typeorm';
import { ProblemException } from '../../common/problem/problem.js';
import { DATA_SUBJECT_RIGHTS, REQUEST_PROOF_YEARS } from './data-subject-rights.declarations.js';
import type { PrivacyRequestDto, RequestType } from './privacy-request.dto.js';

const ACTIVITY = DATA_SUBJECT_RIGHTS.id;

export interface PrivacyRequestRecord {
  id: string;
  type: RequestType;
  status: 'received' | 'completed' | 'failed';
  activityId: string | null;
  receivedAt: Date;
  dueAt: Date;
  completedAt: Date | null;
  outcome: Record<string, unknown>;
}

interface Row {
  id: string;
  type: RequestType;
  status: 'received' | 'completed' | 'failed';
  activity_id: string | null;
  received_at: Date;
  due_at: Date;
  completed_at: Date | null;
  outcome: Record<string, unknown>;
}

const toRecord = (r: Row): PrivacyRequestRecord => ({
  id: r.id,
  type: r.type,
  status: r.status,
  activityId: r.activity_id,
  receivedAt: r.received_at,
  dueAt: r.due_at,
  completedAt: r.completed_at,
  outcome: r.outcome,
});

/** What the person receives for each kind of request. */
export type PrivacyRequestResult =
  | { type: 'access'; answer: AccessAnswer }
  | { type: 'portability'; data: { format: 'application/json'; generatedAt: Date; records: unknown[] } }
  | {
      type: 'erasure';
      report: {
        complete: boolean;
        erased: number;
        anonymised: number;
        kept: { recordType: string; statute: string; until: Date }[];
      };
    }
  | { type: 'restriction'; restricted: true }
  | { type: 'objection'; objectedTo: string };

/**
 * Requests under Arts. 15-21 from the signed-in person: each is recorded (type, dates, outcome) as
 * proof, answered at once where the answer can be generated, and due within one month (Art. 12(3)).
 */
@Injectable()
export class PrivacyRequests implements OnModuleInit, PersonalDataExporter, PersonalDataEraser {
  readonly name = 'data-subject-rights';

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly composer: AccessAnswerComposer,
    private readonly rights: RightsService,
    private readonly rightsRegistry: RightsRegistry,
    private readonly controls: SubjectControls,
    private readonly registry: PrivacyRegistryService,
    private readonly audit: AuditLog,
    private readonly retention: RetentionPolicies,
  ) {}

  onModuleInit(): void {
    this.rightsRegistry.registerExporter(this);
    this.rightsRegistry.registerEraser(this);
    this.retention.register({
      id: 'data-subject-rights.requests',
      activityId: ACTIVITY,
      recordType: 'privacy_request',
      table: 'privacy_request',
      idColumn: 'id',
      subjectColumn: 'subject_id',
      timestampColumn: 'received_at',
      afterDays: REQUEST_PROOF_YEARS * 365,
    });
  }

  async submit(
    subjectId: string,
    dto: PrivacyRequestDto,
  ): Promise<{ request: PrivacyRequestRecord; result: PrivacyRequestResult }> {
    if (dto.type === 'objection' && dto.activity) this.assertObjectable(dto.activity);
    const request = await this.open(subjectId, dto);
    try {
      const { result, outcome } = await this.carryOut(subjectId, dto);
      return { request: await this.close(request.id, 'completed', outcome), result };
    } catch (error) {
      await this.close(request.id, 'failed', { error: error instanceof Error ? error.name : 'error' });
      throw error;
    }
  }

  async list(subjectId: string): Promise<PrivacyRequestRecord[]> {
    const rows: Row[] = await this.dataSource.query(
      `select * from privacy_request where subject_id = $1 order by received_at desc`,
      [subjectId],
    );
    return rows.map(toRecord);
  }

  /** For the privacy officer: requests, the oldest due first. */
  async listAll(
    status?: 'received' | 'completed' | 'failed',
  ): Promise<(PrivacyRequestRecord & { subjectId: string })[]> {
    const rows: (Row & { subject_id: string })[] = await this.dataSource.query(
      `select * from privacy_request where ($1::text is null or status = $1) order by due_at limit 500`,
      [status ?? null],
    );
    return rows.map((r) => ({ ...toRecord(r), subjectId: r.subject_id }));
  }

  private async carryOut(
    subjectId: string,
    dto: PrivacyRequestDto,
  ): Promise<{ result: PrivacyRequestResult; outcome: Record<string, unknown> }> {
    switch (dto.type) {
      case 'access': {
        const answer = await this.composer.compose(subjectId);
        await this.audit.append({
          subjectId,
          activityId: ACTIVITY,
          action: 'export',
          fields: answer.categories.map((c) => c.id),
        });
        const records = answer.copy.sections.reduce((n, s) => n + s.records.length, 0);
        return {
          result: { type: 'access', answer },
          outcome: {
            activities: answer.purposes.length,
            records,
            recipientsActual: answer.recipients.actual.length,
          },
        };
      }
      case 'portability': {
        const copy = await this.rights.exportSubject(subjectId);
        // Art. 20 covers the data the person provided: records of activities whose source is the person.
        const provided = copy.sections
          .flatMap((s) => s.records)
          .filter(
            (r) =>
              this.registry.registry.hasActivity(r.activityId) &&
              this.registry.registry.activity(r.activityId).source.kind === 'data-subject',
          );
        await this.audit.append({
          subjectId,
          activityId: ACTIVITY,
          action: 'export',
          fields: [...new Set(copy.sections.flatMap((s) => s.categories))],
        });
        return {
          result: {
            type: 'portability',
            data: {
              format: 'application/json',
              generatedAt: copy.generatedAt,
              records: provided.map(({ recordType, recordId, activityId, data }) => ({
                recordType,
                recordId,
                activityId,
                data,
              })),
            },
          },
          outcome: { records: provided.length },
        };
      }
      case 'erasure': {
        const report = await this.rights.eraseSubject(subjectId);
        const summary = summariseErasure(report);
        if (!report.complete) {
          throw new ProblemException(
            HttpStatus.SERVICE_UNAVAILABLE,
            'erasure-incomplete',
            'Erasure incomplete',
            'Part of the erasure failed and was rolled back; it will be retried. Nothing else is needed from you.',
          );
        }
        return {
          result: { type: 'erasure', report: summary },
          outcome: { erased: summary.erased, anonymised: summary.anonymised, kept: summary.kept.length },
        };
      }
      case 'restriction':
        await this.controls.restrict(subjectId, dto.reason ?? 'requested by the data subject', subjectId);
        return { result: { type: 'restriction', restricted: true }, outcome: {} };
      case 'objection': {
        const activity = dto.activity ?? ALL_ACTIVITIES;
        await this.controls.object(subjectId, activity, 'privacy-request');
        return { result: { type: 'objection', objectedTo: activity }, outcome: { activity } };
      }
    }
  }

  /** An objection under Art. 21(1) concerns processing on Art. 6(1)(e) or (f); consent is withdrawn instead. */
  private assertObjectable(activityId: string): void {
    const registry = this.registry.registry;
    if (!registry.hasActivity(activityId)) {
      throw new ProblemException(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'unknown-activity',
        'Unknown activity',
        'No processing activity of that id is declared.',
        { errors: [{ field: 'activity', reason: 'is not a declared activity' }] },
      );
    }
    const basis = registry.activity(activityId).legalBasis;
    if (basis !== '6(1)(f)' && basis !== '6(1)(e)') {
      throw new ProblemException(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'not-objectable',
        'Objection not applicable',
        `That activity rests on Art. ${basis} GDPR; an objection under Art. 21 applies to Art. 6(1)(e) or (f). Withdraw a consent through /api/v1/shop/consents instead.`,
        { errors: [{ field: 'activity', reason: 'is not based on legitimate interests' }] },
      );
    }
  }

  private async open(subjectId: string, dto: PrivacyRequestDto): Promise<PrivacyRequestRecord> {
    const rows: Row[] = await this.dataSource.query(
      `insert into privacy_request (subject_id, type, status, activity_id, due_at)
       values ($1, $2, 'received', $3, now() + interval '1 month') returning *`,
      [subjectId, dto.type, dto.activity ?? null],
    );
    return toRecord(rows[0]);
  }

  private async close(
    id: string,
    status: 'completed' | 'failed',
    outcome: Record<string, unknown>,
  ): Promise<PrivacyRequestRecord> {
    // TypeORM answers an UPDATE … RETURNING on PostgreSQL with [rows, affected].
    const [rows]: [Row[], number] = await this.dataSource.query(
      `update privacy_request set status = $2, completed_at = now(), outcome = $3 where id = $1 returning *`,
      [id, status, JSON.stringify(outcome)],
    );
    return toRecord(rows[0]);
  }

  async export(subjectId: string, manager: EntityManager): Promise<ExportSection> {
    const rows: Row[] = await manager.query(
      `select * from privacy_request where subject_id = $1 order by received_at`,
      [subjectId],
    );
    return {
      activities: rows.length ? [ACTIVITY] : [],
      categories: rows.length ? ['request.record'] : [],
      records: rows.map((r) => ({
        recordType: 'privacy_request',
        recordId: r.id,
        activityId: ACTIVITY,
        data: {
          type: r.type,
          status: r.status,
          activity: r.activity_id,
          receivedAt: r.received_at.toISOString(),
          dueAt: r.due_at.toISOString(),
          completedAt: r.completed_at?.toISOString() ?? null,
        },
      })),
    };
  }

  /** The requests are the proof of the answers (Arts. 5(2), 12): kept for their period even when the person asks for erasure. */
  async erase(subjectId: string, context: ErasureContext): Promise<ErasureOutcome[]> {
    const rows: { id: string; received_at: Date }[] = await context.manager.query(
      `select id, received_at from privacy_request where subject_id = $1`,
      [subjectId],
    );
    return rows.map((r) => {
      const until = new Date(r.received_at);
      until.setFullYear(until.getFullYear() + REQUEST_PROOF_YEARS);
      return {
        recordType: 'privacy_request',
        recordId: r.id,
        outcome: 'blocked' as const,
        activityId: ACTIVITY,
        statute: 'Art. 5(2), Art. 12 GDPR (proof of the answer); § 195 BGB (3-year limitation period)',
        until,
        recordDate: r.received_at,
      };
    });
  }

  async eraseBlocked(records: readonly BlockedRecord[], manager: EntityManager): Promise<void> {
    await manager.query(`delete from privacy_request where id = any($1::uuid[])`, [
      records.map((r) => r.recordId),
    ]);
  }
}

function summariseErasure(report: ErasureReport): {
  complete: boolean;
  erased: number;
  anonymised: number;
  kept: { recordType: string; statute: string; until: Date }[];
} {
  return {
    complete: report.complete,
    erased: report.erasers.reduce((n, e) => n + e.erased.length, 0),
    anonymised: report.erasers.reduce((n, e) => n + e.anonymised.length, 0),
    kept: report.erasers.flatMap((e) =>
      e.blocked.map((b) => ({ recordType: b.recordType, statute: b.statute, until: b.until })),
    ),
  };
}
