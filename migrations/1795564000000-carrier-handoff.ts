import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables of src/modules/carrier-handoff and of the partner shipment API (src/modules/partners/shipments,
 * src/modules/partners/webhooks):
 * - shipment: one per order (the unique order_id is the idempotency anchor of the outbox); holds no copy
 *   of the name or address, which are read from the order at each handoff, only what the carrier
 *   answered (its reference, the tracking number, the label for a limited time);
 * - shipment_attempt: every call of a carrier for a shipment, with its outcome; never personal data;
 * - partner_webhook: a partner's endpoint for signed pushes; the signing secret is stored encrypted
 *   (AES-256-GCM, key from PARTNER_WEBHOOK_SECRET_KEY), since it must be usable to sign;
 * - webhook_delivery: the delivery log of those pushes.
 */
export class CarrierHandoff1795564000000 implements MigrationInterface {
  name = 'CarrierHandoff1795564000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table shipment (
        id uuid primary key default gen_random_uuid(),
        order_id uuid not null references shop_order (id) on delete cascade,
        -- The carrier-side reference and idempotency key: a retry looks the shipment up by it.
        order_number text not null,
        subject_id text not null,
        carrier text not null constraint shipment_carrier check (carrier in ('dhl', 'hermes', 'dpd')),
        -- The partner (a carrier or logistics partner pulling through the partner API) it is assigned to.
        partner_id uuid references partner (id) on delete set null,
        status text not null default 'queued' constraint shipment_status check (status in
          ('queued', 'sending', 'created', 'failed', 'dead_letter', 'picked_up', 'delivered', 'cancelled')),
        weight_grams integer not null constraint shipment_weight check (weight_grams > 0),
        carrier_reference text,
        tracking_number text,
        label bytea,
        label_format text,
        attempts integer not null default 0,
        -- Attempts after which a failing shipment is dead-lettered; a staff retry raises it.
        attempt_limit integer not null constraint shipment_attempt_limit check (attempt_limit > 0),
        -- Set by staff who checked at the carrier that an earlier attempt created nothing: the next attempt
        -- creates without looking the reference up first (for a carrier that offers no such lookup).
        skip_lookup_once boolean not null default false,
        -- Our own words only (kind, HTTP status): carriers echo addresses in their error texts.
        last_error text,
        next_attempt_at timestamptz,
        sending_since timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        handed_over_at timestamptz,
        handed_over_by text constraint shipment_handed_over_by check (handed_over_by in ('carrier-api', 'partner')),
        acknowledged_at timestamptz,
        picked_up_at timestamptz,
        delivered_at timestamptz,
        dead_lettered_at timestamptz,
        -- After this instant the partner API and webhooks return no personal data of the shipment.
        personal_data_until timestamptz,
        constraint shipment_order unique (order_id),
        constraint shipment_sending check ((status = 'sending') = (sending_since is not null))
      )`);
    await q.query(`create index shipment_status on shipment (status, updated_at, id)`);
    await q.query(
      `create index shipment_partner on shipment (partner_id, created_at, id) where partner_id is not null`,
    );
    await q.query(`create index shipment_subject on shipment (subject_id)`);
    await q.query(
      `create index shipment_pending on shipment (coalesce(sending_since, next_attempt_at))
        where status in ('queued', 'sending', 'failed')`,
    );
    await q.query(`create index shipment_label on shipment (handed_over_at) where label is not null`);

    await q.query(`
      create table shipment_attempt (
        shipment_id uuid not null references shipment (id) on delete cascade,
        attempt integer not null,
        started_at timestamptz not null default now(),
        finished_at timestamptz,
        -- How the shipment was looked up and created: created, adopted (found at the carrier by its
        -- reference after an earlier attempt whose outcome was unknown), or why it was not.
        outcome text constraint shipment_attempt_outcome check (outcome in
          ('created', 'adopted', 'unavailable', 'rejected', 'refused', 'cancelled', 'superseded', 'error')),
        http_status integer,
        error text,
        duration_ms integer,
        primary key (shipment_id, attempt)
      )`);

    await q.query(`
      create table partner_webhook (
        id uuid primary key default gen_random_uuid(),
        partner_id uuid not null references partner (id) on delete cascade,
        url text not null,
        events text[] not null constraint partner_webhook_events check (cardinality(events) > 0),
        secret_ciphertext bytea not null,
        secret_nonce bytea not null constraint partner_webhook_nonce check (length(secret_nonce) = 12),
        secret_tag bytea not null constraint partner_webhook_tag check (length(secret_tag) = 16),
        active boolean not null default true,
        created_at timestamptz not null default now(),
        created_by text not null,
        disabled_at timestamptz,
        disabled_by text,
        constraint partner_webhook_disabled check (active = (disabled_at is null))
      )`);
    await q.query(`create index partner_webhook_partner on partner_webhook (partner_id) where active`);

    await q.query(`
      create table webhook_delivery (
        id uuid primary key default gen_random_uuid(),
        webhook_id uuid not null references partner_webhook (id) on delete cascade,
        partner_id uuid not null references partner (id) on delete cascade,
        shipment_id uuid references shipment (id) on delete set null,
        event_id uuid not null,
        event_type text not null,
        status text not null default 'pending' constraint webhook_delivery_status check (status in
          ('pending', 'delivered', 'failed')),
        attempts integer not null default 0,
        last_status_code integer,
        last_error text,
        created_at timestamptz not null default now(),
        last_attempt_at timestamptz,
        delivered_at timestamptz,
        constraint webhook_delivery_event unique (webhook_id, event_id)
      )`);
    await q.query(`create index webhook_delivery_partner on webhook_delivery (partner_id, created_at, id)`);
    await q.query(`create index webhook_delivery_created on webhook_delivery (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table webhook_delivery`);
    await q.query(`drop table partner_webhook`);
    await q.query(`drop table shipment_attempt`);
    await q.query(`drop table shipment`);
  }
}
