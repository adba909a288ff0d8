import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PrivacyModule, RightsRegistry } from '@app/privacy';
import { OrdersModule } from '../orders/index.js';
import { CREDIT_APPROVAL } from './credit-approval.port.js';
import { CreditAgencyPrivacyNotices } from './credit-agency-privacy-notices.js';
import { CreditAgencyConnection, creditAgencyProvider } from './credit-agency.provider.js';
import { CreditCheckAdminController, CreditCheckShopController } from './credit-check.controllers.js';
import { CREDIT_CHECK } from './credit-check.declarations.js';
import { CreditCheck, CreditReview } from './credit-check.entities.js';
import { CREDIT_CHECK_RECORDS, CreditCheckRights } from './credit-check.rights.js';
import { CreditCheckService } from './credit-check.service.js';
import { CreditReviewService } from './credit-review.service.js';
import { GUEST_ORDER_ACCESS } from './guest-order-access.port.js';
import { OrdersGuestAccess } from './orders-guest-access.js';
import { CustomerOrGuestGuard, RequesterSubjects } from './shop-requester.js';

/**
 * Credit checks before SEPA direct debit or invoice (registry activity `credit-check`), with the Art. 22
 * safeguards. Payments uses it through CREDIT_APPROVAL (or CreditCheckService itself).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([CreditCheck, CreditReview]),
    PrivacyModule.forFeature({ activities: [CREDIT_CHECK], records: [CREDIT_CHECK_RECORDS] }),
    // Guests prove access with the orders module's signed order links.
    OrdersModule,
  ],
  controllers: [CreditCheckShopController, CreditCheckAdminController],
  providers: [
    CreditAgencyConnection,
    creditAgencyProvider,
    CreditCheckService,
    { provide: CREDIT_APPROVAL, useExisting: CreditCheckService },
    CreditReviewService,
    CreditCheckRights,
    CreditAgencyPrivacyNotices,
    CustomerOrGuestGuard,
    RequesterSubjects,
    { provide: GUEST_ORDER_ACCESS, useClass: OrdersGuestAccess },
  ],
  exports: [CreditCheckService, CREDIT_APPROVAL, CreditReviewService],
})
export class CreditCheckModule implements OnModuleInit {
  constructor(
    private readonly rights: RightsRegistry,
    private readonly credits: CreditCheckRights,
    private readonly agencyNotices: CreditAgencyPrivacyNotices,
  ) {}

  onModuleInit(): void {
    this.rights.registerExporter(this.credits);
    this.rights.registerRecipientNotifier(this.agencyNotices);
  }
}
