import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PrivacyModule, RetentionPolicies, RightsRegistry } from '@app/privacy';
import {
  CUSTOMER_SUPPORT,
  STAFF_ACCOUNT_RETENTION_DAYS,
  STAFF_ACCOUNTS,
} from './back-office.declarations.js';
import { CustomerSupport } from './customers/customer-support.service.js';
import { CustomersController } from './customers/customers.controller.js';
import { StaffAccessModule } from './staff/staff-access.module.js';
import { StaffAccount } from './staff/staff-account.entity.js';
import { StaffAuthController } from './staff/staff-auth.controller.js';
import { StaffAuth } from './staff/staff-auth.service.js';
import { StaffController } from './staff/staff.controller.js';
import { STAFF_RECORD_TYPE, StaffRights } from './staff/staff.rights.js';

/**
 * The back office: staff accounts and roles (sign-in, administration, `npm run admin:create`), the
 * staff authorizer of the privacy kernel's admin routes, and staff access to customer data, masked
 * by role (src/common/masking) and audited.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([StaffAccount]),
    PrivacyModule.forFeature({ activities: [STAFF_ACCOUNTS, CUSTOMER_SUPPORT] }),
    StaffAccessModule,
  ],
  controllers: [StaffAuthController, StaffController, CustomersController],
  providers: [StaffAuth, StaffRights, CustomerSupport],
})
export class BackOfficeModule implements OnModuleInit {
  constructor(
    private readonly rights: RightsRegistry,
    private readonly retention: RetentionPolicies,
    private readonly staffRights: StaffRights,
  ) {}

  onModuleInit(): void {
    this.rights.registerExporter(this.staffRights);
    this.rights.registerEraser(this.staffRights);
    // Former staff: email, name and password hash go three years after deactivation; id and role stay.
    this.retention.register({
      id: 'staff-accounts.former-staff',
      activityId: STAFF_ACCOUNTS.id,
      recordType: STAFF_RECORD_TYPE,
      table: 'staff_account',
      idColumn: 'id',
      subjectColumn: 'subject_id',
      timestampColumn: 'deactivated_at',
      afterDays: STAFF_ACCOUNT_RETENTION_DAYS,
      anonymise: ['email', 'email_normalized', 'password_hash', 'display_name'],
    });
  }
}
