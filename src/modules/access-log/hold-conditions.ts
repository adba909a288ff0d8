import { isIP } from 'node:net';
import type { LegalHoldScope } from '@app/privacy';
import { ACCESS_LOG_ACTIVITY_ID, ACCESS_LOG_RECORD } from './access-log.declarations.js';

/** An active legal hold as the kernel hands it out (`LegalHolds.activeHolds`). */
export interface HoldLike {
  id: string;
  scope: LegalHoldScope;
}

/** SQL with numbered parameters collected as it is built. */
export class SqlParameters {
  readonly values: unknown[] = [];

  constructor(private readonly offset = 0) {}

  /** Adds a value and answers its placeholder, cast to `type`. */
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.offset + this.values.length}::${type}`;
  }
}

/** `ip:<address>` or `ip:<network>/<prefix>`, the address part valid; undefined otherwise. */
export function parseIpSubject(subjectId: string): { address: string; prefix?: number } | undefined {
  if (!subjectId.startsWith('ip:')) return undefined;
  const [address, prefix, ...rest] = subjectId.slice(3).split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return undefined;
  if (prefix === undefined) return { address };
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128)) return undefined;
  return { address, prefix: Number(prefix) };
}

/**
 * The SQL condition on an access-log line (columns `id`, `ip`, `occurred_at`) that a hold covers, or
 * null when the hold cannot cover any line. It follows the kernel's `holdCovers` criterion by
 * criterion (every given criterion must match):
 * - activityId, recordType: must name the access log (`access-log`, `access_log_entry`);
 * - recordIds: line ids;
 * - subjectId: `ip:<address>`, or `ip:<network>/<prefix>` for a range (incidents come from networks);
 *   any other subject (a customer) is not linked to access-log lines, so the hold covers none;
 * - from / to: the line's time, inclusive.
 * Holds are read and these conditions built in the transaction that moves or deletes the lines, after
 * `LegalHolds.lockForErasure`.
 */
export function holdCondition(scope: LegalHoldScope, params: SqlParameters): string | null {
  const parts: string[] = [];
  if (scope.activityId && scope.activityId !== ACCESS_LOG_ACTIVITY_ID) return null;
  if (scope.recordType && scope.recordType !== ACCESS_LOG_RECORD) return null;
  if (scope.recordIds && scope.recordIds.length > 0) {
    const ids = scope.recordIds.filter((id) => /^\d{1,18}$/.test(id));
    if (ids.length === 0) return null;
    parts.push(`id = any(${params.add(ids, 'bigint[]')})`);
  }
  if (scope.subjectId) {
    const ip = parseIpSubject(scope.subjectId);
    if (!ip) return null;
    const value = ip.prefix === undefined ? ip.address : `${ip.address}/${ip.prefix}`;
    parts.push(`ip <<= ${params.add(value, 'inet')}`);
  }
  if (scope.from) parts.push(`occurred_at >= ${params.add(scope.from, 'timestamptz')}`);
  if (scope.to) parts.push(`occurred_at <= ${params.add(scope.to, 'timestamptz')}`);
  // A hold on the access log as a whole (activityId or recordType only) keeps every line.
  if (parts.length === 0) return scope.activityId || scope.recordType ? 'true' : null;
  return parts.map((p) => `(${p})`).join(' and ');
}

/** The holds that can cover access-log lines, each with its condition. */
export interface AccessLogHolds {
  /** Lines any of the holds covers. */
  covered: string;
  /**
   * SQL for the id of the first hold covering a line (a uuid), for `access_log_held.hold_id`; adds the
   * hold ids to the parameters when called, so a statement that only filters leaves them out.
   */
  holdIdOf(): string;
  /** Ids of the holds that apply. */
  ids: string[];
}

/** Builds the conditions of every applicable hold, or null when none can cover an access-log line. */
export function accessLogHolds(holds: readonly HoldLike[], params: SqlParameters): AccessLogHolds | null {
  const applicable = holds
    .map((hold) => ({ hold, condition: holdCondition(hold.scope, params) }))
    .filter((h): h is { hold: HoldLike; condition: string } => h.condition !== null);
  if (applicable.length === 0) return null;
  return {
    covered: applicable.map((h) => `(${h.condition})`).join(' or '),
    holdIdOf: () =>
      `case ${applicable.map((h) => `when ${h.condition} then ${params.add(h.hold.id, 'uuid')}`).join(' ')} end`,

    ids: applicable.map((h) => h.hold.id),
  };
}
