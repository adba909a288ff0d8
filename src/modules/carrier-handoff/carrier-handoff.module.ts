import {
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobQueue, PrivacyModule, RetentionPolicies, RightsRegistry } from '@app/privacy';
import { AppConfig } from '../../config/app-config.js';
import {
  ORDER_NOTICES,
  OrderNoticeHooks,
  OrderParcels,
  OrdersModule,
  trackingLink,
  OrderTransitionHooks,
  type OrderTransition,
} from '../orders/index.js';
import { CarrierCircuits } from './carrier-circuits.js';
import { CARRIER_HANDOFF, HANDOFF_CATEGORIES } from './carrier-handoff.declarations.js';
import { LOGISTICS_PARTNER } from './carrier-handoff.recipients.js';
import { CarrierPrivacyNotices } from './carrier-privacy-notices.js';
import { CarrierHandoffRights } from './carrier-handoff.rights.js';
import { HANDOFF_SETTINGS, handoffSettings, type HandoffSettings } from './carrier-handoff.settings.js';
import { CARRIER_SETUP, createCarrierSetup, type CarrierSetup } from './carriers.js';
import { HandoffWorker, RECOVER_QUEUE } from './handoff-worker.js';
import { Shipment, ShipmentAttempt } from './shipment.entity.js';
import { ShipmentLifecycle } from './shipment-lifecycle.js';
import { ShipmentQueries } from './shipment-queries.js';
import { SHIPMENT_RECORD, ShipmentStore } from './shipment-store.js';
import { ParcelProgress } from './parcel-progress.js';
import { ParcelsAdminController } from './parcels-admin.controller.js';
import { ShipmentsAdminController } from './shipments-admin.controller.js';

/**
 * Carrier handoff (`carrier-handoff`, Art. 6(1)(b)): packing an order creates its shipment and enqueues
 * its handoff in the same transaction; workers hand it to DHL, Hermes or dpd through the Discloser,
 * with backoff, a circuit breaker per carrier and a dead-letter state for staff. See README.md.
 *
 * For other modules: ShipmentLifecycle (partner acknowledgements and status reports, assignment),
 * ShipmentQueries (shipments of orders, for order views), ShipmentStore, HANDOFF_SETTINGS.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Shipment, ShipmentAttempt]),
    PrivacyModule.forFeature({ activities: [CARRIER_HANDOFF], recipients: [LOGISTICS_PARTNER] }),
    OrdersModule,
  ],
  controllers: [ShipmentsAdminController, ParcelsAdminController],
  providers: [
    { provide: HANDOFF_SETTINGS, inject: [AppConfig], useFactory: handoffSettings },
    { provide: CARRIER_SETUP, inject: [AppConfig], useFactory: createCarrierSetup },
    {
      provide: CarrierCircuits,
      inject: [HANDOFF_SETTINGS],
      useFactory: (settings: HandoffSettings) => new CarrierCircuits(settings.circuit),
    },
    ShipmentStore,
    ParcelProgress,
    HandoffWorker,
    ShipmentLifecycle,
    ShipmentQueries,
    CarrierHandoffRights,
    CarrierPrivacyNotices,
  ],
  exports: [ShipmentLifecycle, ShipmentQueries, ShipmentStore, HANDOFF_SETTINGS],
})
export class CarrierHandoffModule implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly privacyNotices: CarrierPrivacyNotices,
    private readonly rights: RightsRegistry,
    private readonly retention: RetentionPolicies,
    private readonly hooks: OrderTransitionHooks,
    private readonly orderNotices: OrderNoticeHooks,
    private readonly orderParcels: OrderParcels,
    private readonly shipmentQueries: ShipmentQueries,
    private readonly jobs: JobQueue,
    private readonly worker: HandoffWorker,
    private readonly lifecycle: ShipmentLifecycle,
    private readonly handoffRights: CarrierHandoffRights,
    @Inject(HANDOFF_SETTINGS) private readonly settings: HandoffSettings,
    @Inject(CARRIER_SETUP) private readonly carriers: CarrierSetup,
  ) {}

  async onModuleInit(): Promise<void> {
    this.rights.registerExporter(this.handoffRights);
    this.rights.registerEraser(this.handoffRights);
    this.rights.registerRecipientNotifier(this.privacyNotices);
    this.retention.register({
      id: 'carrier-handoff.labels',
      activityId: CARRIER_HANDOFF.id,
      category: HANDOFF_CATEGORIES.label.id,
      recordType: SHIPMENT_RECORD,
      table: 'shipment',
      idColumn: 'id',
      subjectColumn: 'subject_id',
      timestampColumn: 'handed_over_at',
      afterDays: this.settings.labelRetentionDays,
      anonymise: ['label', 'label_format'],
    });
    this.hooks.on('packed', (transition) => this.lifecycle.onPacked(transition));
    this.hooks.on('refunded', (transition) => this.lifecycle.onRefunded(transition));
    this.hooks.on('handed_to_carrier', (transition) => this.notifyShipped(transition));
    // Each parcel before the last is shipped with its own tracking: its own email.
    this.hooks.on('partially_shipped', (transition) => this.notifyShipped(transition));
    // The buyer's order history shows each parcel with the carrier's public tracking link.
    this.orderParcels.register(async (orderIds) => {
      const shipments = await this.shipmentQueries.forOrders(orderIds);
      return new Map(
        [...shipments].map(([orderId, list]) => [
          orderId,
          list
            .filter((s) => s.status !== 'cancelled')
            .map((s) => ({
              carrier: s.carrier,
              status: s.status,
              trackingNumber: s.trackingNumber,
              trackingUrl: s.trackingNumber ? trackingLink(s.carrier, s.trackingNumber) : null,
            })),
        ]),
      );
    });
    await this.worker.register();
  }

  /**
   * The buyer's shipping email, in the transaction that hands the order over: the newest shipment of
   * the order with a tracking number gives the carrier and the number (ids only travel in the job).
   */
  private async notifyShipped(transition: OrderTransition): Promise<void> {
    const rows: { carrier: string; tracking_number: string | null }[] = await transition.manager.query(
      `select carrier, tracking_number from shipment
        where order_id = $1 and status <> 'cancelled'
        order by (tracking_number is not null) desc, handed_over_at desc nulls last, created_at desc limit 1`,
      [transition.orderId],
    );
    const shipment = rows[0];
    await this.orderNotices.notify(transition, ORDER_NOTICES.shipped, {
      carrier: shipment?.carrier ?? 'unknown',
      ...(shipment?.tracking_number ? { trackingNumber: shipment.tracking_number } : {}),
    });
  }

  /** Where workers run, look at once for shipments a worker killed before this start left behind. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.jobs.runsWorkers) await this.jobs.send(RECOVER_QUEUE, {});
  }

  async onApplicationShutdown(): Promise<void> {
    await this.carriers.close();
  }
}
