import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JobQueue, PrivacyRegistryService } from '@app/privacy';
import { DataSource, type EntityManager } from 'typeorm';
import { conflict, notFound, ValidationProblem } from '../../common/problem/problem.js';
import { OrderReader, type OrderStatus, type OrderTransition } from '../orders/index.js';
import { carried, ParcelProgress } from './parcel-progress.js';
import { CARRIER_HANDOFF } from './carrier-handoff.declarations.js';
import {
  implausibleTime,
  notDeadLettered,
  partnerNotEligible,
  shipmentBeingSent,
  shipmentNotFound,
  statusConflict,
} from './carrier-handoff.problems.js';
import { HANDOFF_SETTINGS, type HandoffSettings } from './carrier-handoff.settings.js';
import { CANCEL_QUEUE, HandoffWorker, type HandoffJob } from './handoff-worker.js';
import type { ShipmentStatus } from './shipment.entity.js';
import { emitShipmentEvent } from './shipment-events.js';
import {
  SHIPMENT_COLUMNS,
  SHIPMENT_READABLE,
  ShipmentStore,
  type ParcelLine,
  type ShipmentRow,
} from './shipment-store.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The order statuses staff pack parcels of some lines in. */
const PARCEL_STATUSES: readonly OrderStatus[] = ['picking', 'partially_shipped'];

/** What a partner may report about a shipment assigned to it. */
export type PartnerReport = 'picked_up' | 'delivered';

/** Statuses in which the carrier API has not (yet) taken the shipment: a partner report means it took it over. */
const NOT_HANDED_OVER: readonly ShipmentStatus[] = ['queued', 'failed', 'dead_letter'];

/** How far in the future a partner's event time may lie (clocks differ a little). */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Every change of a shipment other than the handoff attempts themselves: its creation when an order is
 * packed and its cancellation when it is refunded (hooks of the order state machine, in the move's
 * transaction), a staff retry of a dead letter, the assignment to a partner, and what a partner reports
 * (acknowledgement, picked up, delivered), which moves the order on. Each change that partners may
 * want to hear of emits its event in the same transaction.
 */
@Injectable()
export class ShipmentLifecycle {
  private readonly logger = new Logger('CarrierHandoff');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: ShipmentStore,
    private readonly worker: HandoffWorker,
    private readonly orders: OrderReader,
    private readonly progress: ParcelProgress,
    private readonly jobs: JobQueue,
    private readonly registry: PrivacyRegistryService,
    @Inject(HANDOFF_SETTINGS) private readonly settings: HandoffSettings,
  ) {}

  /**
   * Hook on `packed`: a parcel of what no parcel carries yet (the whole order, unless staff made
   * parcels of some lines before) and its first handoff job, in the packing transaction (outbox).
   */
  async onPacked(transition: OrderTransition): Promise<void> {
    const { manager, orderId } = transition;
    await this.store.lockOrder(manager, orderId);
    const [order] = await this.orders.views([orderId], manager);
    if (!order) throw new Error(`order ${orderId} vanished while it was packed`);
    const items = order.items.map((i) => ({ lineNo: i.lineNo, quantity: i.quantity }));
    const pieces = carried(await this.store.parcelsOf(manager, orderId), items);
    const rest = items
      .map((i) => ({ lineNo: i.lineNo, quantity: i.quantity - (pieces.get(i.lineNo) ?? 0) }))
      .filter((l) => l.quantity > 0);
    const shipment = await this.store.createParcel(manager, {
      orderId,
      carrier: this.settings.selection.carrierFor(order.deliveryAddress.country),
      weightGrams: this.settings.parcelWeightGrams,
      attemptLimit: this.settings.maxAttempts,
      lines: rest,
    });
    if (shipment) await this.worker.enqueue(manager, shipment.id);
  }

  /**
   * Staff pack a parcel of some lines (pieces) of an order being picked or partially shipped: the
   * parcel and its handoff job in one transaction (outbox). The order moves when the carrier has it:
   * `partially_shipped` while lines are left, `handed_to_carrier` with the last. 400 naming
   * lines[i].lineNo / .quantity for a line not in the order or more pieces than are left to pack.
   */
  async packParcel(orderId: string, lines: ParcelLine[]): Promise<ShipmentRow & { lines: ParcelLine[] }> {
    if (!UUID.test(orderId)) throw notFound('The order');
    return this.dataSource.transaction(async (manager) => {
      await this.store.lockOrder(manager, orderId);
      const [order] = await this.orders.views([orderId], manager);
      if (!order) throw notFound('The order');
      if (!PARCEL_STATUSES.includes(order.status))
        throw conflict(
          'parcel-not-open',
          `Order ${order.number} is ${order.status}: parcels are packed while it is picking or partially shipped.`,
          { orderStatus: order.status },
        );
      const items = order.items.map((i) => ({ lineNo: i.lineNo, quantity: i.quantity }));
      const pieces = carried(await this.store.parcelsOf(manager, orderId), items);
      const errors: { field: string; reason: string }[] = [];
      lines.forEach((line, i) => {
        const item = items.find((it) => it.lineNo === line.lineNo);
        const left = item ? item.quantity - (pieces.get(item.lineNo) ?? 0) : 0;
        if (!item) errors.push({ field: `lines[${i}].lineNo`, reason: 'is not a line of this order' });
        else if (lines.findIndex((l) => l.lineNo === line.lineNo) !== i)
          errors.push({ field: `lines[${i}].lineNo`, reason: 'appears twice' });
        else if (line.quantity > left)
          errors.push({
            field: `lines[${i}].quantity`,
            reason: `is more than the ${left} left to pack of this line`,
          });
      });
      if (errors.length > 0) throw new ValidationProblem(errors);
      const created = await this.store.createParcel(manager, {
        orderId,
        carrier: this.settings.selection.carrierFor(order.deliveryAddress.country),
        weightGrams: this.settings.parcelWeightGrams,
        attemptLimit: this.settings.maxAttempts,
        lines,
      });
      if (!created) throw new ValidationProblem([{ field: 'lines', reason: 'must name at least one line' }]);
      await this.worker.enqueue(manager, created.id);
      const shipment = await this.store.lock(manager, created.id);
      if (!shipment) throw new Error(`parcel ${created.id} vanished`);
      return { ...shipment, lines };
    });
  }

  /**
   * Hook on `refunded`: a shipment not handed over yet is cancelled and nothing more is sent; if an
   * earlier attempt may have reached the carrier, the cancellation job takes it back there.
   */
  async onRefunded(transition: OrderTransition): Promise<void> {
    const rows: { id: string; attempts: number }[] = await transition.manager.query(
      `with cancelled as (
         update shipment set status = 'cancelled', next_attempt_at = null, updated_at = now(),
                last_error = 'the order was refunded before the handoff'
          where order_id = $1 and status in ('queued', 'failed', 'dead_letter')
          returning id, attempts
       )
       select id, attempts from cancelled`,
      [transition.orderId],
    );
    for (const row of rows.filter((r) => r.attempts > 0)) {
      await this.jobs.send(CANCEL_QUEUE, { shipmentId: row.id } satisfies HandoffJob, {
        db: transition.manager,
      });
    }
  }

  /**
   * Staff retry of a dead-lettered shipment: back to the queue with as many attempts again. With
   * `skipLookup` (staff checked at the carrier that nothing was created) the next attempt creates
   * without looking the reference up first.
   */
  async retry(shipmentId: string, skipLookup = false): Promise<ShipmentRow> {
    return this.dataSource.transaction(async (manager) => {
      const shipment = await this.store.lock(manager, shipmentId);
      if (!shipment) throw shipmentNotFound();
      if (shipment.status !== 'dead_letter') throw notDeadLettered(shipment.status);
      const requeued = await this.store.requeue(manager, shipmentId, this.settings.maxAttempts, skipLookup);
      if (!requeued) throw notDeadLettered(shipment.status);
      await this.worker.enqueue(manager, shipmentId);
      this.logger.log(`shipment ${shipmentId}: retried by staff${skipLookup ? ' (without lookup)' : ''}`);
      return requeued;
    });
  }

  /**
   * Assigns the shipment to a partner (or none), who then sees it in the partner API. The partner must
   * be active and its recipient must have an allow-list in the registry for carrier handoff: what it
   * would receive is decided there, not here.
   */
  async assign(shipmentId: string, partnerId: string | null): Promise<ShipmentRow> {
    return this.dataSource.transaction(async (manager) => {
      if (partnerId) await this.assertEligible(manager, partnerId);
      const shipment = await this.store.lock(manager, shipmentId);
      if (!shipment) throw shipmentNotFound();
      await manager.query('update shipment set partner_id = $2, updated_at = now() where id = $1', [
        shipmentId,
        partnerId,
      ]);
      if (partnerId && partnerId !== shipment.partner_id) {
        await emitShipmentEvent(this.jobs, manager, { type: 'shipment.assigned', shipmentId });
      }
      return { ...shipment, partner_id: partnerId };
    });
  }

  /**
   * The partner confirms it has the shipment. One not yet handed over through the carrier API is then
   * handed over by this very pull: `created`, the order `handed_to_carrier`; the queued handoff job
   * finds nothing left to do. Repeating it changes nothing.
   */
  async acknowledge(partnerId: string, shipmentId: string): Promise<ShipmentRow> {
    return this.dataSource.transaction(async (manager) => {
      const shipment = await this.lockForPartner(manager, partnerId, shipmentId);
      this.assertNotInFlight(shipment);
      if (shipment.status === 'cancelled') throw statusConflict(shipment.status, 'acknowledged');
      const takeover = NOT_HANDED_OVER.includes(shipment.status);
      const rows: ShipmentRow[] = await manager.query(
        `with changed as (
           update shipment s
              set acknowledged_at = coalesce(s.acknowledged_at, now()),
                  status = case when $2 then 'created' else s.status end,
                  handed_over_at = case when $2 then now() else s.handed_over_at end,
                  handed_over_by = case when $2 then 'partner' else s.handed_over_by end,
                  next_attempt_at = case when $2 then null else s.next_attempt_at end,
                  dead_lettered_at = case when $2 then null else s.dead_lettered_at end,
                  last_error = case when $2 then null else s.last_error end,
                  updated_at = now()
            where s.id = $1
            returning s.*
         )
         select ${SHIPMENT_COLUMNS} from changed s`,
        [shipmentId, takeover],
      );
      if (takeover) {
        await this.progress.advance(manager, shipment.order_id, 'handed over to the partner');
        await emitShipmentEvent(this.jobs, manager, {
          type: 'shipment.created',
          shipmentId,
          causedByPartnerId: partnerId,
        });
      }
      return rows[0];
    });
  }

  /**
   * The partner reports the parcel picked up or delivered (at `at`, now by default), which moves the
   * order on. Delivery starts the countdown after which partners receive no personal data of it.
   * Reporting the same status again changes nothing; going back (delivered → picked up) is a 409.
   */
  async report(partnerId: string, shipmentId: string, to: PartnerReport, at?: Date): Promise<ShipmentRow> {
    return this.dataSource.transaction(async (manager) => {
      const shipment = await this.lockForPartner(manager, partnerId, shipmentId);
      if (shipment.status === to) return shipment;
      this.assertNotInFlight(shipment);
      const allowedFrom: readonly ShipmentStatus[] =
        to === 'picked_up' ? [...NOT_HANDED_OVER, 'created'] : [...NOT_HANDED_OVER, 'created', 'picked_up'];
      if (!allowedFrom.includes(shipment.status)) throw statusConflict(shipment.status, to);
      const when = at ?? new Date();
      if (when.getTime() > Date.now() + CLOCK_SKEW_MS) throw implausibleTime('must not lie in the future');
      if (when.getTime() < shipment.created_at.getTime()) {
        throw implausibleTime('must not lie before the shipment was created');
      }
      const rows: ShipmentRow[] = await manager.query(
        `with changed as (
           update shipment s
              set status = $2,
                  handed_over_at = coalesce(s.handed_over_at, $3),
                  handed_over_by = coalesce(s.handed_over_by, 'partner'),
                  picked_up_at = case when $2 = 'picked_up' then $3 else s.picked_up_at end,
                  delivered_at = case when $2 = 'delivered' then $3 else s.delivered_at end,
                  personal_data_until = case when $2 = 'delivered'
                                             then $3::timestamptz + make_interval(days => $4)
                                             else s.personal_data_until end,
                  next_attempt_at = null, dead_lettered_at = null,
                  last_error = case when s.status in ('queued', 'failed', 'dead_letter') then null else s.last_error end,
                  updated_at = now()
            where s.id = $1
            returning s.*
         )
         select ${SHIPMENT_COLUMNS} from changed s`,
        [shipmentId, to, when, this.settings.partnerPersonalDataDays],
      );
      await this.progress.advance(manager, shipment.order_id, 'reported by the partner');
      await emitShipmentEvent(this.jobs, manager, {
        type: to === 'delivered' ? 'shipment.delivered' : 'shipment.picked_up',
        shipmentId,
        causedByPartnerId: partnerId,
      });
      return rows[0];
    });
  }

  /** The shipment of this partner, locked; another partner's answers 404 like one that does not exist. */
  private async lockForPartner(
    manager: EntityManager,
    partnerId: string,
    shipmentId: string,
  ): Promise<ShipmentRow> {
    const rows: ShipmentRow[] = await manager.query(
      `select ${SHIPMENT_COLUMNS} from shipment s
        where s.id = $1 and s.partner_id = $2 and ${SHIPMENT_READABLE}
        for update of s`,
      [shipmentId, partnerId],
    );
    if (!rows[0]) throw shipmentNotFound();
    return rows[0];
  }

  /** While a carrier call for it is under way, its outcome decides first. */
  private assertNotInFlight(shipment: ShipmentRow): void {
    if (shipment.status === 'sending') throw shipmentBeingSent(Math.min(this.settings.leaseSeconds, 30));
  }

  private async assertEligible(manager: EntityManager, partnerId: string): Promise<void> {
    const rows: { recipient_id: string; active: boolean }[] = await manager.query(
      'select recipient_id, active from partner where id = $1',
      [partnerId],
    );
    const partner = rows[0];
    if (!partner) throw partnerNotEligible('must name an existing partner');
    if (!partner.active) throw partnerNotEligible('names a deactivated partner');
    const declared = this.registry.registry
      .activity(CARRIER_HANDOFF.id)
      .disclosures.some((d) => d.recipient === partner.recipient_id);
    if (!declared) {
      throw partnerNotEligible(
        `names a partner whose recipient (${partner.recipient_id}) has no allow-list for carrier handoff in the registry`,
      );
    }
  }
}
