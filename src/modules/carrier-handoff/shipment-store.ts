import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { notBlockedClause } from '@app/privacy';
import { DataSource, type EntityManager } from 'typeorm';
import type { CarrierId, CarrierShipment } from './carrier.port.js';
import type { AttemptOutcome, ShipmentStatus } from './shipment.entity.js';

export const SHIPMENT_RECORD = 'shipment';

/** Shipments that are readable for purposes other than statutory retention: neither they nor their order are blocked. */
export const SHIPMENT_READABLE = `${notBlockedClause(SHIPMENT_RECORD, 's.id')} and ${notBlockedClause('order', 's.order_id')}`;

/** A shipment row as the services use it (no label bytes: those are read on their own). */
export interface ShipmentRow {
  id: string;
  order_id: string;
  order_number: string;
  subject_id: string;
  carrier: CarrierId;
  partner_id: string | null;
  status: ShipmentStatus;
  weight_grams: number;
  carrier_reference: string | null;
  tracking_number: string | null;
  has_label: boolean;
  attempts: number;
  attempt_limit: number;
  skip_lookup_once: boolean;
  last_error: string | null;
  next_attempt_at: Date | null;
  sending_since: Date | null;
  created_at: Date;
  updated_at: Date;
  handed_over_at: Date | null;
  handed_over_by: 'carrier-api' | 'partner' | null;
  acknowledged_at: Date | null;
  picked_up_at: Date | null;
  delivered_at: Date | null;
  dead_lettered_at: Date | null;
  personal_data_until: Date | null;
  /** The parcel's number within its order (1 for an order shipped in one parcel). */
  parcel_no: number;
}

export const SHIPMENT_COLUMNS = `s.id, s.order_id, s.order_number, s.subject_id, s.carrier, s.partner_id, s.status,
  s.weight_grams, s.carrier_reference, s.tracking_number, (s.label is not null) as has_label, s.attempts,
  s.attempt_limit, s.skip_lookup_once, s.last_error, s.next_attempt_at, s.sending_since, s.created_at, s.updated_at, s.handed_over_at,
  s.handed_over_by, s.acknowledged_at, s.picked_up_at, s.delivered_at, s.dead_lettered_at, s.personal_data_until,
  s.parcel_no`;

/** Pieces of one order line in a parcel. */
export interface ParcelLine {
  lineNo: number;
  quantity: number;
}

/** A parcel as the order's progress sees it; `lines` null: the whole order (a parcel from before lines). */
export interface ParcelState {
  id: string;
  status: ShipmentStatus;
  parcelNo: number;
  lines: ParcelLine[] | null;
}

/** A claim on a shipment for one attempt: the attempt number is the fence every later write checks. */
export interface Claim {
  shipment: ShipmentRow;
  attempt: number;
}

export interface AttemptResult {
  outcome: AttemptOutcome;
  httpStatus?: number;
  error?: string;
}

/**
 * The SQL of the shipment table (and its attempt log), so that the services read as rules. (An UPDATE
 * … RETURNING is wrapped in a CTE and a SELECT: TypeORM answers a bare UPDATE with [rows, count].) Every
 * write of an attempt's result is fenced by the attempt number of its claim: a worker that lost its
 * claim (it was too slow, another took the shipment over after the lease) changes nothing.
 */
@Injectable()
export class ShipmentStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * A parcel of the order carrying `lines` (all that no other parcel carries, when absent), created in
   * the caller's transaction: the next parcel number, the carrier-side reference (the order number for
   * the first parcel, `<number>-<n>` for the next). The order row is locked first, so two parcels of one
   * order are numbered and counted one after the other. Null when no line is left to carry.
   */
  async createParcel(
    manager: EntityManager,
    input: {
      orderId: string;
      carrier: CarrierId;
      weightGrams: number;
      attemptLimit: number;
      lines: ParcelLine[];
    },
  ): Promise<{ id: string; parcelNo: number } | null> {
    if (input.lines.length === 0) return null;
    const rows: { id: string; parcel_no: number }[] = await manager.query(
      `with next as (
         select coalesce(max(parcel_no), 0) + 1 as parcel_no from shipment where order_id = $1
       )
       insert into shipment (order_id, order_number, subject_id, carrier, partner_id, weight_grams, attempt_limit,
                             next_attempt_at, parcel_no)
       select o.id, case when n.parcel_no = 1 then o.number else o.number || '-' || n.parcel_no end, o.subject_id, $2,
              -- A carrier with a partner account pulls (or is pushed) what it carries: assigned to it.
              (select p.id from partner p where p.kind = 'carrier' and p.recipient_id = $2 and p.active
                order by p.created_at, p.id limit 1),
              $3, $4, now(), n.parcel_no
         from shop_order o cross join next n where o.id = $1
       returning id, parcel_no`,
      [input.orderId, input.carrier, input.weightGrams, input.attemptLimit],
    );
    if (!rows[0]) throw new Error(`order ${input.orderId} does not exist`);
    for (const line of input.lines)
      await manager.query(
        'insert into shipment_line (shipment_id, order_id, line_no, quantity) values ($1, $2, $3, $4)',
        [rows[0].id, input.orderId, line.lineNo, line.quantity],
      );
    return { id: rows[0].id, parcelNo: rows[0].parcel_no };
  }

  /** Locks the order's row: parcels of one order are made one after the other. */
  async lockOrder(manager: EntityManager, orderId: string): Promise<void> {
    await manager.query('select 1 from shop_order where id = $1 for update', [orderId]);
  }

  /**
   * The order's parcels that are not cancelled, with their lines. A parcel made before parcels had
   * lines (`lines` null) carries the whole order.
   */
  async parcelsOf(manager: EntityManager, orderId: string): Promise<ParcelState[]> {
    const rows: { id: string; status: ShipmentStatus; parcel_no: number; lines: ParcelLine[] | null }[] =
      await manager.query(
        `select s.id, s.status, s.parcel_no,
                (select json_agg(json_build_object('lineNo', l.line_no, 'quantity', l.quantity) order by l.line_no)
                   from shipment_line l where l.shipment_id = s.id) as lines
           from shipment s where s.order_id = $1 and s.status <> 'cancelled'
          order by s.parcel_no`,
        [orderId],
      );
    return rows.map((r) => ({ id: r.id, status: r.status, parcelNo: r.parcel_no, lines: r.lines }));
  }

  async get(id: string, manager?: EntityManager): Promise<ShipmentRow | null> {
    const rows: ShipmentRow[] = await (manager ?? this.dataSource.manager).query(
      `select ${SHIPMENT_COLUMNS} from shipment s where s.id = $1 and ${SHIPMENT_READABLE}`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Locks the shipment row for a change (blocked ones are not there). */
  async lock(manager: EntityManager, id: string): Promise<ShipmentRow | null> {
    const rows: ShipmentRow[] = await manager.query(
      `select ${SHIPMENT_COLUMNS} from shipment s where s.id = $1 and ${SHIPMENT_READABLE} for update of s`,
      [id],
    );
    return rows[0] ?? null;
  }

  /**
   * Claims the shipment for one attempt and commits at once (no transaction of ours stays open while a
   * carrier is called): queued or failed ones, or one whose sender's lease ran out (that worker died).
   * Writes the attempt's row in the same statement. Null when there is nothing to claim.
   */
  async claim(id: string, leaseSeconds: number): Promise<Claim | null> {
    const rows: (ShipmentRow & { attempt: number })[] = await this.dataSource.query(
      `with claimed as (
         update shipment s
            set status = 'sending', attempts = s.attempts + 1, sending_since = now(), next_attempt_at = null,
                updated_at = now()
          where s.id = $1 and ${SHIPMENT_READABLE}
            and (s.status in ('queued', 'failed')
                 or (s.status = 'sending' and s.sending_since < now() - make_interval(secs => $2)))
         returning s.*
       ), logged as (
         insert into shipment_attempt (shipment_id, attempt) select id, attempts from claimed
       )
       select ${SHIPMENT_COLUMNS}, s.attempts as attempt from claimed s`,
      [id, leaseSeconds],
    );
    const row = rows[0];
    return row ? { shipment: row, attempt: row.attempt } : null;
  }

  /** The carrier has the shipment: store what it answered. False when the claim was lost meanwhile. */
  recordCreated(
    manager: EntityManager,
    claim: Claim,
    shipment: CarrierShipment,
    result: AttemptResult,
  ): Promise<boolean> {
    return this.settle(
      manager,
      claim,
      `update shipment
          set status = 'created', carrier_reference = $3, tracking_number = $4,
              label = coalesce($5, label), label_format = coalesce($6, label_format),
              sending_since = null, handed_over_at = now(), handed_over_by = 'carrier-api', last_error = null,
              skip_lookup_once = false, updated_at = now()`,
      [
        shipment.carrierReference,
        shipment.trackingNumber,
        shipment.label?.content ?? null,
        shipment.label?.mediaType ?? null,
      ],
      result,
    );
  }

  /**
   * The attempt failed: back to `failed` with the time of the next attempt, or to `dead_letter` when
   * `deadLetter` says so. False when the claim was lost meanwhile.
   */
  recordFailure(
    manager: EntityManager,
    claim: Claim,
    result: AttemptResult,
    next: { deadLetter: true } | { deadLetter: false; afterSeconds: number },
  ): Promise<boolean> {
    return this.settle(
      manager,
      claim,
      `update shipment
          set status = case when $3 then 'dead_letter' else 'failed' end,
              sending_since = null, last_error = $4,
              next_attempt_at = case when $3 then null else now() + make_interval(secs => $5) end,
              dead_lettered_at = case when $3 then now() else null end,
              skip_lookup_once = false, updated_at = now()`,
      [next.deadLetter, result.error ?? result.outcome, next.deadLetter ? 0 : next.afterSeconds],
      result,
    );
  }

  /** Nothing is (or will be) sent: the order is no longer packed. False when the claim was lost. */
  recordCancelled(manager: EntityManager, claim: Claim, reason: string): Promise<boolean> {
    return this.settle(
      manager,
      claim,
      `update shipment set status = 'cancelled', sending_since = null, last_error = $3, skip_lookup_once = false,
              updated_at = now()`,
      [reason],
      { outcome: 'cancelled', error: reason },
    );
  }

  /**
   * A dead-lettered shipment back to the queue with a fresh allowance of attempts; `skipLookup` when
   * staff checked at the carrier that no earlier attempt created it.
   */
  async requeue(
    manager: EntityManager,
    id: string,
    extraAttempts: number,
    skipLookup: boolean,
  ): Promise<ShipmentRow | null> {
    const rows: ShipmentRow[] = await manager.query(
      `with changed as (
         update shipment s
            set status = 'queued', attempt_limit = s.attempts + $2, last_error = null, dead_lettered_at = null,
                skip_lookup_once = $3, next_attempt_at = now(), updated_at = now()
          where s.id = $1 and s.status = 'dead_letter' and ${SHIPMENT_READABLE}
          returning s.*
       )
       select ${SHIPMENT_COLUMNS} from changed s`,
      [id, extraAttempts, skipLookup],
    );
    return rows[0] ?? null;
  }

  /**
   * Shipments whose job may be gone: a claim whose lease ran out (its worker died) or ran on, and a
   * queued or failed one whose next attempt is long overdue. With the seconds until each is due.
   */
  async overdue(
    leaseSeconds: number,
    graceSeconds: number,
    limit: number,
  ): Promise<{ id: string; due_in: number }[]> {
    return this.dataSource.query(
      `select s.id,
              greatest(0, extract(epoch from coalesce(s.sending_since + make_interval(secs => $1), s.next_attempt_at) - now()))::int as due_in
         from shipment s
        where ((s.status = 'sending')
               or (s.status in ('queued', 'failed') and s.next_attempt_at < now() - make_interval(secs => $2)))
          and ${SHIPMENT_READABLE}
        order by coalesce(s.sending_since, s.next_attempt_at)
        limit $3`,
      [leaseSeconds, graceSeconds, limit],
    );
  }

  async attempts(shipmentId: string): Promise<
    {
      attempt: number;
      started_at: Date;
      finished_at: Date | null;
      outcome: AttemptOutcome | null;
      http_status: number | null;
      error: string | null;
      duration_ms: number | null;
    }[]
  > {
    return this.dataSource.query(
      `select attempt, started_at, finished_at, outcome, http_status, error, duration_ms
         from shipment_attempt where shipment_id = $1 order by attempt`,
      [shipmentId],
    );
  }

  /**
   * One statement: the shipment's change (`set …` of an UPDATE, parameters from $3), fenced by the
   * claim's attempt number, and the attempt's row finished with its outcome, or `superseded` when the
   * fence held (another worker owns the shipment now). True when the change was made.
   */
  private async settle(
    manager: EntityManager,
    claim: Claim,
    update: string,
    params: unknown[],
    result: AttemptResult,
  ): Promise<boolean> {
    const n = params.length + 2;
    const rows: unknown[] = await manager.query(
      `with changed as (
         ${update}
          where id = $1 and status = 'sending' and attempts = $2
          returning id
       ), finished as (
         update shipment_attempt
            set finished_at = now(),
                outcome = case when exists (select 1 from changed) then $${n + 1} else 'superseded' end,
                http_status = $${n + 2}, error = $${n + 3},
                duration_ms = (extract(epoch from now() - started_at) * 1000)::int
          where shipment_id = $1 and attempt = $2
       )
       select id from changed`,
      [
        claim.shipment.id,
        claim.attempt,
        ...params,
        result.outcome,
        result.httpStatus ?? null,
        result.error ?? null,
      ],
    );
    return rows.length > 0;
  }
}
