import { Global, Module } from '@nestjs/common';
import { ADMIN_AUTHORIZER, BOOTSTRAP_ADMIN_TOKEN_ENABLED } from '@app/privacy/admin/admin-authorizer.js';
import { STAFF_ACCOUNT_CHECK } from '../../../common/auth/session-check.js';
import { AppConfig } from '../../../config/app-config.js';
import { ActiveStaffGuard } from './active-staff.guard.js';
import { StaffAccounts } from './staff-accounts.service.js';
import { StaffAdminAuthorizer } from './staff-admin-authorizer.js';

/**
 * Global on purpose: the privacy kernel's admin guard resolves ADMIN_AUTHORIZER (and whether the
 * bootstrap token is still accepted) from wherever it is provided, without importing the app; and
 * every module with staff routes can put ActiveStaffGuard behind StaffAuthGuard.
 */
@Global()
@Module({
  providers: [
    StaffAccounts,
    ActiveStaffGuard,
    StaffAdminAuthorizer,
    { provide: STAFF_ACCOUNT_CHECK, useExisting: StaffAccounts },
    { provide: ADMIN_AUTHORIZER, useExisting: StaffAdminAuthorizer },
    {
      provide: BOOTSTRAP_ADMIN_TOKEN_ENABLED,
      useFactory: (config: AppConfig): boolean => config.PRIVACY_BOOTSTRAP_TOKEN_ENABLED,
      inject: [AppConfig],
    },
  ],
  exports: [
    StaffAccounts,
    ActiveStaffGuard,
    STAFF_ACCOUNT_CHECK,
    ADMIN_AUTHORIZER,
    BOOTSTRAP_ADMIN_TOKEN_ENABLED,
  ],
})
export class StaffAccessModule {}
