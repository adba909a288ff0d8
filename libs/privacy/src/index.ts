// The privacy kernel's public surface. Modules import from '@app/privacy' only.
export * from './declarations.js';
export * from './errors.js';
export * from './privacy.options.js';
export { PrivacyModule } from './privacy.module.js';
export { ActorContext, type Actor } from './context/actor-context.js';
export { PrivacySignals, type PrivacySignalState } from './context/privacy-signals.js';
export { BootstrapAdminGuard } from './admin/admin.guard.js';
export { ConsentLedger, type ConsentWording, type ConsentState } from './consent/consent-ledger.js';
export { ProcessingGuard, needsConsent, type ProcessingCheck } from './guard/processing-guard.js';
export { SubjectControls, ALL_ACTIVITIES } from './guard/subject-controls.js';
export { Discloser, fieldPaths, type DisclosureRequest } from './disclosure/discloser.js';
export { PersonalData } from './registry/personal-data.decorator.js';
export { PrivacyRegistryService, InvalidDeclarationError } from './registry/privacy-registry.service.js';
export { ProcessingRegistry, type PersonalDataField } from './registry/registry.js';
export { DeclarationStore } from './registry/declaration-store.js';
export {
  lintRegistry,
  formatFindings,
  LINT_RULES,
  type LintFinding,
  type LintRuleId,
} from './lint/linter.js';
export {
  buildArt30Record,
  renderArt30Record,
  type Art30Record,
  type Art30Format,
} from './record/art30-record.js';
export { AuditLog, type AuditEntry, type AuditReceipt } from './audit/audit-log.service.js';
export { verifyAuditChain, verifyAuditLog, type AuditVerification } from './audit/audit-chain.js';
export * from './retention/index.js';
export * from './rights/index.js';
export * from './jobs/index.js';
export { AccessAnswerComposer, type AccessAnswer } from './rights/access-answer.js';
export {
  ADMIN_AUTHORIZER,
  BOOTSTRAP_ADMIN_TOKEN_ENABLED,
  KERNEL_ADMIN_ROLES,
  type AdminAuthorizer,
} from './admin/admin-authorizer.js';
export { PrivacyAdminGuard } from './admin/admin.guard.js';
