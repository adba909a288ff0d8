// The data-subject-rights module's public surface (docs/architecture.md).
export { DataSubjectRightsModule } from './data-subject-rights.module.js';
export { PrivacyRequests } from './privacy-requests.service.js';
export { ReceiptSubjects, type ReceiptSubject, type ReceiptSubjectResolver } from './receipt-subjects.js';
