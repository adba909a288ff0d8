// The inquiries module's public surface (docs/architecture.md).
export { InquiriesModule } from './inquiries.module.js';
export { InquiriesRights } from './inquiries.rights.js';
