import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActorContext } from '@app/privacy';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { conflict, notFound, ValidationProblem } from '../../../common/problem/problem.js';
import { AppConfig } from '../../../config/app-config.js';
import { decodeCursor, encodeCursor } from '../../../common/pagination/cursor.js';
import type { ShipmentEventType } from '../../carrier-handoff/index.js';
import { Partners } from '../partners.service.js';
import { newWebhookSecret } from './webhook-signature.js';
import { WebhookSecretCipher } from './webhook-secrets.js';

export interface WebhookRecord {
  id: string;
  partnerId: string;
  url: string;
  events: ShipmentEventType[];
  active: boolean;
  createdAt: Date;
  disabledAt: Date | null;
}

export interface DeliveryRecord {
  id: string;
  webhookId: string;
  shipmentId: string | null;
  eventId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
}

interface WebhookRow {
  id: string;
  partner_id: string;
  url: string;
  events: ShipmentEventType[];
  active: boolean;
  created_at: Date;
  disabled_at: Date | null;
}

const toRecord = (r: WebhookRow): WebhookRecord => ({
  id: r.id,
  partnerId: r.partner_id,
  url: r.url,
  events: r.events,
  active: r.active,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
});

/** Who did it, for created_by / disabled_by: the acting staff member's id, never a name. */
const actorRef = (): string => {
  const actor = ActorContext.currentOrSystem();
  return `${actor.type}:${actor.id}`;
};

/**
 * Partners' webhook endpoints (administered by staff) and their delivery log. The signing secret is
 * shown once, when the webhook is registered, and stored only encrypted.
 */
@Injectable()
export class PartnerWebhooks {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly partners: Partners,
    private readonly cipher: WebhookSecretCipher,
    private readonly config: AppConfig,
  ) {}

  async register(
    partnerId: string,
    input: { url: string; events: ShipmentEventType[] },
  ): Promise<WebhookRecord & { secret: string }> {
    const partner = await this.partners.get(partnerId);
    if (!partner.active)
      throw conflict('partner-inactive', 'The partner is deactivated: reactivate it first.');
    this.assertUrl(input.url);
    const id = randomUUID();
    const secret = newWebhookSecret();
    const sealed = await this.cipher.seal(id, secret);
    const rows: WebhookRow[] = await this.dataSource.query(
      `insert into partner_webhook (id, partner_id, url, events, secret_ciphertext, secret_nonce, secret_tag, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       returning id, partner_id, url, events, active, created_at, disabled_at`,
      [
        id,
        partnerId,
        input.url,
        [...new Set(input.events)].sort(),
        sealed.ciphertext,
        sealed.nonce,
        sealed.tag,
        actorRef(),
      ],
    );
    return { ...toRecord(rows[0]), secret };
  }

  async list(partnerId: string): Promise<WebhookRecord[]> {
    await this.partners.get(partnerId);
    const rows: WebhookRow[] = await this.dataSource.query(
      `select id, partner_id, url, events, active, created_at, disabled_at
         from partner_webhook where partner_id = $1 order by created_at, id`,
      [partnerId],
    );
    return rows.map(toRecord);
  }

  /** Stops deliveries at once (pending ones are logged as failed when their turn comes). Idempotent. */
  async disable(partnerId: string, webhookId: string): Promise<WebhookRecord> {
    const rows: WebhookRow[] = await this.dataSource.query(
      `with changed as (
         update partner_webhook
            set active = false, disabled_at = coalesce(disabled_at, now()), disabled_by = coalesce(disabled_by, $3)
          where id = $1 and partner_id = $2
          returning id, partner_id, url, events, active, created_at, disabled_at
       )
       select * from changed`,
      [webhookId, partnerId, actorRef()],
    );
    if (!rows[0]) throw notFound('Webhook');
    return toRecord(rows[0]);
  }

  /** The delivery log of a partner, newest first. */
  async deliveries(
    partnerId: string,
    query: { status?: DeliveryRecord['status']; cursor?: string; limit: number },
  ): Promise<{ items: DeliveryRecord[]; nextCursor: string | null }> {
    await this.partners.get(partnerId);
    const after = decodeCursor(query.cursor);
    const rows: (DeliveryRecord & { cursorAt: string })[] = await this.dataSource.query(
      `select id, webhook_id as "webhookId", shipment_id as "shipmentId", event_id as "eventId",
              event_type as "eventType", status, attempts, last_status_code as "lastStatusCode",
              last_error as "lastError", created_at as "createdAt", last_attempt_at as "lastAttemptAt",
              delivered_at as "deliveredAt", created_at::text as "cursorAt"
         from webhook_delivery
        where partner_id = $1 and ($2::text is null or status = $2)
          and ($3::timestamptz is null or (created_at, id) < ($3::timestamptz, $4::uuid))
        order by created_at desc, id desc
        limit $5`,
      [partnerId, query.status ?? null, after?.at ?? null, after?.id ?? null, query.limit + 1],
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(({ cursorAt: _cursor, ...delivery }) => delivery),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ at: last.cursorAt, id: last.id }) : null,
    };
  }

  /** Partners' endpoints receive personal data: TLS in production, and no credentials in the URL itself. */
  private assertUrl(value: string): void {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ValidationProblem([{ field: 'url', reason: 'must be an absolute URL' }]);
    }
    const production = this.config.NODE_ENV === 'production';
    if (url.protocol !== 'https:' && (production || url.protocol !== 'http:')) {
      throw new ValidationProblem([
        { field: 'url', reason: production ? 'must be an https:// URL' : 'must be an http(s):// URL' },
      ]);
    }
    if (url.username || url.password) {
      throw new ValidationProblem([
        { field: 'url', reason: 'must not carry credentials (the signature authenticates the shop)' },
      ]);
    }
  }
}
