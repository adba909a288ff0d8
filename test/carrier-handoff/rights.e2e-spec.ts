import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RetentionSweep, RightsService } from '@app/privacy';
import { startFakeDhl, type FakeDhl } from '../fakes/dhl/index.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { pack, pickingOrder, shipmentIn, staffAuth, stockForHandoff } from './handoff-fixtures.js';

describe('the rights of a person whose parcel was handed to a carrier', () => {
  let t: TestApp;
  let dhl: FakeDhl;
  let fulfilment: { authorization: string };

  beforeAll(async () => {
    dhl = await startFakeDhl();
    t = await startTestApp({ env: { ...dhl.env, JOBS_ENABLED: 'true', CARRIER_SIMULATORS: 'off' } });
    await stockForHandoff(t);
    fulfilment = await staffAuth(t, 'fulfilment');
  });
  afterAll(async () => {
    await t?.close();
    await dhl?.stop();
  });

  async function handedOver() {
    const order = await pickingOrder(t);
    await pack(t, order.id, fulfilment);
    const shipment = await shipmentIn(t, order.id, ['created']);
    return { order, shipment };
  }

  it('exports the shipment with its carrier, tracking number and progress (Art. 15) and names the carrier as actual recipient', async () => {
    const { order, shipment } = await handedOver();
    const answer = await t.app.get(RightsService).exportSubject(order.subjectId);
    const section = answer.sections.find((s) => s.exporter === 'carrier-handoff');
    expect(section?.activities).toEqual(['carrier-handoff']);
    expect(section?.records).toEqual([
      expect.objectContaining({
        recordType: 'shipment',
        recordId: shipment.id,
        data: expect.objectContaining({
          orderNumber: order.number,
          carrier: 'dhl',
          status: 'created',
          trackingNumber: shipment.tracking_number,
          labelHeld: true,
        }),
      }),
    ]);
    const { rows } = await t.db.query<{ recipient_id: string }>(
      `select recipient_id from privacy.disclosure_log where subject_id = $1`,
      [order.subjectId],
    );
    expect(rows.map((r) => r.recipient_id)).toEqual(['dhl']);
  });

  it('blocks the shipment of a paid order with its order, until the same date, and erases the label at once', async () => {
    const { order, shipment } = await handedOver();
    const report = await t.app.get(RightsService).eraseSubject(order.subjectId);
    expect(report.complete).toBe(true);
    const orderBlock = report.erasers
      .find((e) => e.eraser === 'orders')
      ?.blocked.find((b) => b.recordId === order.id);
    const shipmentBlock = report.erasers.find((e) => e.eraser === 'carrier-handoff')?.blocked;
    expect(shipmentBlock).toEqual([
      {
        recordType: 'shipment',
        recordId: shipment.id,
        activityId: 'carrier-handoff',
        statute: orderBlock?.statute,
        until: orderBlock?.until,
      },
    ]);
    const { rows } = await t.db.query<{ label: Buffer | null; tracking_number: string }>(
      'select label, tracking_number from shipment where id = $1',
      [shipment.id],
    );
    expect(rows[0].label).toBeNull();
    // Blocked: gone from every route but statutory retention.
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/admin/shipments/${shipment.id}`,
      headers: fulfilment,
    });
    expect(res.statusCode).toBe(404);
  });

  it('erases labels once their retention period after the handover is over', async () => {
    const { shipment } = await handedOver();
    await t.db.query(`update shipment set handed_over_at = now() - interval '31 days' where id = $1`, [
      shipment.id,
    ]);
    await t.app.get(RetentionSweep).runSweep();
    const { rows } = await t.db.query<{ label: Buffer | null; tracking_number: string | null }>(
      'select label, tracking_number from shipment where id = $1',
      [shipment.id],
    );
    expect(rows[0]).toEqual({ label: null, tracking_number: shipment.tracking_number });
  });
});
