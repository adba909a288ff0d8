import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PrivacyModule } from '@app/privacy';
import { BusinessCustomer, VatIdCheck } from './business-customer.entity.js';
import { BusinessCustomersAdminController, MyBusinessController } from './business-customers.controller.js';
import { BUSINESS_CUSTOMERS, VIES } from './business-customers.declarations.js';
import { BusinessCustomers } from './business-customers.service.js';
import { ViesConnection } from './vies/vies-connection.js';
import { VIES_CLIENT } from './vies/vies.port.js';

/** Business customers, their VAT IDs confirmed with VIES, customer groups and net price lists. */
@Module({
  imports: [
    TypeOrmModule.forFeature([BusinessCustomer, VatIdCheck]),
    PrivacyModule.forFeature({ activities: [BUSINESS_CUSTOMERS], recipients: [VIES] }),
  ],
  controllers: [MyBusinessController, BusinessCustomersAdminController],
  providers: [BusinessCustomers, ViesConnection, { provide: VIES_CLIENT, useExisting: ViesConnection }],
  exports: [BusinessCustomers],
})
export class BusinessCustomersModule {}
