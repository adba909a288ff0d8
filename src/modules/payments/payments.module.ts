import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PrivacyModule, RetentionPolicies, RightsRegistry } from '@app/privacy';
import { AppConfig } from '../../config/app-config.js';
import { CreditCheckModule } from '../credit-check/index.js';
import { OrdersModule } from '../orders/index.js';
import { AdminPaymentsController } from './admin-payments.controller.js';
import { CancellationRefunds } from './cancellation-refunds.js';
import { ReturnRefunds } from './return-refunds.js';
import { BankStatements } from './bank-statements.js';
import { BankStatementsController } from './bank-statements.controller.js';
import { OrderGateway } from './order-gateway.js';
import { PaymentAdmin } from './payment-admin.service.js';
import { Payment, PaymentEvent, PaymentFlag, PaymentRefund, SepaMandate } from './payment.entities.js';
import { PaymentOutcomes } from './payment-outcomes.js';
import { PaymentProviders } from './payment-providers.js';
import { PaymentWebhooks } from './payment-webhooks.js';
import { PayerGuard } from './payer.js';
import { PAYMENT } from './payments.declarations.js';
import { paymentRetentionPolicies } from './payments.retention.js';
import { PaymentsRights } from './payments.rights.js';
import { PaymentsService } from './payments.service.js';
import { createPaymentsSetup, PAYMENTS_SETUP } from './payments.setup.js';
import { ShopPaymentsController } from './shop-payments.controller.js';
import { WebhooksController } from './webhooks.controller.js';

/**
 * Payments (`payment`, Art. 6(1)(b)): card through Stripe, PayPal, SEPA direct debit and invoice, the
 * providers' webhooks, staff flags, settlements and refunds. Without provider keys (development) the
 * providers run as in-process simulators. See README.md.
 *
 * For other modules: PaymentsService (start / capture), PAYMENT_METHOD_REGISTRY (payment-methods.ts:
 * what each method discloses), and the CREDIT_APPROVAL contract it expects (credit-approval.port.ts).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Payment, PaymentRefund, PaymentEvent, PaymentFlag, SepaMandate]),
    PrivacyModule.forFeature({ activities: [PAYMENT] }),
    OrdersModule,
    CreditCheckModule,
  ],
  controllers: [
    ShopPaymentsController,
    WebhooksController,
    AdminPaymentsController,
    BankStatementsController,
  ],
  providers: [
    {
      provide: PAYMENTS_SETUP,
      useFactory: createPaymentsSetup,
      inject: [AppConfig, HttpAdapterHost],
    },
    PaymentProviders,
    OrderGateway,
    PaymentOutcomes,
    PaymentsService,
    PaymentWebhooks,
    PaymentAdmin,
    PaymentsRights,
    PayerGuard,
    CancellationRefunds,
    ReturnRefunds,
    BankStatements,
  ],
  exports: [PaymentsService],
})
export class PaymentsModule implements OnModuleInit {
  constructor(
    private readonly rights: RightsRegistry,
    private readonly retention: RetentionPolicies,
    private readonly paymentsRights: PaymentsRights,
    private readonly cancellationRefunds: CancellationRefunds,
    private readonly returnRefunds: ReturnRefunds,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.cancellationRefunds.register();
    await this.returnRefunds.register();
    this.rights.registerExporter(this.paymentsRights);
    this.rights.registerEraser(this.paymentsRights);
    for (const policy of paymentRetentionPolicies()) this.retention.register(policy);
  }
}
