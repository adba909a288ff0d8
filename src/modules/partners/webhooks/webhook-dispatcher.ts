import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Discloser, DisclosureRefused, JobQueue, ProcessingRefused } from '@app/privacy';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../../config/app-config.js';
import {
  CARRIER_HANDOFF,
  parcelOnly,
  SHIPMENT_EVENTS_QUEUE,
  type ShipmentEvent,
  ShipmentQueries,
  type ShipmentRow,
} from '../../carrier-handoff/index.js';
import { PartnerShipmentViews, type DisclosurePlan } from '../shipments/partner-shipment-views.js';
import { signedHeaders } from './webhook-signature.js';
import { WebhookSecretCipher } from './webhook-secrets.js';

/** One job per delivery of one event to one webhook: `{ deliveryId }`. */
export const WEBHOOK_DELIVERY_QUEUE = 'partner-webhooks.deliver';
/** Where pg-boss puts a delivery job it gave up on (e.g. its worker kept dying): logged as failed. */
export const WEBHOOK_DELIVERY_FAILED_QUEUE = 'partner-webhooks.deliver-failed';

interface DeliveryJob {
  deliveryId: string;
}

/** Events that tell the partner about the shipment itself carry its recipient; status events do not. */
const WITH_RECIPIENT: readonly string[] = ['shipment.created', 'shipment.assigned'];

/** A partner endpoint that did not answer 2xx; retried with backoff by pg-boss. */
class DeliveryFailed extends Error {
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'DeliveryFailed';
  }
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  partner_id: string;
  shipment_id: string | null;
  event_type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  created_at: Date;
  url: string;
  active: boolean;
  secret_ciphertext: Buffer;
  secret_nonce: Buffer;
  secret_tag: Buffer;
  recipient_id: string;
  partner_active: boolean;
}

/**
 * Pushes shipment events to the partners that registered webhooks, through the outbox: carrier handoff
 * emits each event as a job in the transaction of the change; the fan-out writes one delivery per
 * subscribed webhook of the shipment's partner and enqueues its job in one transaction; each delivery
 * is signed (HMAC-SHA256 over timestamp and body), sent through the Discloser (the partner's allow-list,
 * the disclosure log) and retried by pg-boss with exponential backoff until it is answered 2xx or its
 * attempts run out, when the delivery log marks it failed.
 */
@Injectable()
export class WebhookDispatcher {
  private readonly logger = new Logger('PartnerWebhooks');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly discloser: Discloser,
    private readonly views: PartnerShipmentViews,
    private readonly shipments: ShipmentQueries,
    private readonly cipher: WebhookSecretCipher,
    private readonly config: AppConfig,
  ) {}

  async register(): Promise<void> {
    this.jobs.declareQueue(SHIPMENT_EVENTS_QUEUE, {
      retryLimit: 10,
      retryDelay: 30,
      retryBackoff: true,
      retryDelayMax: 3600,
      expireInSeconds: 120,
    });
    this.jobs.declareQueue(WEBHOOK_DELIVERY_FAILED_QUEUE, {
      retryLimit: 5,
      retryDelay: 60,
      retryBackoff: true,
    });
    this.jobs.declareQueue(WEBHOOK_DELIVERY_QUEUE, {
      retryLimit: Math.max(0, this.config.PARTNER_WEBHOOK_MAX_ATTEMPTS - 1),
      retryDelay: this.config.PARTNER_WEBHOOK_RETRY_DELAY_SECONDS,
      retryBackoff: true,
      retryDelayMax: 3600,
      expireInSeconds: Math.ceil(this.config.PARTNER_WEBHOOK_TIMEOUT_MS / 1000) + 60,
      deadLetter: WEBHOOK_DELIVERY_FAILED_QUEUE,
    });
    // Fan-out only writes rows (it throws on a database error only): batches are safe.
    await this.jobs.work<ShipmentEvent>(
      SHIPMENT_EVENTS_QUEUE,
      async (event) => {
        await this.fanOut(event);
      },
      {
        batchSize: 20,
        burstWhenBatchFull: true,
        pollingIntervalSeconds: 1,
      },
    );
    // One delivery per fetch: a failing endpoint is retried on its own, not with a batch.
    await this.jobs.work<DeliveryJob>(WEBHOOK_DELIVERY_QUEUE, (job) => this.deliver(job.deliveryId), {
      localConcurrency: 4,
      pollingIntervalSeconds: 1,
    });
    await this.jobs.work<DeliveryJob>(WEBHOOK_DELIVERY_FAILED_QUEUE, async (job) => {
      await this.dataSource.query(
        `update webhook_delivery set status = 'failed', last_error = coalesce(last_error, 'gave up: the delivery job kept failing')
          where id = $1 and status = 'pending'`,
        [job.deliveryId],
      );
    });
  }

  /** One delivery per active webhook of the shipment's partner subscribed to the event (not to its own report). */
  async fanOut(event: ShipmentEvent): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const partnerId = await this.shipments.partnerOf(event.shipmentId, manager);
      if (partnerId === null || partnerId === event.causedByPartnerId) return 0;
      const rows: { id: string }[] = await manager.query(
        `insert into webhook_delivery (webhook_id, partner_id, shipment_id, event_id, event_type)
         select w.id, w.partner_id, $1::uuid, $2::uuid, $3
           from partner_webhook w
           join partner p on p.id = w.partner_id
          where w.partner_id = $4 and w.active and p.active and $3 = any(w.events)
         on conflict (webhook_id, event_id) do nothing
         returning id`,
        [event.shipmentId, event.eventId, event.type, partnerId],
      );
      for (const row of rows) {
        await this.jobs.send(WEBHOOK_DELIVERY_QUEUE, { deliveryId: row.id } satisfies DeliveryJob, {
          db: manager,
        });
      }
      return rows.length;
    });
  }

  async deliver(deliveryId: string): Promise<void> {
    const delivery = await this.claimAttempt(deliveryId);
    if (!delivery) return;
    if (!delivery.active || !delivery.partner_active) {
      return this.finish(delivery, 'failed', null, 'the webhook or its partner was deactivated');
    }
    const shipment = delivery.shipment_id ? await this.shipment(delivery.shipment_id) : null;
    if (!shipment) return this.finish(delivery, 'failed', null, 'the shipment is no longer available');

    const [planned] = await this.views.plan([shipment], delivery.recipient_id);
    const plan: DisclosurePlan = WITH_RECIPIENT.includes(delivery.event_type)
      ? planned
      : {
          ...planned,
          payload: parcelOnly(shipment.order_number, shipment.weight_grams),
          withheld: undefined,
        };
    const secret = await this.cipher.open(delivery.webhook_id, {
      ciphertext: delivery.secret_ciphertext,
      nonce: delivery.secret_nonce,
      tag: delivery.secret_tag,
    });
    try {
      const status = await this.discloser.disclose({
        activityId: CARRIER_HANDOFF.id,
        recipientId: delivery.recipient_id,
        subjectId: plan.subjectId,
        payload: plan.payload,
        send: (payload) => this.post(delivery, secret, this.envelope(delivery, shipment, plan, payload)),
      });
      await this.finish(delivery, 'delivered', status, null);
    } catch (error) {
      if (error instanceof ProcessingRefused || error instanceof DisclosureRefused) {
        return this.finish(delivery, 'failed', null, `refused: ${error.slug}`);
      }
      const statusCode = error instanceof DeliveryFailed ? error.statusCode : undefined;
      const reason = error instanceof DeliveryFailed ? error.message : 'internal error';
      if (delivery.attempts >= this.config.PARTNER_WEBHOOK_MAX_ATTEMPTS) {
        return this.finish(delivery, 'failed', statusCode ?? null, reason);
      }
      await this.dataSource.query(
        'update webhook_delivery set last_status_code = $2, last_error = $3 where id = $1',
        [delivery.id, statusCode ?? null, reason],
      );
      // pg-boss tries the job again after its exponential backoff.
      throw error;
    }
  }

  private envelope(
    delivery: DeliveryRow,
    shipment: ShipmentRow,
    plan: DisclosurePlan,
    disclosed: DisclosurePlan['payload'],
  ): string {
    const withRecipient = WITH_RECIPIENT.includes(delivery.event_type);
    return JSON.stringify({
      id: delivery.id,
      type: delivery.event_type,
      occurredAt: delivery.created_at,
      data: {
        shipment: this.views.compose(
          shipment,
          withRecipient && !plan.withheld ? disclosed : null,
          plan.withheld,
        ),
      },
    });
  }

  private async post(delivery: DeliveryRow, secret: string, body: string): Promise<number> {
    let response: Response;
    try {
      response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'storefront-webhooks/1',
          ...signedHeaders(secret, delivery.id, body),
        },
        body,
        // A redirect could carry the data elsewhere: not followed, counted as a failure.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.PARTNER_WEBHOOK_TIMEOUT_MS),
      });
    } catch (error) {
      const name = (error as { name?: unknown } | undefined)?.name;
      throw new DeliveryFailed(
        name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network error',
      );
    }
    await response.body?.cancel().catch(() => undefined);
    if (response.status < 200 || response.status >= 300) {
      throw new DeliveryFailed(`the endpoint answered HTTP ${response.status}`, response.status);
    }
    return response.status;
  }

  /** Counts the attempt of a pending delivery (and loads what sending needs), or null when it is settled. */
  private async claimAttempt(deliveryId: string): Promise<DeliveryRow | null> {
    const rows: DeliveryRow[] = await this.dataSource.query(
      `with attempt as (
         update webhook_delivery set attempts = attempts + 1, last_attempt_at = now()
          where id = $1 and status = 'pending'
         returning *
       )
       select a.id, a.webhook_id, a.partner_id, a.shipment_id, a.event_type, a.status, a.attempts, a.created_at,
              w.url, w.active, w.secret_ciphertext, w.secret_nonce, w.secret_tag,
              p.recipient_id, p.active as partner_active
         from attempt a join partner_webhook w on w.id = a.webhook_id join partner p on p.id = a.partner_id`,
      [deliveryId],
    );
    return rows[0] ?? null;
  }

  private async shipment(id: string): Promise<ShipmentRow | null> {
    return this.shipments.readable(id);
  }

  private async finish(
    delivery: DeliveryRow,
    status: 'delivered' | 'failed',
    statusCode: number | null,
    error: string | null,
  ): Promise<void> {
    await this.dataSource.query(
      `update webhook_delivery
          set status = $2, last_status_code = $3, last_error = $4,
              delivered_at = case when $2 = 'delivered' then now() else null end
        where id = $1`,
      [delivery.id, status, statusCode, error],
    );
    const what = `webhook delivery ${delivery.id} (${delivery.event_type}) to partner ${delivery.partner_id}`;
    if (status === 'delivered') this.logger.log(`${what}: delivered (HTTP ${statusCode ?? '?'})`);
    else this.logger.warn(`${what}: failed after ${delivery.attempts} attempt(s): ${error ?? 'unknown'}`);
  }
}
