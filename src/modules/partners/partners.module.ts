import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PrivacyModule, RetentionPolicies, RightsRegistry } from '@app/privacy';
import { PartnerApiController } from './partner-api.controller.js';
import { PartnerActorInterceptor, PartnerAuthGuard } from './partner-auth.js';
import { Partner, PartnerApiKey } from './partner.entity.js';
import { PARTNER_ACCOUNTS, PARTNER_CONTACT_RETENTION_DAYS } from './partners.declarations.js';
import { PartnersAdminController } from './partners-admin.controller.js';
import { PARTNER_CONTACT_RECORD_TYPE, PartnerContactRights } from './partners.rights.js';
import { Partners } from './partners.service.js';

/**
 * Partner accounts (carriers, logistics partners) with scoped, hashed, revocable API keys, and the
 * guard of the partner API (`X-Api-Key` on /api/v1/partner/...). Carrier handoff builds its
 * shipment routes on PartnerApi / PartnerScopes / CurrentPartner (exported here). See README.md.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Partner, PartnerApiKey]),
    PrivacyModule.forFeature({ activities: [PARTNER_ACCOUNTS] }),
  ],
  controllers: [PartnersAdminController, PartnerApiController],
  providers: [Partners, PartnerAuthGuard, PartnerActorInterceptor, PartnerContactRights],
  exports: [Partners, PartnerAuthGuard, PartnerActorInterceptor],
})
export class PartnersModule implements OnModuleInit {
  constructor(
    private readonly rights: RightsRegistry,
    private readonly retention: RetentionPolicies,
    private readonly contactRights: PartnerContactRights,
  ) {}

  onModuleInit(): void {
    this.rights.registerExporter(this.contactRights);
    this.rights.registerEraser(this.contactRights);
    this.retention.register({
      id: 'partner-accounts.former-partner-contacts',
      activityId: PARTNER_ACCOUNTS.id,
      recordType: PARTNER_CONTACT_RECORD_TYPE,
      table: 'partner',
      idColumn: 'id',
      subjectColumn: 'subject_id',
      timestampColumn: 'deactivated_at',
      afterDays: PARTNER_CONTACT_RETENTION_DAYS,
      anonymise: ['contact_name', 'contact_email'],
    });
  }
}
