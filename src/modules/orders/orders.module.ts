import { OrderDeskController } from './order-desk.controller.js';
import { OrderDesk } from './order-desk.js';
import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PrivacyModule, RetentionPolicies, RightsRegistry, StatutoryPeriods } from '@app/privacy';
import { AppConfig } from '../../config/app-config.js';
import { AddressValidationModule } from '../address-validation/index.js';
import { BusinessCustomersModule } from '../business-customers/index.js';
import { NoticeCatalogue, NotificationsModule } from '../notifications/index.js';
import { ShippingModule } from '../shipping/index.js';
import { OrderNoticeHooks } from './order-notice-hooks.js';
import { ORDER_RECIPIENT, orderNotices, resolveOrderRecipient } from './order-notices.js';
import { Catalogue } from './catalogue.js';
import { CatalogueAdminController, CatalogueController } from './catalogue.controller.js';
import { CatalogueSeeder } from './catalogue-seeder.js';
import { Checkout } from './checkout.js';
import { Invoice } from './invoice.entity.js';
import { InvoiceIssuer, IssuedInvoices } from './invoices.js';
import { OrderItem, OrderStatusChange, ShopOrder } from './order.entity.js';
import { OrderReader } from './order-reader.js';
import { OrderSecrets } from './order-secrets.js';
import { OrderStateMachine } from './order-state-machine.js';
import { OrderTransitionHooks } from './order-transition-hooks.js';
import { OptionalCustomerAuthGuard } from './optional-customer-auth.guard.js';
import { OrdersAdminController } from './orders-admin.controller.js';
import { OrdersController } from './orders.controller.js';
import { DEVICE_TRACEABILITY, INVOICING, ORDER_PROCESSING } from './orders.declarations.js';
import { orderRetentionPolicies } from './orders.retention.js';
import { OrdersRights } from './orders.rights.js';
import { Product } from './product.entity.js';
import { StaffOrderActions } from './staff-order-actions.js';
import { UnpaidOrders } from './unpaid-orders.js';
import { OrderParcels } from './order-tracking.js';
import { OrderCreditNotes } from './credit-notes.port.js';
import { OrderCancellation } from './order-cancellation.js';
import { OrderReturns } from './order-returns.js';
import { DeviceSerials } from './device-serials.js';
import { InvoiceOrders } from './invoice-orders.js';
import { DeviceSerialsController } from './device-serials.controller.js';
import { ReturnsAdminController } from './order-returns.controller.js';

/**
 * Catalogue, checkout, the order state machine, guest access to orders, and invoices with their
 * statutory retention (`order-processing`, Art. 6(1)(b); `invoicing`, Art. 6(1)(c)).
 *
 * For other modules: OrderStateMachine (transition, markPaid: the payments module marks orders
 * paid through it), OrderReader (orders as orderView read models, blocked ones left out),
 * OrderSecrets (a guest's subject id from their email, for data-subject requests), Catalogue.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Product, ShopOrder, OrderItem, OrderStatusChange, Invoice]),
    PrivacyModule.forFeature({ activities: [ORDER_PROCESSING, INVOICING, DEVICE_TRACEABILITY] }),
    AddressValidationModule,
    BusinessCustomersModule,
    NotificationsModule,
    ShippingModule,
  ],
  controllers: [
    CatalogueController,
    CatalogueAdminController,
    OrdersController,
    OrdersAdminController,
    OrderDeskController,
    ReturnsAdminController,
    DeviceSerialsController,
  ],
  providers: [
    OrderDesk,
    OrderNoticeHooks,
    Catalogue,
    CatalogueSeeder,
    Checkout,
    InvoiceIssuer,
    IssuedInvoices,
    OrderReader,
    OrderSecrets,
    OrderStateMachine,
    OrderTransitionHooks,
    OptionalCustomerAuthGuard,
    OrdersRights,
    StaffOrderActions,
    UnpaidOrders,
    OrderParcels,
    OrderCreditNotes,
    OrderCancellation,
    OrderReturns,
    DeviceSerials,
    InvoiceOrders,
  ],
  exports: [
    OrderStateMachine,
    OrderTransitionHooks,
    OrderReader,
    OrderSecrets,
    Catalogue,
    OrderNoticeHooks,
    OrderParcels,
    OrderCreditNotes,
    IssuedInvoices,
    OptionalCustomerAuthGuard,
  ],
})
export class OrdersModule implements OnModuleInit {
  constructor(
    private readonly rights: RightsRegistry,
    private readonly retention: RetentionPolicies,
    private readonly periods: StatutoryPeriods,
    private readonly ordersRights: OrdersRights,
    private readonly notices: NoticeCatalogue,
    private readonly noticeHooks: OrderNoticeHooks,
    private readonly config: AppConfig,
    private readonly unpaid: UnpaidOrders,
    private readonly serials: DeviceSerials,
    private readonly transitionHooks: OrderTransitionHooks,
    private readonly invoiceOrders: InvoiceOrders,
  ) {}

  async onModuleInit(): Promise<void> {
    const seller = {
      name: this.config.PRIVACY_CONTROLLER_NAME,
      address: this.config.PRIVACY_CONTROLLER_ADDRESS,
      email: /<([^>]+)>/.exec(this.config.MAIL_FROM)?.[1] ?? this.config.MAIL_FROM,
    };
    for (const template of orderNotices(seller)) this.notices.registerTemplate(template);
    this.notices.registerRecipients(ORDER_RECIPIENT, resolveOrderRecipient);
    this.noticeHooks.register();
    await this.unpaid.register();
    await this.invoiceOrders.register();
    this.rights.registerExporter(this.ordersRights);
    this.rights.registerEraser(this.ordersRights);
    // Device traceability: packing waits for the serials; erasure blocks the serial ↔ buyer link.
    this.transitionHooks.on('packed', (t) => this.serials.assertScanned(t));
    this.rights.registerExporter(this.serials);
    this.rights.registerEraser(this.serials);
    for (const policy of orderRetentionPolicies(this.periods)) this.retention.register(policy);
  }
}
