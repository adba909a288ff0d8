import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { assertRecordType, BlockedRecords } from '../retention/blocked-records.js';
import { holdFor } from '../retention/hold-scope.js';
import { LegalHolds } from '../retention/legal-holds.service.js';
import { StatutoryPeriods } from '../retention/statutory-periods.js';
import {
  RIGHTS_HOOKS,
  type EraserReport,
  type ErasureContext,
  type ErasureOutcome,
  type ErasureReport,
  type ExportSection,
  type PersonalDataEraser,
  type RightsHooks,
  type SubjectExport,
  type SubjectExportSection,
} from './rights.contracts.js';
import { RightsRegistry } from './rights.registry.js';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).slice(0, 500);

/**
 * The kernel's orchestration of the rights of access (Art. 15, 20) and erasure (Art. 17) over
 * every module's exporter and eraser. Who may ask, identity checks, deadlines and the answer's
 * other items belong to the data-subject-rights module; the audit log hangs on RIGHTS_HOOKS.
 */
@Injectable()
export class RightsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: RightsRegistry,
    private readonly blocked: BlockedRecords,
    private readonly holds: LegalHolds,
    private readonly periods: StatutoryPeriods,
    @Optional() @Inject(RIGHTS_HOOKS) private readonly hooks?: RightsHooks,
  ) {}

  /**
   * Every exporter's section, read in one read-only REPEATABLE READ transaction (one snapshot of
   * the whole database), with the subject's blocked records marked. An exporter that fails fails
   * the export: an incomplete copy would be a wrong Art. 15 answer.
   */
  async exportSubject(subjectId: string): Promise<SubjectExport> {
    return this.exportSubjects([subjectId]);
  }

  /**
   * One person known under several subject ids (a guest's orders and each of their inquiries):
   * every exporter's records for all of them, in one snapshot; `subjectId` is the first id.
   */
  async exportSubjects(subjectIds: readonly string[]): Promise<SubjectExport> {
    if (subjectIds.length === 0) throw new Error('exportSubjects needs at least one subject id');
    const result = await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('set transaction read only');
      const blocks = await this.blocked.forSubjects(subjectIds, manager);
      const blockOf = new Map(blocks.map((b) => [`${b.recordType}\u0000${b.recordId}`, b]));
      const sections: SubjectExportSection[] = [];
      for (const exporter of this.registry.exporters()) {
        const parts: ExportSection[] = [];
        if (exporter.exportMany && subjectIds.length > 1) {
          parts.push(await exporter.exportMany(subjectIds, manager));
        } else {
          for (const id of subjectIds) parts.push(await exporter.export(id, manager));
        }
        sections.push({
          exporter: exporter.name,
          activities: [...new Set(parts.flatMap((p) => p.activities))],
          categories: [...new Set(parts.flatMap((p) => p.categories))],
          records: parts
            .flatMap((p) => p.records)
            .map((r) => {
              const block = blockOf.get(`${r.recordType}\u0000${r.recordId}`);
              return block
                ? { ...r, blocked: { statute: block.statute, until: block.blockedUntil } }
                : { ...r };
            }),
        });
      }
      return {
        subjectId: subjectIds[0],
        ...(subjectIds.length > 1 ? { subjectIds: [...subjectIds] } : {}),
        generatedAt: new Date(),
        sections,
        blocked: blocks.map((b) => ({
          recordType: b.recordType,
          recordId: b.recordId,
          activityId: b.activityId,
          statute: b.statute,
          until: b.blockedUntil,
        })),
      };
    });
    await this.hooks?.afterExport?.(result);
    return result;
  }

  /**
   * Runs every eraser, each in its own transaction together with the blocks recorded from its
   * outcomes: an eraser that fails leaves nothing half-done of its own and does not stop the
   * others; the report says which failed (`complete: false`) and the request is run again
   * (erasers are idempotent). Legal holds are locked and read in each transaction, so a hold
   * created meanwhile is either seen or waits for the erasure to commit.
   */
  async eraseSubject(subjectId: string): Promise<ErasureReport> {
    const startedAt = new Date();
    const reports: EraserReport[] = [];
    for (const eraser of this.registry.erasers()) {
      reports.push(await this.runEraser(eraser, subjectId));
    }
    const report: ErasureReport = {
      subjectId,
      startedAt,
      finishedAt: new Date(),
      complete: reports.every((r) => r.error === undefined),
      erasers: reports,
    };
    await this.hooks?.afterErasure?.(report);
    return report;
  }

  private async runEraser(eraser: PersonalDataEraser, subjectId: string): Promise<EraserReport> {
    const empty = (): EraserReport => ({
      eraser: eraser.name,
      erased: [],
      anonymised: [],
      blocked: [],
      held: [],
    });
    try {
      return await this.dataSource.transaction(async (manager) => {
        await this.holds.lockForErasure(manager);
        const holds = await this.holds.activeHolds(manager);
        const now = new Date();
        const context: ErasureContext = {
          manager,
          now,
          retain: (key, recordDate) => this.periods.retain(key, recordDate),
          heldBy: (record) => holdFor(holds, { ...record, subjectId })?.id,
          holds,
        };
        const outcomes = await eraser.erase(subjectId, context);
        const report = empty();
        for (const outcome of outcomes) {
          await this.apply(eraser, subjectId, outcome, new Set(holds.map((h) => h.id)), report, manager);
        }
        return report;
      });
    } catch (e) {
      return { ...empty(), error: message(e) };
    }
  }

  private async apply(
    eraser: PersonalDataEraser,
    subjectId: string,
    outcome: ErasureOutcome,
    activeHoldIds: Set<string>,
    report: EraserReport,
    manager: EntityManager,
  ): Promise<void> {
    const { recordType, recordId } = outcome;
    assertRecordType(recordType);
    if (typeof recordId !== 'string' || recordId === '') {
      throw new Error(`eraser "${eraser.name}" answered a ${recordType} outcome without a record id`);
    }
    switch (outcome.outcome) {
      case 'erased':
        report.erased.push({ recordType, recordId });
        return;
      case 'anonymised':
        report.anonymised.push({ recordType, recordId });
        return;
      case 'blocked': {
        if (!outcome.statute || !outcome.activityId || !(outcome.until instanceof Date)) {
          throw new Error(
            `eraser "${eraser.name}" blocked ${recordType} ${recordId} without statute, activity or date`,
          );
        }
        await this.blocked.block(
          {
            recordType,
            recordId,
            subjectId,
            activityId: outcome.activityId,
            eraser: eraser.name,
            statute: outcome.statute,
            blockedUntil: outcome.until,
            recordDate: outcome.recordDate ?? null,
            reason:
              outcome.reason ?? 'erasure requested (Art. 17 GDPR); kept for a statutory retention period',
          },
          manager,
        );
        report.blocked.push({
          recordType,
          recordId,
          activityId: outcome.activityId,
          statute: outcome.statute,
          until: outcome.until,
        });
        return;
      }
      case 'held': {
        if (!activeHoldIds.has(outcome.holdId)) {
          throw new Error(
            `eraser "${eraser.name}" kept ${recordType} ${recordId} for hold ${outcome.holdId}, which is not active`,
          );
        }
        // Blocked with a date already reached: restricted meanwhile (Art. 18(1)(c)), and the sweep
        // erases it as soon as no hold covers it any more, without a second erasure request.
        await this.blocked.block(
          {
            recordType,
            recordId,
            subjectId,
            activityId: outcome.activityId,
            eraser: eraser.name,
            statute: `Art. 17(3)(e) GDPR: legal hold ${outcome.holdId}`,
            blockedUntil: new Date(),
            recordDate: outcome.recordDate ?? null,
            reason: 'erasure requested (Art. 17 GDPR) while a legal hold covers the record',
          },
          manager,
        );
        report.held.push({ recordType, recordId, activityId: outcome.activityId, holdId: outcome.holdId });
        return;
      }
    }
  }
}
