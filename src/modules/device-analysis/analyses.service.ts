import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ConflictError, NotFoundError, RuleViolationError, UnitOfWork } from '@app/core';
import { AuditLog, ConsentLedger, Discloser } from '@app/privacy';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { DataKeys } from './data-keys.js';
import {
  CONSENT_WORDINGS,
  DEVICE_ANALYSIS_ACTIVITY_ID,
  DEVICE_CATEGORIES,
  DEVICE_IMPROVEMENT_ACTIVITY_ID,
  PRACTICE_RECIPIENT_ID,
} from './device-analysis.declarations.js';
import type { DevicePrincipal } from './devices.service.js';
import { open, openJson, seal, sealJson } from './envelope.js';
import { prepareImage, type ImageFormat } from './image-intake.js';
import { computeSkinMetrics, NoSkinRegionError, type SkinMetrics } from './skin-metrics.js';
import { ageBand, type ConsentPurpose, type Gender, type UploadInput } from './upload-input.js';

/** The data-subject id of a device subject (the kernel's logs name it, never the reference). */
export const deviceSubject = (subjectUuid: string): string => `device-subject:${subjectUuid}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The subject uuid of `device-subject:<uuid>`, or undefined for any other subject. */
export function deviceSubjectUuid(subjectId: string): string | undefined {
  const id = subjectId.startsWith('device-subject:') ? subjectId.slice('device-subject:'.length) : '';
  return UUID.test(id) ? id.toLowerCase() : undefined;
}

/** Associated data: a ciphertext opens only on its own row and field. */
export const aad = {
  image: (analysisId: string) => `device_analysis:${analysisId}:image`,
  payload: (analysisId: string) => `device_analysis:${analysisId}:payload`,
  email: (subjectUuid: string) => `device_subject:${subjectUuid}:email`,
};

/** What is sealed in `payload_ct`. */
export interface AnalysisPayload {
  gender: Gender;
  age: number;
  result: SkinMetrics;
  image: { format: ImageFormat; width: number; height: number };
}

/** What the practice reads. */
export interface AnalysisView {
  id: string;
  subjectReference: string;
  createdAt: string;
  gender: Gender;
  age: number;
  result: SkinMetrics;
}

/** Why a decryption happened: the audit log's action. */
export type DecryptionReason =
  'practice-read' | 'practice-report' | 'staff-read' | 'staff-image-read' | 'rights-export';

export class ReferenceTakenError extends ConflictError {
  constructor() {
    super(
      'subject-reference-taken',
      'This subject reference is in use already: the device must create a new one.',
      {
        errors: [{ field: 'subjectReference', reason: 'is in use already' }],
      },
    );
  }
}

export class NoSkinFoundError extends RuleViolationError {
  constructor() {
    super(
      'no-skin-region',
      'No skin region found',
      'No skin region large enough to analyse was found in the image.',
      {
        errors: [{ field: 'image', reason: 'shows no skin region large enough to analyse' }],
      },
    );
  }
}

interface AnalysisRow {
  id: string;
  subject_id: string;
  practice_id: string;
  reference: string;
  created_at: Date;
  delivered_at: Date | null;
  image_format: ImageFormat | null;
  image_ct: Buffer | null;
  image_deleted_at: Date | null;
  payload_ct: Buffer;
}

const ANALYSIS_SELECT = `select a.id, a.subject_id, a.practice_id, s.reference, a.created_at, a.delivered_at,
       a.image_format, a.image_ct, a.image_deleted_at, a.payload_ct
  from device_analysis a join device_subject s on s.id = a.subject_id`;

/**
 * Uploads, reads and crypto-shredding of device analyses. Every ciphertext is sealed under the
 * subject's data key (DataKeys); every decryption is written to the access audit log with the actor
 * and the reason before the data is returned.
 */
@Injectable()
export class Analyses {
  private readonly logger = new Logger('DeviceAnalyses');

  constructor(
    private readonly config: AppConfig,
    private readonly uow: UnitOfWork,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keys: DataKeys,
    private readonly ledger: ConsentLedger,
    private readonly audit: AuditLog,
    private readonly discloser: Discloser,
  ) {}

  /**
   * Checks and re-encodes the image (no metadata survives), computes the metrics, then stores subject,
   * consents, ciphertexts and (with the improvement consent) the statistics sample in ONE transaction:
   * any failure leaves nothing behind.
   */
  async upload(device: DevicePrincipal, imageBytes: Buffer, input: UploadInput): Promise<AnalysisView> {
    const prepared = await prepareImage(imageBytes, {
      maxPixels: this.config.DEVICE_IMAGE_MAX_PIXELS,
      maxEdge: this.config.DEVICE_IMAGE_MAX_EDGE,
    });
    let result: SkinMetrics;
    try {
      result = computeSkinMetrics(prepared.analysis);
    } catch (error) {
      if (error instanceof NoSkinRegionError) throw new NoSkinFoundError();
      throw error;
    }
    const id = randomUUID();
    const payload: AnalysisPayload = {
      gender: input.gender,
      age: input.age,
      result,
      image: { format: prepared.format, width: prepared.width, height: prepared.height },
    };
    return this.uow.transaction(async (manager) => {
      const { subjectUuid, key } = await this.subjectFor(device.practiceId, input.subjectReference, manager);
      if (input.patientEmail !== null) {
        await manager.query('update device_subject set email_ct = $2 where id = $1', [
          subjectUuid,
          seal(key, Buffer.from(input.patientEmail, 'utf8'), aad.email(subjectUuid)),
        ]);
      }
      const [row] = await manager.query<{ created_at: Date }[]>(
        `insert into device_analysis (id, subject_id, practice_id, device_id, delivered_at, image_format, image_ct, payload_ct)
         values ($1, $2, $3, $4, now(), $5, $6, $7) returning created_at`,
        [
          id,
          subjectUuid,
          device.practiceId,
          device.deviceId,
          prepared.format,
          seal(key, prepared.bytes, aad.image(id)),
          sealJson(key, payload, aad.payload(id)),
        ],
      );
      await this.recordConsents(subjectUuid, id, device, input, manager);
      if (input.consent.purposes.includes(DEVICE_IMPROVEMENT_ACTIVITY_ID)) {
        await manager.query(
          `insert into device_improvement_sample
             (analysis_id, subject_id, gender, age_band, ita_deg, redness, evenness, spot_count, spot_area_pct)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            id,
            subjectUuid,
            input.gender,
            ageBand(input.age),
            result.itaDeg,
            result.redness,
            result.evenness,
            result.darkSpots.count,
            result.darkSpots.areaPct,
          ],
        );
      }
      // The answer is the result's delivery to the practice: through the allow-list, logged.
      return this.discloser.project({
        activityId: DEVICE_ANALYSIS_ACTIVITY_ID,
        recipientId: PRACTICE_RECIPIENT_ID,
        subjectId: deviceSubject(subjectUuid),
        manager,
        payload: {
          id,
          subjectReference: input.subjectReference,
          createdAt: row.created_at.toISOString(),
          gender: input.gender,
          age: input.age,
          result,
        },
      });
    });
  }

  /** The practice's own analysis (any device of the practice); another practice's is 404. */
  async readForPractice(
    device: DevicePrincipal,
    analysisId: string,
    reason: 'practice-read' | 'practice-report',
  ): Promise<AnalysisView> {
    const row = await this.row(analysisId, device.practiceId);
    // The analysis consent withdrawn (through a privacy request; shredded by the next sweep): gone for
    // the practice at once, before anything is decrypted.
    if (!(await this.ledger.isGranted(deviceSubject(row.subject_id), DEVICE_ANALYSIS_ACTIVITY_ID)))
      throw new NotFoundError('Analysis');
    const { payload } = await this.decrypt(row, reason, false);
    await this.dataSource.query(
      'update device_analysis set delivered_at = coalesce(delivered_at, now()) where id = $1',
      [row.id],
    );
    return this.discloser.project({
      activityId: DEVICE_ANALYSIS_ACTIVITY_ID,
      recipientId: PRACTICE_RECIPIENT_ID,
      subjectId: deviceSubject(row.subject_id),
      payload: {
        id: row.id,
        subjectReference: row.reference,
        createdAt: row.created_at.toISOString(),
        gender: payload.gender,
        age: payload.age,
        result: payload.result,
      },
    });
  }

  /** A staff member's read of the result (no image). */
  async readForStaff(analysisId: string): Promise<AnalysisView & { practiceId: string; imageKept: boolean }> {
    const row = await this.row(analysisId);
    const { payload } = await this.decrypt(row, 'staff-read', false);
    return {
      id: row.id,
      practiceId: row.practice_id,
      subjectReference: row.reference,
      createdAt: row.created_at.toISOString(),
      gender: payload.gender,
      age: payload.age,
      result: payload.result,
      imageKept: row.image_ct !== null,
    };
  }

  /** The stored image, for staff with the privacy-officer role (the controller checks the role). */
  async imageForStaff(analysisId: string): Promise<{ format: ImageFormat; bytes: Buffer }> {
    const row = await this.row(analysisId);
    if (!row.image_ct || !row.image_format) throw new NotFoundError('Image');
    const { image } = await this.decrypt(row, 'staff-image-read', true);
    return { format: row.image_format, bytes: image as Buffer };
  }

  /**
   * Every analysis of a subject, decrypted with its image, for the Art. 15 copy (through `manager`, the
   * kernel's snapshot). Audited as `decrypt:rights-export`.
   */
  async exportSubject(
    subjectUuid: string,
    manager: EntityManager,
  ): Promise<{
    reference: string;
    email: string | null;
    analyses: (AnalysisPayload & { row: AnalysisRow; imageBytes: Buffer | null })[];
  } | null> {
    const [subject] = await manager.query<{ reference: string; email_ct: Buffer | null }[]>(
      'select reference, email_ct from device_subject where id = $1',
      [subjectUuid],
    );
    if (!subject) return null;
    const key = await this.keys.find(subjectUuid, manager);
    if (!key) return null;
    const rows = await manager.query<AnalysisRow[]>(
      `${ANALYSIS_SELECT} where a.subject_id = $1 order by a.created_at, a.id`,
      [subjectUuid],
    );
    const fields = [
      DEVICE_CATEGORIES.gender,
      DEVICE_CATEGORIES.age,
      DEVICE_CATEGORIES.result,
      ...(rows.some((r) => r.image_ct) ? [DEVICE_CATEGORIES.image] : []),
      ...(subject.email_ct ? [DEVICE_CATEGORIES.email] : []),
    ];
    await this.audit.append({
      subjectId: deviceSubject(subjectUuid),
      activityId: DEVICE_ANALYSIS_ACTIVITY_ID,
      action: 'decrypt:rights-export',
      fields,
    });
    return {
      reference: subject.reference,
      email: subject.email_ct ? open(key, subject.email_ct, aad.email(subjectUuid)).toString('utf8') : null,
      analyses: rows.map((row) => ({
        ...openJson<AnalysisPayload>(key, row.payload_ct, aad.payload(row.id)),
        row,
        imageBytes: row.image_ct ? open(key, row.image_ct, aad.image(row.id)) : null,
      })),
    };
  }

  /**
   * Crypto-shreds a subject: the data key is destroyed and every row deleted (subject, analyses,
   * statistics samples), in the caller's transaction. Backups keep only bytes nobody can open.
   */
  async shred(subjectUuid: string, manager: EntityManager): Promise<{ analysisIds: string[] }> {
    const analyses = await manager.query<{ id: string }[]>(
      'select id from device_analysis where subject_id = $1 for update',
      [subjectUuid],
    );
    await this.keys.destroy([subjectUuid], manager);
    await manager.query('delete from device_subject where id = $1', [subjectUuid]);
    return { analysisIds: analyses.map((a) => a.id) };
  }

  /**
   * Crypto-shreds at once and deletes the rows right after: the data key is destroyed in the caller's
   * transaction (from its commit on nothing of the subject can be decrypted, and every read answers 404),
   * the rows and their megabytes of ciphertext are deleted after the commit in a transaction of their own.
   * If the process dies in between, the retention sweep deletes subjects left without a key.
   */
  async shredNow(subjectUuid: string, manager: EntityManager): Promise<void> {
    await this.keys.destroy([subjectUuid], manager);
    // Not awaited by the transaction: the answer goes out when the key's deletion has committed.
    this.uow.afterCommit(() => {
      setImmediate(() => {
        this.purgeKeyless([subjectUuid]).catch((error: unknown) =>
          this.logger.error(
            `deleting the rows of a shredded device subject failed (the sweep retries): ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
      });
    });
  }

  /** Deletes subjects (and by cascade their analyses and samples) whose data key is gone. */
  async purgeKeyless(
    subjectUuids: string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    if (subjectUuids.length === 0) return;
    await manager.query(
      `delete from device_subject s where s.id = any($1::uuid[])
          and not exists (select 1 from device_keys.subject_key k where k.subject_id = s.id)`,
      [subjectUuids],
    );
  }

  /**
   * The patient withdraws a consent at the practice. Withdrawing `device-analysis` crypto-shreds the
   * subject (the improvement consent ends with it); withdrawing `device-improvement` removes the
   * subject's statistics samples, and kept images fall back to the image retention.
   */
  async withdraw(
    device: DevicePrincipal,
    subjectReference: string,
    purposes: ConsentPurpose[],
  ): Promise<{ withdrawn: ConsentPurpose[]; shredded: boolean }> {
    return this.uow.transaction(async (manager) => {
      const [subject] = await manager.query<{ id: string }[]>(
        'select id from device_subject where practice_id = $1 and upper(reference) = upper($2) for update',
        [device.practiceId, subjectReference],
      );
      if (!subject) throw new NotFoundError('Subject');
      const all = purposes.includes(DEVICE_ANALYSIS_ACTIVITY_ID);
      const ending: ConsentPurpose[] = all
        ? [DEVICE_ANALYSIS_ACTIVITY_ID, DEVICE_IMPROVEMENT_ACTIVITY_ID]
        : purposes;
      const withdrawn: ConsentPurpose[] = [];
      for (const purpose of ending) {
        const event = await this.ledger.withdraw(
          {
            subjectId: deviceSubject(subject.id),
            purpose,
            channel: 'device',
            evidence: { practiceId: device.practiceId, deviceId: device.deviceId },
          },
          manager,
        );
        if (event) withdrawn.push(purpose);
      }
      if (all) {
        await this.shredNow(subject.id, manager);
        return { withdrawn, shredded: true };
      }
      await manager.query('delete from device_improvement_sample where subject_id = $1', [subject.id]);
      return { withdrawn, shredded: false };
    });
  }

  private async subjectFor(
    practiceId: string,
    reference: string,
    manager: EntityManager,
  ): Promise<{ subjectUuid: string; key: Buffer }> {
    const created = await manager.query<{ id: string }[]>(
      `insert into device_subject (practice_id, reference) values ($1, $2)
       on conflict (upper(reference)) do nothing returning id`,
      [practiceId, reference],
    );
    if (created[0]) return { subjectUuid: created[0].id, key: await this.keys.create(created[0].id) };
    const [existing] = await manager.query<{ id: string; practice_id: string }[]>(
      'select id, practice_id from device_subject where upper(reference) = upper($1) for update',
      [reference],
    );
    // Another practice's patient: the device must create a new reference (never says whose it is).
    if (existing.practice_id !== practiceId) throw new ReferenceTakenError();
    const key = await this.keys.find(existing.id, manager);
    // Shredded a moment ago, its rows not yet deleted: the reference is not usable any more.
    if (!key) throw new ReferenceTakenError();
    return { subjectUuid: existing.id, key };
  }

  /** The subject behind a receipt reference, for the data-subject-rights module (ReceiptSubjects). */
  async receiptSubject(reference: string): Promise<{ subjectId: string; email: string | null } | null> {
    const [subject] = await this.dataSource.query<{ id: string; email_ct: Buffer | null }[]>(
      'select id, email_ct from device_subject where upper(reference) = upper($1)',
      [reference],
    );
    if (!subject) return null;
    let email: string | null = null;
    if (subject.email_ct) {
      const key = await this.keys.find(subject.id, this.dataSource.manager);
      if (!key) return null;
      // Not awaited: the intake must answer a known reference as fast as an unknown one (no timing
      // oracle), and the address is only used to send a code, never shown. The append is durable once its
      // batch commits moments later; a failure is logged without personal data.
      this.audit
        .append({
          subjectId: deviceSubject(subject.id),
          activityId: DEVICE_ANALYSIS_ACTIVITY_ID,
          action: 'decrypt:rights-request',
          fields: [DEVICE_CATEGORIES.email],
        })
        .catch((error: unknown) =>
          this.logger.error(`audit append failed: ${error instanceof Error ? error.message : String(error)}`),
        );
      email = open(key, subject.email_ct, aad.email(subject.id)).toString('utf8');
    }
    return { subjectId: deviceSubject(subject.id), email };
  }

  private async recordConsents(
    subjectUuid: string,
    analysisId: string,
    device: DevicePrincipal,
    input: UploadInput,
    manager: EntityManager,
  ): Promise<void> {
    const wording = {
      version: input.consent.wordingVersion,
      text: CONSENT_WORDINGS[input.consent.wordingVersion],
    };
    for (const purpose of input.consent.purposes) {
      await this.ledger.grant(
        {
          subjectId: deviceSubject(subjectUuid),
          purpose,
          channel: 'device',
          wording,
          evidence: {
            givenAt: input.consent.givenAt.toISOString(),
            practiceId: device.practiceId,
            deviceId: device.deviceId,
            practiceStaffReference: input.consent.practiceStaffReference,
            analysisId,
          },
        },
        manager,
      );
    }
  }

  private async row(analysisId: string, practiceId?: string): Promise<AnalysisRow> {
    if (!UUID.test(analysisId)) throw new NotFoundError('Analysis');
    const rows = await this.dataSource.query<AnalysisRow[]>(
      practiceId === undefined
        ? `${ANALYSIS_SELECT} where a.id = $1`
        : `${ANALYSIS_SELECT} where a.id = $1 and a.practice_id = $2`,
      practiceId === undefined ? [analysisId] : [analysisId, practiceId],
    );
    if (!rows[0]) throw new NotFoundError('Analysis');
    return rows[0];
  }

  /** Opens the payload (and the image if asked), after writing the access to the audit log. */
  private async decrypt(
    row: AnalysisRow,
    reason: DecryptionReason,
    withImage: boolean,
  ): Promise<{ payload: AnalysisPayload; image: Buffer | null }> {
    const key = await this.keys.find(row.subject_id, this.dataSource.manager);
    if (!key) throw new NotFoundError('Analysis');
    await this.audit.append({
      subjectId: deviceSubject(row.subject_id),
      activityId: DEVICE_ANALYSIS_ACTIVITY_ID,
      action: `decrypt:${reason}`,
      fields: withImage
        ? [DEVICE_CATEGORIES.image]
        : [DEVICE_CATEGORIES.gender, DEVICE_CATEGORIES.age, DEVICE_CATEGORIES.result],
    });
    return {
      payload: openJson<AnalysisPayload>(key, row.payload_ct, aad.payload(row.id)),
      image: withImage && row.image_ct ? open(key, row.image_ct, aad.image(row.id)) : null,
    };
  }
}
