import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PrivacyModule } from '@app/privacy';
import { CUSTOMER_SUPPORT, STAFF_ACCOUNTS } from './back-office.declarations.js';
import { CustomerSupport } from './customers/customer-support.service.js';
import { CustomersController } from './customers/customers.controller.js';
import { StaffAccessModule } from './staff/staff-access.module.js';
import { StaffAccount } from './staff/staff-account.entity.js';
import { StaffAuthController } from './staff/staff-auth.controller.js';
import { StaffAuth } from './staff/staff-auth.service.js';
import { StaffController } from './staff/staff.controller.js';
import { STAFF_RECORDS } from './staff/staff.rights.js';

/**
 * The back office: staff accounts and roles (sign-in, administration, `npm run admin:create`), the
 * staff authorizer of the privacy kernel's admin routes, and staff access to customer data, masked
 * by role (src/common/masking) and audited.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([StaffAccount]),
    PrivacyModule.forFeature({ activities: [STAFF_ACCOUNTS, CUSTOMER_SUPPORT], records: [STAFF_RECORDS] }),
    StaffAccessModule,
  ],
  controllers: [StaffAuthController, StaffController, CustomersController],
  providers: [StaffAuth, CustomerSupport],
})
export class BackOfficeModule {}
