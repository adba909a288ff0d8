export {
  RIGHTS_HOOKS,
  type EraserReport,
  type ErasureContext,
  type ErasureOutcome,
  type ErasureReport,
  type ExportRecord,
  type ExportSection,
  type JsonObject,
  type JsonValue,
  type PersonalDataEraser,
  type PersonalDataExporter,
  type RecipientNotice,
  type RecipientNoticeKind,
  type RecipientNotifier,
  type Rectification,
  type RectificationListener,
  type RightsHooks,
  type SubjectExport,
  type SubjectExportSection,
} from './rights.contracts.js';
export { RightsRegistry } from './rights.registry.js';
export { RightsService } from './rights.service.js';
export {
  declareRecords,
  type DeclaredRow,
  type DependentRecords,
  type RecordDeclaration,
  type RecordErasure,
  type RecordExport,
  type RecordRetention,
  type RecordsDeclaration,
} from './declared-records.js';
export { DeclaredRecords } from './declared-records.registrar.js';
