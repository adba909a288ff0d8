export { BlockedRecords, notBlockedClause, type BlockedRecord, type BlockInput } from './blocked-records.js';
export { holdCovers, type ActiveHold, type HoldableRecord, type LegalHoldScope } from './hold-scope.js';
export { LegalHolds, type LegalHold } from './legal-holds.service.js';
export type { SweepBlockedResult, SweepDetails, SweepPolicyResult } from './retention.entities.js';
export { RetentionModule } from './retention.module.js';
export {
  DEFAULT_STATUTORY_PERIODS,
  RETENTION_OPTIONS,
  resolveRetentionOptions,
  type RetentionOptions,
  type RetentionOptionsInput,
  type StandardStatutoryPeriodKey,
  type StatutoryPeriod,
} from './retention.options.js';
export {
  RetentionPolicies,
  type CustomRetentionPolicy,
  type DueRecord,
  type RetentionPolicy,
  type TableRetentionPolicy,
} from './retention-policy.js';
export { RETENTION_SWEEP_JOB, RetentionSweep, type SweepReport } from './retention-sweep.js';
export { blockedUntil, StatutoryPeriods, type Retainment } from './statutory-periods.js';
export {
  EVIDENCE_RECORD_TYPES,
  evidenceRetentionPolicies,
  type EvidencePeriods,
} from './evidence-retention.js';
