import { Module, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PrivacyModule, RetentionPolicies, RightsRegistry, StatutoryPeriods } from '@app/privacy';
import { OrdersModule } from '../orders/index.js';
import { CreditNote, InvoiceDocument } from './invoice-document.entity.js';
import { InvoiceArchive } from './invoice-archive.js';
import { InvoiceDocuments } from './invoice-documents.js';
import { ShopInvoicesController, StaffInvoicesController } from './invoicing.controller.js';
import { INVOICE_ARCHIVE } from './invoicing.declarations.js';
import { InvoicingRights, invoicingRetentionPolicies } from './invoicing.rights.js';

/**
 * Invoice and credit-note documents: rendered when an order is paid, cancelled or refunded,
 * archived as issued (GoBD), downloaded by the buyer and by staff.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([InvoiceDocument, CreditNote]),
    PrivacyModule.forFeature({ activities: [INVOICE_ARCHIVE] }),
    OrdersModule,
  ],
  controllers: [ShopInvoicesController, StaffInvoicesController],
  providers: [InvoiceArchive, InvoiceDocuments, InvoicingRights],
  exports: [InvoiceArchive],
})
export class InvoicingModule implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly rights: RightsRegistry,
    private readonly retention: RetentionPolicies,
    private readonly periods: StatutoryPeriods,
    private readonly invoicingRights: InvoicingRights,
    private readonly archive: InvoiceArchive,
    private readonly documents: InvoiceDocuments,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.documents.register();
    await this.archive.register();
    this.rights.registerExporter(this.invoicingRights);
    this.rights.registerEraser(this.invoicingRights);
    for (const policy of invoicingRetentionPolicies(this.periods)) this.retention.register(policy);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.documents.workOffOpenRequests();
  }
}
