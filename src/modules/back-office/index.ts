// The back-office module's public surface (docs/architecture.md).
export { BackOfficeModule } from './back-office.module.js';
export { ActiveStaffGuard } from './staff/active-staff.guard.js';
