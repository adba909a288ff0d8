import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PrivacyModule } from '@app/privacy';
import { PartnerApiController } from './partner-api.controller.js';
import { PartnerActorInterceptor, PartnerAuthGuard } from './partner-auth.js';
import { Partner, PartnerApiKey } from './partner.entity.js';
import { PARTNER_ACCOUNTS } from './partners.declarations.js';
import { PartnersAdminController } from './partners-admin.controller.js';
import { PARTNER_CONTACT_RECORDS } from './partners.rights.js';
import { Partners } from './partners.service.js';

/**
 * Partner accounts (carriers, logistics partners) with scoped, hashed, revocable API keys, and the
 * guard of the partner API (`X-Api-Key` on /api/v1/partner/...). Carrier handoff builds its
 * shipment routes on PartnerApi / PartnerScopes / CurrentPartner (exported here). See README.md.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Partner, PartnerApiKey]),
    PrivacyModule.forFeature({ activities: [PARTNER_ACCOUNTS], records: [PARTNER_CONTACT_RECORDS] }),
  ],
  controllers: [PartnersAdminController, PartnerApiController],
  providers: [Partners, PartnerAuthGuard, PartnerActorInterceptor],
  exports: [Partners, PartnerAuthGuard, PartnerActorInterceptor],
})
export class PartnersModule {}
