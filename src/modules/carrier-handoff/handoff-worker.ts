import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Discloser, DisclosureRefused, JobQueue, ProcessingRefused } from '@app/privacy';
import { DataSource, type EntityManager } from 'typeorm';
import { OrderReader, type OrderStatus } from '../orders/index.js';
import { backoffSeconds } from './backoff.js';
import {
  CarrierRejected,
  CarrierUnavailable,
  type CarrierAdapter,
  type CarrierShipment,
  type ParcelRecipient,
} from './carrier.port.js';
import { CarrierCircuits } from './carrier-circuits.js';
import { CARRIER_ALLOW_LIST, CARRIER_HANDOFF } from './carrier-handoff.declarations.js';
import { HANDOFF_SETTINGS, type HandoffSettings } from './carrier-handoff.settings.js';
import { CARRIER_SETUP, type CarrierSetup } from './carriers.js';
import { ParcelProgress, SHIPPABLE } from './parcel-progress.js';
import { parcelRecipient } from './parcel-recipient.js';
import { emitShipmentEvent } from './shipment-events.js';
import { ShipmentStore, type AttemptResult, type Claim } from './shipment-store.js';

/** One job per attempt to hand a shipment to its carrier: `{ shipmentId }`, ids only. */
export const HANDOFF_QUEUE = 'carrier-handoff.handoff';
/** Where pg-boss puts a handoff job whose handler kept failing unexpectedly (not a carrier's failure). */
export const HANDOFF_FAILED_QUEUE = 'carrier-handoff.handoff-failed';
/** Cancels at the carrier what an order that was refunded may have there. */
export const CANCEL_QUEUE = 'carrier-handoff.cancel';
/** Finds shipments whose job may have been lost (a killed worker) and enqueues them again. */
export const RECOVER_QUEUE = 'carrier-handoff.recover';

export interface HandoffJob {
  shipmentId: string;
}

export type HandoffOutcome =
  | 'created'
  | 'adopted'
  | 'retry-scheduled'
  | 'dead-lettered'
  | 'cancelled'
  | 'superseded'
  | 'nothing-to-do'
  | 'claimed-elsewhere';

/** The carrier refused to look the order number up: whether an earlier attempt created it is unknown. */
class LookupRefused extends Error {
  readonly httpStatus: number;

  constructor(cause: CarrierRejected) {
    super(
      `${cause.carrier} refused the lookup of the order number (HTTP ${cause.httpStatus}): check at the carrier ` +
        'whether an earlier attempt created the shipment, then retry (skipLookup when none exists)',
    );
    this.name = 'LookupRefused';
    this.httpStatus = cause.httpStatus;
  }
}

/** A queued or failed shipment whose next attempt is this much overdue is enqueued again by the recovery. */
const OVERDUE_GRACE_SECONDS = 300;

/**
 * Hands shipments to their carriers, one attempt per job. Crash safety, in order:
 * 1. claim: the shipment goes to `sending` (attempt n, a lease) and that is committed before any call;
 * 2. call: if an earlier attempt may have reached the carrier (n > 1: a crash, a timeout, a 5xx), look
 *    the shipment up by its reference (the order number) first and adopt it; else create it, through
 *    the Discloser (allow-list, consent, disclosure log) and the carrier's circuit breaker;
 * 3. commit: shipment `created` with the tracking number and label, the order to `handed_to_carrier`,
 *    the event for partners, in one transaction, fenced by the attempt number (a worker that lost its
 *    claim writes nothing).
 * A worker killed between 2 and 3 leaves the shipment `sending`; once the lease has run out the next
 * job (pg-boss's retry of the expired one, or the recovery's) finds it at the carrier in step 2.
 *
 * A carrier that is unavailable gets the attempt again after an exponential backoff (a new job with
 * `startAfter`, enqueued with the failure); after the configured attempts, or at once when the carrier
 * refuses the request or the registry refuses the disclosure, the shipment is dead-lettered for staff.
 * The handler throws only on the unexpected (the database), so a batch of jobs is not failed whole
 * because one carrier was down.
 */
@Injectable()
export class HandoffWorker {
  private readonly logger = new Logger('CarrierHandoff');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: ShipmentStore,
    private readonly orders: OrderReader,
    private readonly progress: ParcelProgress,
    private readonly discloser: Discloser,
    private readonly jobs: JobQueue,
    private readonly circuits: CarrierCircuits,
    @Inject(HANDOFF_SETTINGS) private readonly settings: HandoffSettings,
    @Inject(CARRIER_SETUP) private readonly carriers: CarrierSetup,
  ) {}

  /** Declares the queues and registers the workers (they run where JOBS_ENABLED). */
  async register(): Promise<void> {
    const { settings } = this;
    this.jobs.declareQueue(HANDOFF_FAILED_QUEUE, { retryLimit: 5, retryDelay: 60, retryBackoff: true });
    this.jobs.declareQueue(HANDOFF_QUEUE, {
      // Only for the unexpected: carrier failures are retried by the handler with its own backoff.
      retryLimit: 5,
      retryDelay: settings.backoff.baseSeconds,
      retryBackoff: true,
      retryDelayMax: settings.backoff.maxSeconds,
      // A job whose worker died is given back after this; the shipment's lease has run out by then.
      expireInSeconds: settings.leaseSeconds + 15,
      deadLetter: HANDOFF_FAILED_QUEUE,
    });
    this.jobs.declareQueue(CANCEL_QUEUE, {
      retryLimit: 10,
      retryDelay: 60,
      retryBackoff: true,
      retryDelayMax: 3600,
      expireInSeconds: settings.leaseSeconds + 15,
    });
    this.jobs.declareQueue(RECOVER_QUEUE, { retryLimit: 0, expireInSeconds: 120 });
    await this.jobs.work<HandoffJob>(HANDOFF_QUEUE, async (job) => void (await this.handle(job.shipmentId)), {
      batchSize: settings.batchSize,
      localConcurrency: settings.concurrency,
      pollingIntervalSeconds: settings.pollIntervalSeconds,
      burstWhenBatchFull: true,
    });
    await this.jobs.work<HandoffJob>(HANDOFF_FAILED_QUEUE, (job) =>
      this.deadLetterAfterJobFailures(job.shipmentId),
    );
    await this.jobs.work<HandoffJob>(CANCEL_QUEUE, (job) => this.cancelAtCarrier(job.shipmentId));
    await this.jobs.work(RECOVER_QUEUE, async () => {
      await this.recover();
    });
    await this.jobs.schedule(RECOVER_QUEUE, '* * * * *');
  }

  /** Enqueues a handoff attempt in the caller's transaction (the outbox), optionally after a delay. */
  async enqueue(manager: EntityManager, shipmentId: string, afterSeconds = 0): Promise<void> {
    await this.jobs.send(HANDOFF_QUEUE, { shipmentId } satisfies HandoffJob, {
      db: manager,
      ...(afterSeconds > 0 ? { startAfter: afterSeconds } : {}),
    });
  }

  async handle(shipmentId: string): Promise<HandoffOutcome> {
    const claim = await this.store.claim(shipmentId, this.settings.leaseSeconds);
    if (!claim) return this.nothingToClaim(shipmentId);
    try {
      return await this.attempt(claim);
    } catch (error) {
      // The unexpected (the database, a bug): the attempt counts as failed and is tried again later. If
      // even that cannot be written, the lease runs out and the recovery or pg-boss's retry takes over.
      this.logger.error(
        `shipment ${shipmentId}, attempt ${claim.attempt}: ${error instanceof Error ? error.name : 'error'} (${
          error instanceof Error ? error.message : String(error)
        })`,
      );
      await this.fail(claim, { outcome: 'error', error: 'internal error during the handoff' }, false);
      return 'retry-scheduled';
    }
  }

  private async attempt(claim: Claim): Promise<HandoffOutcome> {
    const { shipment } = claim;
    const [order] = await this.orders.views([shipment.order_id]);
    if (!order) {
      return this.cancel(claim, 'the order is no longer available (erased or blocked): nothing was sent');
    }
    if (!SHIPPABLE.includes(order.status)) {
      return this.cancel(
        claim,
        `the order is ${order.status}, no longer to be shipped: nothing more is sent`,
      );
    }
    const adapter = this.carriers.adapters.get(shipment.carrier);
    if (!adapter) {
      return this.fail(claim, { outcome: 'rejected', error: `${shipment.carrier} is not configured` }, true);
    }
    // The consent-gated fields matter only where the order carries the consent (one lookup saved otherwise).
    const allowed = order.carrierNotificationConsent
      ? await this.discloser.allowedFields(CARRIER_HANDOFF.id, shipment.carrier, shipment.subject_id)
      : CARRIER_ALLOW_LIST;
    // The parcel's reference: the order number, `<number>-<n>` for its further parcels.
    const recipient = parcelRecipient(
      order,
      { weightGrams: shipment.weight_grams, reference: shipment.order_number },
      allowed,
    );

    let carrierShipment: CarrierShipment;
    let outcome: 'created' | 'adopted';
    try {
      // An earlier attempt may have created it (a crash, a timeout, a 5xx after the carrier acted).
      const found =
        claim.attempt > 1 && !shipment.skip_lookup_once
          ? await this.lookUp(adapter, claim, shipment.order_number)
          : null;
      if (found) {
        carrierShipment = found;
        outcome = 'adopted';
        await this.logAdoptedDisclosure(claim, recipient);
      } else {
        carrierShipment = await this.create(adapter, claim, recipient);
        outcome = 'created';
      }
    } catch (error) {
      return this.afterCallFailure(claim, error);
    }
    return this.succeed(claim, carrierShipment, outcome);
  }

  /**
   * The carrier's shipment under the order number, if any. A carrier that refuses the lookup (one that
   * offers none) cannot tell whether an earlier attempt created the shipment: staff must look, so the
   * refusal dead-letters it with that reason rather than risking a second shipment.
   */
  private async lookUp(
    adapter: CarrierAdapter,
    claim: Claim,
    reference: string,
  ): Promise<CarrierShipment | null> {
    try {
      return await this.circuits.execute(claim.shipment.carrier, () => adapter.findShipment(reference));
    } catch (error) {
      if (!(error instanceof CarrierRejected)) throw error;
      throw new LookupRefused(error);
    }
  }

  private create(
    adapter: CarrierAdapter,
    claim: Claim,
    recipient: ParcelRecipient,
  ): Promise<CarrierShipment> {
    return this.discloser.disclose({
      activityId: CARRIER_HANDOFF.id,
      recipientId: claim.shipment.carrier,
      subjectId: claim.shipment.subject_id,
      payload: recipient,
      send: (payload) => this.circuits.execute(claim.shipment.carrier, () => adapter.createShipment(payload)),
    });
  }

  private async succeed(
    claim: Claim,
    carrierShipment: CarrierShipment,
    outcome: 'created' | 'adopted',
  ): Promise<HandoffOutcome> {
    const { shipment } = claim;
    return this.dataSource.transaction(async (manager) => {
      const recorded = await this.store.recordCreated(manager, claim, carrierShipment, { outcome });
      if (!recorded) return 'superseded';
      const orderNow = await this.moveOrderToCarrier(
        manager,
        shipment.order_id,
        shipment.carrier,
        shipment.id,
      );
      if (orderNow === 'refunded' || orderNow === 'cancelled' || orderNow === 'gone') {
        // Refunded while the carrier was being called: take the shipment back at the carrier.
        await this.jobs.send(CANCEL_QUEUE, { shipmentId: shipment.id } satisfies HandoffJob, { db: manager });
      }
      await emitShipmentEvent(this.jobs, manager, { type: 'shipment.created', shipmentId: shipment.id });
      this.logger.log(
        `shipment ${shipment.id}: ${outcome} at ${shipment.carrier} (attempt ${claim.attempt})`,
      );
      return outcome;
    });
  }

  /**
   * The order moves with its parcels in the commit's transaction (ParcelProgress): partially shipped,
   * or handed to the carrier with its last parcel. An order that left the warehouse's statuses
   * meanwhile (staff handed it over by hand, or refunded it) is not moved: its status is answered for
   * the caller to act on.
   */
  private async moveOrderToCarrier(
    manager: EntityManager,
    orderId: string,
    carrier: string,
    shipmentId: string,
  ): Promise<OrderStatus | 'gone'> {
    return this.progress.advance(manager, orderId, `handed to ${carrier} (shipment ${shipmentId})`);
  }

  private async afterCallFailure(claim: Claim, error: unknown): Promise<HandoffOutcome> {
    if (error instanceof LookupRefused) {
      return this.fail(
        claim,
        { outcome: 'rejected', error: error.message, httpStatus: error.httpStatus },
        true,
      );
    }
    if (error instanceof CarrierUnavailable) {
      return this.fail(
        claim,
        { outcome: 'unavailable', error: error.message, httpStatus: error.httpStatus },
        false,
      );
    }
    if (error instanceof CarrierRejected) {
      return this.fail(
        claim,
        { outcome: 'rejected', error: error.message, httpStatus: error.httpStatus },
        true,
      );
    }
    if (error instanceof ProcessingRefused) {
      // E.g. the person restricted processing (Art. 18): staff decide, nothing is sent meanwhile.
      return this.fail(claim, { outcome: 'refused', error: `processing refused: ${error.reason}` }, true);
    }
    if (error instanceof DisclosureRefused) {
      // A payload beyond the allow-list is a defect, never retried: fail closed, names of fields only.
      return this.fail(
        claim,
        {
          outcome: 'refused',
          error: `disclosure refused, fields outside the allow-list: ${error.fields.join(', ')}`,
        },
        true,
      );
    }
    throw error;
  }

  /** A failed attempt: again after the backoff, or dead-lettered (refused, or out of attempts). */
  private async fail(claim: Claim, result: AttemptResult, refused: boolean): Promise<HandoffOutcome> {
    const deadLetter = refused || claim.attempt >= claim.shipment.attempt_limit;
    const afterSeconds = backoffSeconds(claim.attempt, this.settings.backoff);
    return this.dataSource.transaction(async (manager) => {
      const recorded = await this.store.recordFailure(
        manager,
        claim,
        result,
        deadLetter ? { deadLetter: true } : { deadLetter: false, afterSeconds },
      );
      if (!recorded) return 'superseded';
      const where = `shipment ${claim.shipment.id}, attempt ${claim.attempt}/${claim.shipment.attempt_limit}`;
      if (deadLetter) {
        this.logger.warn(`${where}: dead-lettered (${result.error ?? result.outcome})`);
        return 'dead-lettered';
      }
      await this.enqueue(manager, claim.shipment.id, afterSeconds);
      this.logger.warn(`${where}: ${result.error ?? result.outcome}; next attempt in ${afterSeconds} s`);
      return 'retry-scheduled';
    });
  }

  private async cancel(claim: Claim, reason: string): Promise<HandoffOutcome> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.store.recordCancelled(manager, claim, reason))) return 'superseded';
      // An earlier attempt whose outcome is unknown may have created it: take it back at the carrier.
      if (claim.attempt > 1) {
        await this.jobs.send(CANCEL_QUEUE, { shipmentId: claim.shipment.id } satisfies HandoffJob, {
          db: manager,
        });
      }
      this.logger.log(`shipment ${claim.shipment.id}: cancelled (${reason})`);
      return 'cancelled';
    });
  }

  /** Nothing to claim: done already, blocked, or another worker holds a live claim (look again after it). */
  private async nothingToClaim(shipmentId: string): Promise<HandoffOutcome> {
    const shipment = await this.store.get(shipmentId);
    if (shipment?.status !== 'sending' || !shipment.sending_since) return 'nothing-to-do';
    const leaseEnds = shipment.sending_since.getTime() + this.settings.leaseSeconds * 1000;
    const afterSeconds = Math.max(1, Math.ceil((leaseEnds - Date.now()) / 1000));
    await this.jobs.send(HANDOFF_QUEUE, { shipmentId } satisfies HandoffJob, { startAfter: afterSeconds });
    return 'claimed-elsewhere';
  }

  /**
   * The disclosure of an adopted shipment happened in the attempt that created it; if that worker died
   * before the Discloser could log it, it is logged now, so the log names every recipient (Art. 15(1)(c)).
   */
  private async logAdoptedDisclosure(claim: Claim, recipient: ParcelRecipient): Promise<void> {
    const { shipment } = claim;
    const logged = (await this.discloser.disclosuresAbout(shipment.subject_id)).some(
      (d) =>
        d.recipientId === shipment.carrier &&
        d.activityId === CARRIER_HANDOFF.id &&
        d.occurredAt.getTime() >= shipment.created_at.getTime(),
    );
    if (logged) return;
    try {
      await this.discloser.project({
        activityId: CARRIER_HANDOFF.id,
        recipientId: shipment.carrier,
        subjectId: shipment.subject_id,
        payload: recipient,
      });
    } catch (error) {
      this.logger.warn(
        `shipment ${shipment.id}: the disclosure of the adopted shipment could not be logged (${
          error instanceof Error ? error.name : 'error'
        })`,
      );
    }
  }

  /** pg-boss gave up on a handoff job (repeated unexpected failures): staff must look. */
  private async deadLetterAfterJobFailures(shipmentId: string): Promise<void> {
    await this.dataSource.query(
      `update shipment
          set status = 'dead_letter', sending_since = null, next_attempt_at = null, dead_lettered_at = now(),
              last_error = 'the handoff job failed repeatedly (internal error); see the application log', updated_at = now()
        where id = $1 and status in ('queued', 'sending', 'failed')`,
      [shipmentId],
    );
    this.logger.error(`shipment ${shipmentId}: dead-lettered after repeated job failures`);
  }

  /** Cancels at the carrier a shipment of an order that was refunded (if the parcel has not left yet). */
  async cancelAtCarrier(shipmentId: string): Promise<void> {
    const shipment = await this.store.get(shipmentId);
    if (!shipment || shipment.status === 'picked_up' || shipment.status === 'delivered') return;
    const adapter = this.carriers.adapters.get(shipment.carrier);
    if (!adapter) return;
    const reference =
      shipment.carrier_reference ??
      (await this.circuits.execute(shipment.carrier, () => adapter.findShipment(shipment.order_number)))
        ?.carrierReference;
    if (reference) {
      await this.circuits.execute(shipment.carrier, () =>
        adapter.cancelShipment(reference, shipment.order_number),
      );
    }
    await this.dataSource.query(
      `update shipment
          set status = 'cancelled', sending_since = null, next_attempt_at = null, updated_at = now(),
              last_error = $2
        where id = $1 and status not in ('sending', 'picked_up', 'delivered')`,
      [shipmentId, reference ? 'cancelled at the carrier: the order was refunded' : 'the order was refunded'],
    );
    this.logger.log(
      `shipment ${shipmentId}: ${reference ? 'cancelled at the carrier' : 'nothing to cancel at the carrier'}`,
    );
  }

  /** Enqueues every shipment whose job may have been lost; runs every minute and when workers start. */
  async recover(): Promise<number> {
    const overdue = await this.store.overdue(this.settings.leaseSeconds, OVERDUE_GRACE_SECONDS, 500);
    for (const { id, due_in } of overdue) {
      await this.jobs.send(
        HANDOFF_QUEUE,
        { shipmentId: id } satisfies HandoffJob,
        due_in > 0 ? { startAfter: due_in } : {},
      );
    }
    if (overdue.length > 0) this.logger.warn(`recovery: ${overdue.length} shipment(s) enqueued again`);
    return overdue.length;
  }
}
