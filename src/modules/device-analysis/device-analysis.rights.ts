import { Injectable } from '@nestjs/common';
import type {
  BlockedRecord,
  ErasureContext,
  ErasureOutcome,
  ExportRecord,
  ExportSection,
  PersonalDataEraser,
  PersonalDataExporter,
} from '@app/privacy';
import type { EntityManager } from 'typeorm';
import { Analyses, deviceSubjectUuid } from './analyses.service.js';
import {
  ANALYSIS_IMAGE_RECORD,
  ANALYSIS_RECORD,
  DEVICE_ANALYSIS_ACTIVITY_ID,
  DEVICE_CATEGORIES,
  DEVICE_IMPROVEMENT_ACTIVITY_ID,
  DEVICE_SUBJECT_RECORD,
} from './device-analysis.declarations.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Access (Art. 15, 20) and erasure (Art. 17) for device subjects (`device-subject:<uuid>`; the patient
 * is found by the reference on the receipt). The copy holds the image itself (base64), the results,
 * gender, age and email; the erasure crypto-shreds.
 */
@Injectable()
export class DeviceAnalysisRights implements PersonalDataExporter, PersonalDataEraser {
  readonly name = 'device-analysis';

  constructor(private readonly analyses: Analyses) {}

  async export(subjectId: string, manager: EntityManager): Promise<ExportSection> {
    const section: ExportSection = {
      activities: [DEVICE_ANALYSIS_ACTIVITY_ID],
      categories: [],
      records: [],
    };
    const uuid = deviceSubjectUuid(subjectId);
    if (!uuid) return section;
    const found = await this.analyses.exportSubject(uuid, manager);
    if (!found) return section;
    const samples = await manager.query<{ analysis_id: string }[]>(
      'select analysis_id from device_improvement_sample where subject_id = $1',
      [uuid],
    );
    const categories = new Set<string>([DEVICE_CATEGORIES.reference]);
    if (found.email !== null) categories.add(DEVICE_CATEGORIES.email);
    const records: ExportRecord[] = [
      {
        recordType: DEVICE_SUBJECT_RECORD,
        recordId: uuid,
        activityId: DEVICE_ANALYSIS_ACTIVITY_ID,
        data: { subjectReference: found.reference, patientEmail: found.email },
      },
    ];
    for (const a of found.analyses) {
      categories.add(DEVICE_CATEGORIES.gender);
      categories.add(DEVICE_CATEGORIES.age);
      categories.add(DEVICE_CATEGORIES.result);
      records.push({
        recordType: ANALYSIS_RECORD,
        recordId: a.row.id,
        activityId: DEVICE_ANALYSIS_ACTIVITY_ID,
        data: {
          createdAt: a.row.created_at.toISOString(),
          deliveredAt: a.row.delivered_at ? a.row.delivered_at.toISOString() : null,
          gender: a.gender,
          age: a.age,
          result: JSON.parse(JSON.stringify(a.result)) as ExportRecord['data'],
          imageDeletedAt: a.row.image_deleted_at ? a.row.image_deleted_at.toISOString() : null,
          usedForImprovement: samples.some((s) => s.analysis_id === a.row.id),
        },
      });
      if (a.imageBytes && a.row.image_format) {
        categories.add(DEVICE_CATEGORIES.image);
        records.push({
          recordType: ANALYSIS_IMAGE_RECORD,
          recordId: a.row.id,
          activityId: DEVICE_ANALYSIS_ACTIVITY_ID,
          data: {
            mediaType: a.row.image_format === 'png' ? 'image/png' : 'image/jpeg',
            width: a.image.width,
            height: a.image.height,
            base64: a.imageBytes.toString('base64'),
          },
        });
      }
    }
    return {
      activities:
        samples.length > 0
          ? [DEVICE_ANALYSIS_ACTIVITY_ID, DEVICE_IMPROVEMENT_ACTIVITY_ID]
          : section.activities,
      categories: [...categories],
      records,
    };
  }

  /** Crypto-shreds the subject unless a legal hold covers one of its analyses (then nothing is erased). */
  async erase(subjectId: string, context: ErasureContext): Promise<ErasureOutcome[]> {
    const uuid = deviceSubjectUuid(subjectId);
    if (!uuid) return [];
    const { manager } = context;
    const analyses = await manager.query<{ id: string; created_at: Date }[]>(
      'select id, created_at from device_analysis where subject_id = $1 for update',
      [uuid],
    );
    const [subject] = await manager.query<{ id: string }[]>('select id from device_subject where id = $1', [
      uuid,
    ]);
    if (!subject) return [];
    const held = analyses
      .map((a) => ({
        a,
        holdId: context.heldBy({
          activityId: DEVICE_ANALYSIS_ACTIVITY_ID,
          recordType: ANALYSIS_RECORD,
          recordId: a.id,
          occurredAt: a.created_at,
        }),
      }))
      .filter((h): h is { a: { id: string; created_at: Date }; holdId: string } => h.holdId !== undefined);
    if (held.length > 0) {
      return held.map(({ a, holdId }) => ({
        recordType: ANALYSIS_RECORD,
        recordId: a.id,
        outcome: 'held' as const,
        activityId: DEVICE_ANALYSIS_ACTIVITY_ID,
        holdId,
        recordDate: a.created_at,
      }));
    }
    const { analysisIds } = await this.analyses.shred(uuid, manager);
    return [
      { recordType: DEVICE_SUBJECT_RECORD, recordId: uuid, outcome: 'erased' },
      ...analysisIds.map((id) => ({ recordType: ANALYSIS_RECORD, recordId: id, outcome: 'erased' as const })),
    ];
  }

  /** Nothing is ever blocked here (no statute keeps these data); erases whatever was, all the same. */
  async eraseBlocked(records: readonly BlockedRecord[], manager: EntityManager): Promise<void> {
    const ids = records
      .filter((r) => r.recordType === ANALYSIS_RECORD && UUID.test(r.recordId))
      .map((r) => r.recordId);
    if (ids.length === 0) return;
    const subjects = await manager.query<{ subject_id: string }[]>(
      'select distinct subject_id from device_analysis where id = any($1::uuid[])',
      [ids],
    );
    for (const s of subjects) await this.analyses.shred(s.subject_id, manager);
  }
}
