/**
 * What a legal hold covers. Every criterion given must match (they narrow each other); a criterion
 * left out matches anything. A hold needs at least one criterion: "freeze everything" is never an
 * accident of an empty body.
 */
export interface LegalHoldScope {
  activityId?: string;
  subjectId?: string;
  recordType?: string;
  recordIds?: string[];
  /** Records that occurred at or after this instant. */
  from?: Date;
  /** Records that occurred at or before this instant. */
  to?: Date;
}

/** A record the kernel is about to erase, described the way holds describe what they cover. */
export interface HoldableRecord {
  activityId: string;
  recordType: string;
  recordId: string;
  subjectId?: string | null;
  /** When the record came about (an access-log line's time, an invoice's date). */
  occurredAt?: Date | null;
}

export interface ActiveHold {
  id: string;
  scope: LegalHoldScope;
}

export function scopeIsEmpty(scope: LegalHoldScope): boolean {
  return (
    !scope.activityId &&
    !scope.subjectId &&
    !scope.recordType &&
    !(scope.recordIds && scope.recordIds.length > 0) &&
    !scope.from &&
    !scope.to
  );
}

/**
 * Whether a hold's scope covers a record.
 *
 * Two choices, both deliberate:
 * - a hold on a subject covers only records the system links to that subject: a record with no
 *   subject (an access-log line) is not "that person's data" as far as the system can tell, and
 *   freezing every unlinked record of every activity for one person would itself break storage
 *   limitation (Art. 5(1)(e)). Scope such a hold by activity and time range instead;
 * - a hold with a time range covers a record whose time is unknown: erasure is irreversible,
 *   keeping a record until the hold's release is not, so doubt keeps the record.
 */
export function holdCovers(scope: LegalHoldScope, record: HoldableRecord): boolean {
  if (scopeIsEmpty(scope)) return false;
  if (scope.activityId && scope.activityId !== record.activityId) return false;
  if (scope.recordType && scope.recordType !== record.recordType) return false;
  if (scope.recordIds && scope.recordIds.length > 0 && !scope.recordIds.includes(record.recordId))
    return false;
  if (scope.subjectId && scope.subjectId !== (record.subjectId ?? undefined)) return false;
  if ((scope.from || scope.to) && record.occurredAt) {
    const t = record.occurredAt.getTime();
    if (scope.from && t < scope.from.getTime()) return false;
    if (scope.to && t > scope.to.getTime()) return false;
  }
  return true;
}

/** The first active hold that covers the record, or undefined. */
export function holdFor(holds: readonly ActiveHold[], record: HoldableRecord): ActiveHold | undefined {
  return holds.find((h) => holdCovers(h.scope, record));
}
