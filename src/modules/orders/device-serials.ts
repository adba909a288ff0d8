import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ConflictError, InvalidInputError, NotFoundError } from '@app/core';
import {
  AuditLog,
  blockedUntil,
  notBlockedClause,
  type Actor,
  type BlockedRecord,
  type ErasureContext,
  type ErasureOutcome,
  type ExportSection,
  type PersonalDataEraser,
  type PersonalDataExporter,
} from '@app/privacy';
import { DataSource, type EntityManager } from 'typeorm';
import { isUuid } from './order-reader.js';
import type { OrderStatus } from './order-state-machine.js';
import type { OrderTransition } from './order-transition-hooks.js';
import { DEVICE_RECORDS_PERIOD, DEVICE_SERIAL_CATEGORY, DEVICE_TRACEABILITY } from './orders.declarations.js';

export const DEVICE_SERIAL_RECORD = 'device-serial';

/** The statuses serials are scanned in: while the goods are picked and packed, parcel by parcel. */
const SCANNABLE: readonly OrderStatus[] = ['picking', 'packed', 'partially_shipped'];

/** A UDI as printed (GS1 with application identifiers in brackets, HIBCC `+…`) or a plain serial. */
const SERIAL = /^[A-Z0-9()./+-]{3,120}$/;

export type SerialKind = 'udi' | 'serial';

export interface ScannedLine {
  lineNo: number;
  serials: { value: string; kind: SerialKind }[];
}

export interface SerialHit {
  serial: string;
  kind: SerialKind;
  sku: string;
  orderId: string | null;
  orderNumber: string;
  lineNo: number;
  /** The buyer (customer:<id> or guest:<keyed hash>): the order's page has the contact data. */
  subjectId: string;
  scannedAt: string;
  /** An erasure request blocked this link: it serves the recall only (Art. 17(3)(b) GDPR). */
  blocked: boolean;
}

interface SerialRow {
  id: string;
  serial: string;
  kind: SerialKind;
  sku: string;
  order_id: string | null;
  order_number: string;
  line_no: number;
  subject_id: string;
  scanned_at: Date;
  blocked: boolean;
}

const normalise = (value: string): string => value.trim().toUpperCase();

/**
 * Device traceability (`device-traceability`, MDR): fulfilment scans the UDI or serial number of each
 * piece of a device line at packing; the link serial ↔ order line ↔ buyer is kept for the period the
 * medical-device rules require and found by staff in a recall. Packing an order refuses to go on
 * while a device line lacks serials. An erasure request blocks the link instead of deleting it.
 */
@Injectable()
export class DeviceSerials implements PersonalDataExporter, PersonalDataEraser {
  readonly name = 'device-serials';

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  /** Records scanned serials for device lines of the order; answers all serials of the order. */
  async record(orderId: string, lines: ScannedLine[], staff: Actor): Promise<SerialHit[]> {
    if (!isUuid(orderId)) throw new NotFoundError('The order');
    await this.dataSource.transaction(async (manager) => {
      const orders: { number: string; status: OrderStatus; subject_id: string }[] = await manager.query(
        `select o.number, o.status, o.subject_id from shop_order o
          where o.id = $1 and ${notBlockedClause('order', 'o.id')} for update`,
        [orderId],
      );
      const order = orders[0];
      if (!order) throw new NotFoundError('The order');
      if (!SCANNABLE.includes(order.status))
        throw new ConflictError(
          'serials-not-open',
          `Order ${order.number} is ${order.status}: serial numbers are scanned while it is picked and packed.`,
          { orderStatus: order.status },
        );
      const items: { line_no: number; sku: string; quantity: number; device: boolean; scanned: string[] }[] =
        await manager.query(
          `select i.line_no, i.sku, i.quantity, p.tracks_serials as device,
                  coalesce((select array_agg(d.serial) from order_item_serial d
                             where d.order_id = i.order_id and d.line_no = i.line_no), '{}') as scanned
             from order_item i join product p on p.id = i.product_id
            where i.order_id = $1 order by i.line_no`,
          [orderId],
        );
      const errors: { field: string; reason: string }[] = [];
      lines.forEach((line, i) => {
        const item = items.find((it) => it.line_no === line.lineNo);
        if (!item) return errors.push({ field: `lines[${i}].lineNo`, reason: 'is not a line of this order' });
        if (!item.device)
          return errors.push({
            field: `lines[${i}].lineNo`,
            reason: `is ${item.sku}, which is no device: it takes no serial number`,
          });
        if (lines.findIndex((l) => l.lineNo === line.lineNo) !== i)
          return errors.push({ field: `lines[${i}].lineNo`, reason: 'appears twice' });
        const values = line.serials.map((s) => normalise(s.value));
        values.forEach((v, j) => {
          if (!SERIAL.test(v))
            errors.push({
              field: `lines[${i}].serials[${j}].value`,
              reason: 'must be 3 to 120 letters, digits or ( ) . / + -',
            });
          else if (values.indexOf(v) !== j || item.scanned.includes(v))
            errors.push({
              field: `lines[${i}].serials[${j}].value`,
              reason: 'is scanned for this line already',
            });
        });
        if (item.scanned.length + values.length > item.quantity)
          errors.push({
            field: `lines[${i}].serials`,
            reason: `are more than the ${item.quantity - item.scanned.length} pieces left to scan of this line`,
          });
        return undefined;
      });
      if (errors.length > 0) throw new InvalidInputError(errors);
      for (const line of lines) {
        const item = items.find((it) => it.line_no === line.lineNo);
        for (const serial of line.serials)
          await manager.query(
            `insert into order_item_serial (order_id, order_number, line_no, sku, subject_id, serial, kind, scanned_by)
             values ($1, $2, $3, $4, $5, $6, $7, $8)`,
            [
              orderId,
              order.number,
              line.lineNo,
              item?.sku,
              order.subject_id,
              normalise(serial.value),
              serial.kind,
              `${staff.type}:${staff.id}`,
            ],
          );
      }
      await this.audit.append({
        subjectId: order.subject_id,
        activityId: DEVICE_TRACEABILITY.id,
        action: 'record:serials',
        fields: [DEVICE_SERIAL_CATEGORY.id],
        actor: staff,
      });
    });
    return this.query(`d.order_id = $1`, [orderId], false);
  }

  /**
   * The recall search: every piece sold under this serial (exact, case-insensitive) or, with `prefix`,
   * every serial starting with it (a batch). Blocked links are included, marked: the recall is the
   * statutory purpose they are kept for. Each buyer found is an audited read.
   */
  async search(serial: string, prefix: boolean, staff: Actor): Promise<SerialHit[]> {
    const value = normalise(serial);
    if (!SERIAL.test(value) && !(prefix && /^[A-Z0-9()./+-]{3,120}$/.test(value)))
      throw new InvalidInputError([
        { field: 'serial', reason: 'must be 3 to 120 letters, digits or ( ) . / + -' },
      ]);
    const hits = prefix
      ? await this.query(`d.serial like $1 || '%'`, [value.replace(/[%_\\]/g, '')], true)
      : await this.query(`d.serial = $1`, [value], true);
    for (const subjectId of new Set(hits.map((h) => h.subjectId)))
      await this.audit.append({
        subjectId,
        activityId: DEVICE_TRACEABILITY.id,
        action: 'search:serial',
        fields: [DEVICE_SERIAL_CATEGORY.id],
        actor: staff,
      });
    return hits;
  }

  /** Refuses packing while a device line of the order lacks serial numbers (hook on `packed`). */
  async assertScanned(t: OrderTransition): Promise<void> {
    const missing: { line_no: number; sku: string; missing: number }[] = await t.manager.query(
      `select i.line_no, i.sku,
              i.quantity - (select count(*)::int from order_item_serial d
                             where d.order_id = i.order_id and d.line_no = i.line_no) as missing
         from order_item i join product p on p.id = i.product_id
        where i.order_id = $1 and p.tracks_serials
        order by i.line_no`,
      [t.orderId],
    );
    const open = missing.filter((m) => m.missing > 0);
    if (open.length > 0)
      throw new ConflictError(
        'serials-missing',
        `Order ${t.number} cannot be packed: scan the serial numbers of ` +
          open.map((m) => `line ${m.line_no} (${m.sku}, ${m.missing} missing)`).join(', ') +
          '.',
        { lines: open.map((m) => m.line_no) },
      );
  }

  async export(subjectId: string, manager: EntityManager): Promise<ExportSection> {
    const rows: SerialRow[] = await manager.query(
      `select d.id, d.serial, d.kind, d.sku, d.order_id, d.order_number, d.line_no, d.subject_id, d.scanned_at,
              false as blocked
         from order_item_serial d where d.subject_id = $1 order by d.scanned_at, d.id`,
      [subjectId],
    );
    return {
      activities: rows.length > 0 ? [DEVICE_TRACEABILITY.id] : [],
      categories: rows.length > 0 ? [DEVICE_SERIAL_CATEGORY.id] : [],
      records: rows.map((r) => ({
        recordType: DEVICE_SERIAL_RECORD,
        recordId: r.id,
        activityId: DEVICE_TRACEABILITY.id,
        data: {
          serial: r.serial,
          kind: r.kind,
          sku: r.sku,
          orderNumber: r.order_number,
          lineNo: r.line_no,
          scannedAt: r.scanned_at.toISOString(),
        },
      })),
    };
  }

  /**
   * Erasure blocks every serial ↔ buyer link of the subject until the end of the statutory period
   * (MDR, counted from the scan): a recall must still find whom a device went to.
   */
  async erase(subjectId: string, context: ErasureContext): Promise<ErasureOutcome[]> {
    const rows: { id: string; scanned_at: Date }[] = await context.manager.query(
      'select id, scanned_at from order_item_serial where subject_id = $1 order by id for update',
      [subjectId],
    );
    return rows.map((r) => ({
      recordType: DEVICE_SERIAL_RECORD,
      recordId: r.id,
      outcome: 'blocked',
      activityId: DEVICE_TRACEABILITY.id,
      statute: DEVICE_RECORDS_PERIOD.statute,
      until: blockedUntil(DEVICE_RECORDS_PERIOD, r.scanned_at),
      recordDate: r.scanned_at,
      reason:
        'erasure requested (Art. 17 GDPR); the link between a medical device and its buyer is kept for recalls ' +
        'for the period of the medical-device rules',
    }));
  }

  async eraseBlocked(records: readonly BlockedRecord[], manager: EntityManager): Promise<void> {
    const ids = records.filter((r) => r.recordType === DEVICE_SERIAL_RECORD).map((r) => r.recordId);
    if (ids.length > 0)
      await manager.query('delete from order_item_serial where id = any($1::uuid[])', [ids]);
  }

  private async query(where: string, params: unknown[], withBlocked: boolean): Promise<SerialHit[]> {
    const rows: SerialRow[] = await this.dataSource.query(
      `select d.id, d.serial, d.kind, d.sku, d.order_id, d.order_number, d.line_no, d.subject_id, d.scanned_at,
              not ${notBlockedClause(DEVICE_SERIAL_RECORD, 'd.id')} as blocked
         from order_item_serial d
        where ${where} ${withBlocked ? '' : `and ${notBlockedClause(DEVICE_SERIAL_RECORD, 'd.id')}`}
        order by d.scanned_at, d.line_no, d.serial
        limit 1000`,
      params,
    );
    return rows.map((r) => ({
      serial: r.serial,
      kind: r.kind,
      sku: r.sku,
      orderId: r.order_id,
      orderNumber: r.order_number,
      lineNo: r.line_no,
      subjectId: r.subject_id,
      scannedAt: r.scanned_at.toISOString(),
      blocked: r.blocked,
    }));
  }
}
