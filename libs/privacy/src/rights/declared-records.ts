import type { EntityManager } from 'typeorm';
import { assertRecordType, type BlockedRecord } from '../retention/blocked-records.js';
import type { ActiveHold } from '../retention/hold-scope.js';
import { quoteIdentifier, type DueRecord, type RetentionPolicy } from '../retention/retention-policy.js';
import type { StatutoryPeriods } from '../retention/statutory-periods.js';
import type {
  ErasureContext,
  ErasureOutcome,
  ExportRecord,
  ExportSection,
  JsonObject,
  PersonalDataEraser,
  PersonalDataExporter,
} from './rights.contracts.js';

/** A row as the declaration's queries read it: the columns asked for, by name. */
export type DeclaredRow = Record<string, unknown>;

/**
 * What an erasure request does to a record:
 * - `'erase'`: the row is deleted (unless a legal hold covers it: then `held`, deleted by the sweep
 *   once released);
 * - `{ anonymise }`: the row stays, these columns are set to these SQL expressions (`'null'`,
 *   `'now()'`, `'coalesce(deactivated_at, now())'`; written by the module, never taken from input);
 *   held like `'erase'`;
 * - `{ block }`: a statute keeps the record: it is blocked until the end of the statutory period
 *   `block` (a key of the retention options) counted from the record's date, whether or not a hold
 *   covers it (the sweep respects holds when the date comes), and deleted by the sweep afterwards.
 */
export type RecordErasure =
  'erase' | { anonymise: Readonly<Record<string, string>> } | { block: string; reason?: string };

/** What the subject's copy (Art. 15, 20) shows of a record. Without it the record type is not exported. */
export interface RecordExport {
  /** Columns read for `toData`, besides the id and date columns (always read). */
  columns?: readonly string[];
  /** Computed values read for `toData`: alias → SQL expression over the row (`password_hash is not null`). */
  computed?: Readonly<Record<string, string>>;
  /** The record as the copy shows it. */
  toData(row: DeclaredRow): JsonObject;
  /** Data category ids the record contains: fixed, or per row. */
  categories: readonly string[] | ((row: DeclaredRow) => readonly string[]);
  /** Sort order of the copy, columns ascending; the date column, then the id column, by default. */
  orderBy?: readonly string[];
}

/** Without an erasure request: how long the record is kept. */
export type RecordRetention = {
  /** The policy id, unique and stable (sweep reports name it). */
  id: string;
  /** The data category the policy is about, when narrower than the activity. */
  category?: string;
  /** The subject column the sweep reports (legal holds on a subject match on it); the declaration's by default. */
  subjectColumn?: string;
} & (
  | {
      /** Rows whose `dateColumn` (the declaration's, unless given here) is older than this many days. */
      afterDays: number;
      dateColumn?: string;
      /** Columns set to null instead of deleting the row. */
      anonymise?: readonly string[];
    }
  | {
      /** Rows whose statutory period (a key of the retention options) has ended, counted from the record's date. */
      statutoryPeriod: string;
      batch?: number;
    }
  | {
      /** Rows whose own erasure date (this column) has passed. */
      dueColumn: string;
      batch?: number;
    }
);

/** Records of one type, erased with their parent by the database (`on delete cascade`): reported with it. */
export interface DependentRecords {
  recordType: string;
  table: string;
  /** The column that names the parent's id. */
  parentColumn: string;
  idColumn?: string;
  idType?: 'uuid' | 'bigint' | 'text';
}

/** One record type of a module: its table, whose records they are, and what the rights do with them. */
export interface RecordDeclaration {
  recordType: string;
  /** The processing activity (registry id) the records belong to. */
  activityId: string;
  /** `table` or `schema.table`. */
  table: string;
  /** `id` by default. */
  idColumn?: string;
  /** The SQL type of the id column: `uuid` by default. */
  idType?: 'uuid' | 'bigint' | 'text';
  /** The column that names the subject. */
  subjectColumn: string;
  /** The SQL type of `subjectColumn`: `text` by default. */
  subjectType?: 'text' | 'uuid' | 'inet';
  /**
   * The value of `subjectColumn` for a subject id, or undefined for a subject that cannot have
   * such records (`staff:<uuid>` → the uuid). The subject id itself by default.
   */
  subjectValue?(subjectId: string): string | undefined;
  /** The record's own date: legal holds with a time range match on it, statutory periods count from it. */
  dateColumn: string;
  /** An SQL condition on the row: only rows matching it are records of this type (a contact that is set). */
  where?: string;
  onErasure: RecordErasure;
  export?: RecordExport;
  retention?: RecordRetention;
  dependents?: readonly DependentRecords[];
  /**
   * For holds the kernel cannot judge from the subject id alone (a hold on an address range covers
   * the lines of every address in it): an SQL expression over the row that gives the id of an active
   * hold covering it, or null, its parameters numbered from `$firstParameter`; null when none of
   * `holds` can cover such a record. Checked before `heldBy`.
   */
  holdIdSql?(holds: readonly ActiveHold[], firstParameter: number): { sql: string; params: unknown[] } | null;
  /**
   * Called in the erasure's transaction with the ids about to be erased or anonymised (not the held
   * or blocked ones), before anything is written: throws to refuse the erasure (the last administrator).
   */
  beforeErase?(recordIds: readonly string[], manager: EntityManager): Promise<void>;
}

/**
 * What a module declares of its personal records (`PrivacyModule.forFeature({ records })`): the
 * kernel derives from it one exporter and one eraser named `name`, and the retention policies.
 */
export interface RecordsDeclaration {
  /** The exporter's and eraser's name, e.g. `invoicing`; stored with every record it blocks. */
  name: string;
  records: readonly RecordDeclaration[];
  /** Runs first in the erasure's transaction, before a row is read (an advisory lock the module's writers take too). */
  lock?(subjectId: string, manager: EntityManager): Promise<void>;
  /** The order of the copy across record types (by default each type's records in turn, in declaration order). */
  exportOrder?: (a: ExportRecord, b: ExportRecord) => number;
}

const ID_PATTERN: Record<NonNullable<RecordDeclaration['idType']>, RegExp> = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  bigint: /^\d{1,18}$/,
  text: /^.+$/s,
};

const q = (column: string): string => quoteIdentifier(column);

interface Resolved {
  decl: RecordDeclaration;
  table: string;
  id: string;
  idType: NonNullable<RecordDeclaration['idType']>;
  subject: string;
  subjectType: NonNullable<RecordDeclaration['subjectType']>;
  date: string;
  where: string;
}

function resolve(decl: RecordDeclaration): Resolved {
  assertRecordType(decl.recordType);
  if (!decl.activityId) throw new Error(`records "${decl.recordType}" need an activityId`);
  for (const d of decl.dependents ?? []) {
    assertRecordType(d.recordType);
    quoteIdentifier(d.table, true);
    q(d.parentColumn);
    if (d.idColumn) q(d.idColumn);
  }
  for (const c of decl.export?.columns ?? []) q(c);
  for (const c of Object.keys(decl.export?.computed ?? {})) q(c);
  for (const c of decl.export?.orderBy ?? []) q(c);
  const erasure = decl.onErasure;
  if (typeof erasure === 'object' && 'anonymise' in erasure) {
    if (Object.keys(erasure.anonymise).length === 0)
      throw new Error(`records "${decl.recordType}": anonymise lists no column`);
    for (const c of Object.keys(erasure.anonymise)) q(c);
  }
  return {
    decl,
    table: quoteIdentifier(decl.table, true),
    id: q(decl.idColumn ?? 'id'),
    idType: decl.idType ?? 'uuid',
    subject: q(decl.subjectColumn),
    subjectType: decl.subjectType ?? 'text',
    date: q(decl.dateColumn),
    where: decl.where ? ` and (${decl.where})` : '',
  };
}

/** The values of the subject column for these subject ids (subjects that cannot have such records left out). */
function subjectValues(r: Resolved, subjectIds: readonly string[]): string[] {
  const values = subjectIds.map((s) => (r.decl.subjectValue ? r.decl.subjectValue(s) : s));
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}

function validIds(r: Resolved, ids: readonly string[]): string[] {
  return ids.filter((id) => ID_PATTERN[r.idType].test(id));
}

/**
 * The one exporter and eraser for a module's declared records. Erasure per record: held when a legal
 * hold covers it (`ErasureContext.heldBy`), unless a statute blocks it; blocked with the statute's
 * date; otherwise erased or anonymised. `eraseBlocked` deletes (or anonymises) what was blocked or
 * held, once the sweep finds it free.
 */
export class DeclaredRecordRights implements PersonalDataExporter, PersonalDataEraser {
  readonly name: string;
  private readonly records: Resolved[];

  constructor(private readonly declaration: RecordsDeclaration) {
    if (!declaration.name) throw new Error('a records declaration needs a name');
    if (declaration.records.length === 0)
      throw new Error(`records declaration "${declaration.name}" is empty`);
    this.name = declaration.name;
    this.records = declaration.records.map(resolve);
  }

  /** Whether any record type is exported (otherwise the module exports its records itself, or none). */
  get exports(): boolean {
    return this.records.some((r) => r.decl.export !== undefined);
  }

  export(subjectId: string, manager: EntityManager): Promise<ExportSection> {
    return this.exportMany([subjectId], manager);
  }

  /** Every record of these subjects, one query per exported record type. */
  async exportMany(subjectIds: readonly string[], manager: EntityManager): Promise<ExportSection> {
    const activities = new Set<string>();
    const categories = new Set<string>();
    const records: ExportRecord[] = [];
    for (const r of this.records) {
      const spec = r.decl.export;
      if (!spec) continue;
      const subjects = subjectValues(r, subjectIds);
      if (subjects.length === 0) continue;
      const columns = [
        `${r.id}::text as "__id"`,
        ...(spec.columns ?? []).map(q),
        ...Object.entries(spec.computed ?? {}).map(([alias, sql]) => `(${sql}) as ${q(alias)}`),
      ];
      const order = (spec.orderBy ?? [r.decl.dateColumn, r.decl.idColumn ?? 'id']).map(q).join(', ');
      const rows: DeclaredRow[] = await manager.query(
        `select ${columns.join(', ')} from ${r.table}
          where ${r.subject} = any($1::${r.subjectType}[])${r.where} order by ${order}`,
        [subjects],
      );
      for (const row of rows) {
        activities.add(r.decl.activityId);
        const cats = typeof spec.categories === 'function' ? spec.categories(row) : spec.categories;
        for (const c of cats) categories.add(c);
        records.push({
          recordType: r.decl.recordType,
          recordId: String(row.__id),
          activityId: r.decl.activityId,
          data: spec.toData(row),
        });
      }
    }
    if (this.declaration.exportOrder) records.sort(this.declaration.exportOrder);
    return { activities: [...activities], categories: [...categories], records };
  }

  async erase(subjectId: string, context: ErasureContext): Promise<ErasureOutcome[]> {
    const { manager } = context;
    await this.declaration.lock?.(subjectId, manager);
    const outcomes: ErasureOutcome[] = [];
    for (const r of this.records) {
      const [subject] = subjectValues(r, [subjectId]);
      if (subject === undefined) continue;
      const holdSql = r.decl.holdIdSql?.(context.holds, 2) ?? null;
      const rows: { id: string; date: Date; hold_id: string | null }[] = await manager.query(
        `select ${r.id}::text as id, ${r.date} as date, ${holdSql ? `(${holdSql.sql})::text` : 'null'} as hold_id
           from ${r.table} where ${r.subject} = $1::${r.subjectType}${r.where} order by ${r.id} for update`,
        [subject, ...(holdSql?.params ?? [])],
      );
      outcomes.push(...(await this.eraseRows(r, rows, context)));
    }
    return outcomes;
  }

  private async eraseRows(
    r: Resolved,
    rows: readonly { id: string; date: Date; hold_id: string | null }[],
    context: ErasureContext,
  ): Promise<ErasureOutcome[]> {
    const { recordType, activityId, onErasure } = r.decl;
    const outcomes: ErasureOutcome[] = [];
    if (typeof onErasure === 'object' && 'block' in onErasure) {
      for (const row of rows) {
        const { statute, until } = context.retain(onErasure.block, row.date);
        outcomes.push({
          recordType,
          recordId: row.id,
          outcome: 'blocked',
          activityId,
          statute,
          until,
          recordDate: row.date,
          ...(onErasure.reason ? { reason: onErasure.reason } : {}),
        });
      }
      return outcomes;
    }
    const free: string[] = [];
    for (const row of rows) {
      const holdId =
        row.hold_id ?? context.heldBy({ activityId, recordType, recordId: row.id, occurredAt: row.date });
      if (holdId) {
        outcomes.push({
          recordType,
          recordId: row.id,
          outcome: 'held',
          activityId,
          holdId,
          recordDate: row.date,
        });
      } else {
        free.push(row.id);
      }
    }
    if (free.length === 0) return outcomes;
    await r.decl.beforeErase?.(free, context.manager);
    const dependents = await this.dependentsOf(r, free, context.manager);
    await this.write(r, free, context.manager);
    const outcome = onErasure === 'erase' ? 'erased' : 'anonymised';
    for (const id of free) {
      outcomes.push({ recordType, recordId: id, outcome });
      for (const d of dependents.get(id) ?? []) outcomes.push(d);
    }
    return outcomes;
  }

  /** The dependent records of these parents, by parent id: erased with them by the database. */
  private async dependentsOf(
    r: Resolved,
    ids: readonly string[],
    manager: EntityManager,
  ): Promise<Map<string, ErasureOutcome[]>> {
    const byParent = new Map<string, ErasureOutcome[]>();
    if (r.decl.onErasure !== 'erase') return byParent;
    for (const d of r.decl.dependents ?? []) {
      const rows: { id: string; parent: string }[] = await manager.query(
        `select ${q(d.idColumn ?? 'id')}::text as id, ${q(d.parentColumn)}::text as parent
           from ${quoteIdentifier(d.table, true)} where ${q(d.parentColumn)} = any($1::${r.idType}[])`,
        [ids],
      );
      for (const row of rows) {
        const list = byParent.get(row.parent) ?? [];
        list.push({ recordType: d.recordType, recordId: row.id, outcome: 'erased' });
        byParent.set(row.parent, list);
      }
    }
    return byParent;
  }

  /** Deletes the rows, or anonymises them (`onErasure.anonymise`); blocked records are deleted. */
  private async write(r: Resolved, ids: readonly string[], manager: EntityManager): Promise<void> {
    const valid = validIds(r, ids);
    if (valid.length === 0) return;
    const erasure = r.decl.onErasure;
    if (typeof erasure === 'object' && 'anonymise' in erasure) {
      const set = Object.entries(erasure.anonymise)
        .map(([column, sql]) => `${q(column)} = ${sql}`)
        .join(', ');
      await manager.query(`update ${r.table} set ${set} where ${r.id} = any($1::${r.idType}[])`, [valid]);
    } else {
      await manager.query(`delete from ${r.table} where ${r.id} = any($1::${r.idType}[])`, [valid]);
    }
  }

  async eraseBlocked(records: readonly BlockedRecord[], manager: EntityManager): Promise<void> {
    for (const r of this.records) {
      const ids = records.filter((b) => b.recordType === r.decl.recordType).map((b) => b.recordId);
      if (ids.length > 0) await this.write(r, ids, manager);
      for (const d of r.decl.dependents ?? []) {
        const idType = d.idType ?? 'uuid';
        const own = records
          .filter((b) => b.recordType === d.recordType)
          .map((b) => b.recordId)
          .filter((id) => ID_PATTERN[idType].test(id));
        if (own.length > 0)
          await manager.query(
            `delete from ${quoteIdentifier(d.table, true)} where ${q(d.idColumn ?? 'id')} = any($1::${idType}[])`,
            [own],
          );
      }
    }
  }
}

/** The retention policies of a module's declared records (the kernel registers them). */
export function declaredRetentionPolicies(
  declaration: RecordsDeclaration,
  periods: StatutoryPeriods,
): RetentionPolicy[] {
  return declaration.records.flatMap((decl): RetentionPolicy[] => {
    const retention = decl.retention;
    if (!retention) return [];
    const r = resolve(decl);
    const subject = q(retention.subjectColumn ?? decl.subjectColumn);
    const base = {
      id: retention.id,
      activityId: decl.activityId,
      recordType: decl.recordType,
      ...(retention.category ? { category: retention.category } : {}),
    };
    if ('afterDays' in retention) {
      return [
        {
          ...base,
          table: decl.table,
          idColumn: decl.idColumn ?? 'id',
          subjectColumn: retention.subjectColumn ?? decl.subjectColumn,
          timestampColumn: retention.dateColumn ?? decl.dateColumn,
          afterDays: retention.afterDays,
          ...(retention.anonymise ? { anonymise: [...retention.anonymise] } : {}),
        },
      ];
    }
    const batch = retention.batch ?? 1000;
    const due =
      'statutoryPeriod' in retention
        ? {
            // Past the end of the calendar year of the record's date plus the period's years (shop's time zone).
            condition: `${r.date} < make_timestamptz(extract(year from $1::timestamptz at time zone $2)::int - $3, 1, 1, 0, 0, 0, $2)`,
            order: `${r.date}, ${r.id}`,
            params: (now: Date) => [now, periods.timeZone, periods.period(retention.statutoryPeriod).years],
          }
        : {
            condition: `${q(retention.dueColumn)} < $1`,
            order: `${q(retention.dueColumn)}, ${r.id}`,
            params: (now: Date) => [now],
          };
    return [
      {
        ...base,
        action: 'erase',
        async findExpired(now: Date, manager: EntityManager): Promise<DueRecord[]> {
          const params = due.params(now);
          const rows: { id: string; subject: string | null; date: Date }[] = await manager.query(
            `select ${r.id}::text as id, ${subject}::text as subject, ${r.date} as date from ${r.table}
              where ${due.condition} order by ${due.order} limit $${params.length + 1}`,
            [...params, batch],
          );
          return rows.map((row) => ({ recordId: row.id, subjectId: row.subject, occurredAt: row.date }));
        },
        async erase(ids: string[], manager: EntityManager): Promise<void> {
          const valid = validIds(r, ids);
          if (valid.length > 0)
            await manager.query(`delete from ${r.table} where ${r.id} = any($1::${r.idType}[])`, [valid]);
        },
      },
    ];
  });
}

/** Checks a declaration at once (identifiers, record types), so a mistake fails where it is written. */
export function declareRecords(declaration: RecordsDeclaration): RecordsDeclaration {
  new DeclaredRecordRights(declaration);
  for (const d of declaration.records) {
    const retention = d.retention;
    if (retention?.subjectColumn) q(retention.subjectColumn);
    if (retention && 'afterDays' in retention) {
      if (retention.dateColumn) q(retention.dateColumn);
      for (const c of retention.anonymise ?? []) q(c);
    }
    if (retention && 'dueColumn' in retention) q(retention.dueColumn);
  }
  return declaration;
}
