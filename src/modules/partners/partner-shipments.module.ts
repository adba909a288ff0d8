import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RetentionPolicies } from '@app/privacy';
import { AppConfig } from '../../config/app-config.js';
import { CarrierHandoffModule, CARRIER_HANDOFF } from '../carrier-handoff/index.js';
import { OrdersModule } from '../orders/index.js';
import { PartnersModule } from './partners.module.js';
import { PartnerShipmentViews } from './shipments/partner-shipment-views.js';
import { PartnerShipmentsController } from './shipments/partner-shipments.controller.js';
import { PartnerShipments } from './shipments/partner-shipments.service.js';
import { PartnerWebhooksAdminController } from './webhooks/partner-webhooks-admin.controller.js';
import { PartnerWebhooks } from './webhooks/partner-webhooks.service.js';
import { PartnerWebhook, WebhookDelivery } from './webhooks/webhook.entities.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { WebhookSecretCipher } from './webhooks/webhook-secrets.js';

/**
 * The partner API over shipments: pull (`GET /api/v1/partner/shipments`, acknowledgements and status
 * reports) and push (signed webhooks with a delivery log). Its own module, next to PartnersModule, so
 * that partner accounts do not depend on carrier handoff; the processing is carrier handoff's
 * (`carrier-handoff`, declared there), and so are the allow-lists partners receive through.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([PartnerWebhook, WebhookDelivery]),
    PartnersModule,
    OrdersModule,
    CarrierHandoffModule,
  ],
  controllers: [PartnerShipmentsController, PartnerWebhooksAdminController],
  providers: [
    PartnerShipmentViews,
    PartnerShipments,
    PartnerWebhooks,
    WebhookSecretCipher,
    WebhookDispatcher,
  ],
})
export class PartnerShipmentsModule implements OnModuleInit {
  constructor(
    private readonly dispatcher: WebhookDispatcher,
    private readonly retention: RetentionPolicies,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    // The delivery log holds ids and statuses only; kept for the configured days to answer "did you send it?".
    this.retention.register({
      id: 'partner-webhooks.delivery-log',
      activityId: CARRIER_HANDOFF.id,
      recordType: 'webhook_delivery',
      table: 'webhook_delivery',
      idColumn: 'id',
      timestampColumn: 'created_at',
      afterDays: this.config.PARTNER_WEBHOOK_LOG_RETENTION_DAYS,
    });
    await this.dispatcher.register();
  }
}
