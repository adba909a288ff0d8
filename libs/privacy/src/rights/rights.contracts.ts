import type { EntityManager } from 'typeorm';
import type { BlockedRecord } from '../retention/blocked-records.js';
import type { ActiveHold, HoldableRecord } from '../retention/hold-scope.js';
import type { Retainment } from '../retention/statutory-periods.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** One record of the subject's data, as plain JSON (Art. 15(3) copy, Art. 20 portability). */
export interface ExportRecord {
  recordType: string;
  recordId: string;
  /** The processing activity the record belongs to (registry id). */
  activityId: string;
  data: JsonObject;
}

/** What one module holds about a subject. */
export interface ExportSection {
  /** Registry ids of the activities the records belong to. */
  activities: string[];
  /** Data category ids (DataCategory.id) the records contain. */
  categories: string[];
  records: ExportRecord[];
}

/**
 * Implemented by every module for its own tables: the subject's data, complete, including records
 * blocked for a statute (restricted data is still held, so Art. 15 covers it; the kernel marks
 * them in the answer with statute and date). Reads through `manager`: the kernel runs every
 * exporter in one read-only REPEATABLE READ transaction, so the answer is one consistent snapshot.
 */
export interface PersonalDataExporter {
  /** Unique among exporters, e.g. `orders`. */
  readonly name: string;
  export(subjectId: string, manager: EntityManager): Promise<ExportSection>;
  /**
   * The same as `export` for each id, concatenated, in fewer queries: a person known under many
   * subject ids (a guest with fifty inquiries) is then answered in one query per table, not fifty.
   * Optional: without it the kernel calls `export` for each id.
   */
  exportMany?(subjectIds: readonly string[], manager: EntityManager): Promise<ExportSection>;
}

/** What an eraser did with one record. */
export type ErasureOutcome =
  | { recordType: string; recordId: string; outcome: 'erased' | 'anonymised' }
  | {
      recordType: string;
      recordId: string;
      outcome: 'blocked';
      activityId: string;
      /** The statute's citation (StatutoryPeriods.retain gives it with the date). */
      statute: string;
      /** The last instant the record must be kept; the sweep erases it after. */
      until: Date;
      /** The record's own date (an invoice's date): legal holds with a time range match on it. */
      recordDate?: Date;
      reason?: string;
    }
  | {
      recordType: string;
      recordId: string;
      /** Kept because a legal hold covers it (`context.heldBy`): erased by the sweep once released. */
      outcome: 'held';
      activityId: string;
      holdId: string;
      recordDate?: Date;
    };

/** What the kernel gives an eraser for one erasure. */
export interface ErasureContext {
  /**
   * The transaction the eraser's writes go through: the erasure, and the blocks the kernel records
   * from the eraser's outcomes, commit together or not at all.
   */
  manager: EntityManager;
  now: Date;
  /** The statute and last day for a record under a configured statutory period (`accounting-vouchers`, …). */
  retain(periodKey: string, recordDate: Date | string): Retainment;
  /**
   * The id of the active legal hold that covers this record, if any. An eraser asks before it
   * erases a record and answers `held` instead (Art. 17(3)(e)). A record a statute keeps is answered
   * `blocked` whether or not a hold covers it: the sweep respects holds when the date comes, and a
   * `held` answer would lose the statutory date.
   */
  heldBy(record: Omit<HoldableRecord, 'subjectId'>): string | undefined;
  /**
   * The active legal holds `heldBy` judges by, read after the hold lock: for an eraser that must judge
   * them in SQL as well (the access log's address ranges, `RecordDeclaration.holdIdSql`).
   */
  holds: readonly ActiveHold[];
}

/**
 * Implemented by every module for its own tables (Art. 17). `erase` erases what it may and answers
 * per record: erased (or anonymised), blocked with the statute and the date until which it must be
 * kept, or held. It must be idempotent: a failed erasure is simply run again.
 */
export interface PersonalDataEraser {
  /** Unique among erasers, e.g. `orders`. Stored with every record it blocks. */
  readonly name: string;
  erase(subjectId: string, context: ErasureContext): Promise<ErasureOutcome[]>;
  /**
   * Erases records this eraser blocked earlier, once their period has ended and no hold covers
   * them (called by the retention sweep, inside its transaction). Whoever blocks must be able to
   * erase: that is why this is not optional.
   */
  eraseBlocked(records: readonly BlockedRecord[], manager: EntityManager): Promise<void>;
}

/** A record marked blocked, as the export shows it. */
export interface BlockNotice {
  statute: string;
  until: Date;
}

export interface SubjectExportSection extends ExportSection {
  exporter: string;
  records: (ExportRecord & { blocked?: BlockNotice })[];
}

/** The subject's data from every module, plus what is kept under a statute and until when. */
export interface SubjectExport {
  subjectId: string;
  /** Every subject id the export covers, when there are several (RightsService.exportSubjects). */
  subjectIds?: string[];
  generatedAt: Date;
  sections: SubjectExportSection[];
  blocked: {
    recordType: string;
    recordId: string;
    activityId: string;
    statute: string;
    until: Date;
  }[];
}

export interface EraserReport {
  eraser: string;
  erased: { recordType: string; recordId: string }[];
  anonymised: { recordType: string; recordId: string }[];
  blocked: { recordType: string; recordId: string; activityId: string; statute: string; until: Date }[];
  held: { recordType: string; recordId: string; activityId: string; holdId: string }[];
  /** Set when the eraser failed: nothing of it was committed; run the erasure again. */
  error?: string;
}

export interface ErasureReport {
  subjectId: string;
  startedAt: Date;
  finishedAt: Date;
  /** Every eraser ran without error. */
  complete: boolean;
  erasers: EraserReport[];
}

/** What a recipient is told under Art. 19 GDPR. */
export type RecipientNoticeKind = 'erasure' | 'rectification' | 'restriction';

/** One Art. 19 notice to one recipient, as a RecipientNotifier sends it (ids only, never the data). */
export interface RecipientNotice {
  /** Unique per notice: the recipient's side can de-duplicate a repeated delivery by it. */
  noticeId: string;
  recipientId: string;
  kind: RecipientNoticeKind;
  /** The references the recipient knows the person's records by (a parcel number, an agency reference). */
  references: string[];
  occurredAt: Date;
}

/**
 * Implemented by the module that talks to a recipient (carrier handoff for the carriers, the credit
 * check for the agency): Art. 19 notices reach the recipient on that recipient's own channel. The
 * data-subject-rights module asks for the references before an erasure (afterwards they may be gone)
 * and sends the notice later from a job; `notify` throws when the recipient could not be reached.
 */
export interface RecipientNotifier {
  /** The recipient ids (registry) this notifier speaks for. */
  readonly recipients: readonly string[];
  references(recipientId: string, subjectId: string, manager: EntityManager): Promise<string[]>;
  notify(notice: RecipientNotice): Promise<void>;
}

/**
 * The seam for the audit log (and the data-subject-rights module): called after an export or an
 * erasure has finished. Provide it under RIGHTS_HOOKS; the kernel works without it.
 */
export interface RightsHooks {
  afterExport?(result: SubjectExport): Promise<void>;
  afterErasure?(report: ErasureReport): Promise<void>;
}

export const RIGHTS_HOOKS = Symbol('RIGHTS_HOOKS');

/** A person's data was rectified (Art. 16): which fields (names, never values), in the writer's transaction. */
export interface Rectification {
  subjectId: string;
  /** The activity whose records changed. */
  activityId: string;
  fields: string[];
}

/**
 * Called by RightsRegistry.rectified for every rectification, inside the transaction that made it
 * (work through the unit of work joins it): the data-subject-rights module tells the recipients (Art. 19).
 */
export type RectificationListener = (rectification: Rectification) => Promise<void>;
