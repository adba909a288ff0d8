import { Module, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PrivacyModule } from '@app/privacy';
import { OrdersModule } from '../orders/index.js';
import { CreditNote, InvoiceDocument } from './invoice-document.entity.js';
import { InvoiceArchive } from './invoice-archive.js';
import { InvoiceDocuments } from './invoice-documents.js';
import { ShopInvoicesController, StaffInvoicesController } from './invoicing.controller.js';
import { INVOICE_ARCHIVE } from './invoicing.declarations.js';
import { INVOICING_RECORDS } from './invoicing.rights.js';

/**
 * Invoice and credit-note documents: rendered when an order is paid, cancelled or refunded,
 * archived as issued (GoBD), downloaded by the buyer and by staff.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([InvoiceDocument, CreditNote]),
    PrivacyModule.forFeature({ activities: [INVOICE_ARCHIVE], records: [INVOICING_RECORDS] }),
    OrdersModule,
  ],
  controllers: [ShopInvoicesController, StaffInvoicesController],
  providers: [InvoiceArchive, InvoiceDocuments],
  exports: [InvoiceArchive],
})
export class InvoicingModule implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly archive: InvoiceArchive,
    private readonly documents: InvoiceDocuments,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.documents.register();
    await this.archive.register();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.documents.workOffOpenRequests();
  }
}
