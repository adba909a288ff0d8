import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { RightsService } from '@app/privacy';
import { OrderStateMachine } from '../../src/modules/orders/index.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { createStaff, orderBody, placeOrder, registerCustomer } from './orders-fixtures.js';

/**
 * Device serial numbers (MDR traceability): scanned at packing per device line, packing refused until
 * every piece is scanned, found by staff in a recall, and kept (blocked, not erased) on an erasure
 * request for the medical-device period.
 */
describe('device serial numbers', () => {
  let t: TestApp;
  let fulfilment: { authorization: string };
  let support: { authorization: string };

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await createStaff(t, 'admin');
    fulfilment = (await createStaff(t, 'fulfilment')).headers;
    support = (await createStaff(t, 'support')).headers;
    for (const product of [
      { sku: 'SER-DEVICE', name: 'Skin analysis device', priceCents: 119_000, tracksSerials: true },
      { sku: 'SER-GEL', name: 'Contact gel', priceCents: 1_190 },
    ]) {
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/admin/products',
        headers: admin.headers,
        payload: { ...product, vatRateBp: 1900, stock: 1000 },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ tracksSerials: product.tracksSerials === true });
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A customer's paid order of two devices and a gel, being picked. */
  async function pickingOrder() {
    const customer = await registerCustomer(t);
    const placed = await placeOrder(
      t,
      orderBody([
        { sku: 'SER-DEVICE', quantity: 2 },
        { sku: 'SER-GEL', quantity: 1 },
      ]),
      { ...customer.headers, 'idempotency-key': randomUUID() },
    );
    expect(placed.statusCode).toBe(201);
    const order = placed.json<{ id: string; number: string; totalCents: number; currency: string }>();
    const machine = t.app.get(OrderStateMachine);
    await machine.markPaid(order.id, {
      provider: 'test',
      reference: `pay-${order.id}`,
      amountCents: order.totalCents,
      currency: order.currency,
    });
    await machine.transition(order.id, 'picking');
    return { ...order, customer };
  }
  const scan = (orderId: string, lines: unknown[]) =>
    t.inject({
      method: 'POST',
      url: `/api/v1/admin/orders/${orderId}/serials`,
      headers: fulfilment,
      payload: { lines },
    });
  const pack = (orderId: string) =>
    t.inject({
      method: 'POST',
      url: `/api/v1/admin/orders/${orderId}/transitions`,
      headers: fulfilment,
      payload: { to: 'packed' },
    });
  const search = (serial: string, prefix = false) =>
    t.inject({
      method: 'GET',
      url: `/api/v1/admin/device-serials?serial=${encodeURIComponent(serial)}${prefix ? '&prefix=true' : ''}`,
      headers: support,
    });
  const serialCount = async (orderId: string) =>
    (
      await t.db.query<{ n: number }>(
        'select count(*)::int as n from order_item_serial where order_id = $1',
        [orderId],
      )
    ).rows[0].n;
  const statusOf = async (id: string) =>
    (await t.db.query<{ status: string }>('select status from shop_order where id = $1', [id])).rows[0]
      .status;

  it('refuses packing until each device piece is scanned, and finds the buyer by serial in a recall', async () => {
    const order = await pickingOrder();
    const early = await pack(order.id);
    expect(early.statusCode).toBe(409);
    expect(early.json<{ type: string; detail: string }>().type).toContain('serials-missing');
    expect(early.json<{ detail: string }>().detail).toContain('line 1 (SER-DEVICE, 2 missing)');
    expect(await statusOf(order.id)).toBe('picking');

    const serial = `SN-${randomUUID().slice(0, 8)}`.toUpperCase();
    const udi = `(01)04012345678901(21)${serial}B`;
    const scanned = await scan(order.id, [
      {
        lineNo: 1,
        serials: [
          { value: serial.toLowerCase(), kind: 'serial' },
          { value: udi, kind: 'udi' },
        ],
      },
    ]);
    expect(scanned.statusCode).toBe(201);
    expect(scanned.json<{ serials: unknown[] }>().serials).toHaveLength(2);
    expect((await pack(order.id)).statusCode).toBe(200);

    const found = await search(serial.toLowerCase());
    expect(found.statusCode).toBe(200);
    expect(found.json()).toEqual({
      results: [
        {
          serial,
          kind: 'serial',
          sku: 'SER-DEVICE',
          orderId: order.id,
          orderNumber: order.number,
          lineNo: 1,
          subjectId: `customer:${order.customer.id}`,
          scannedAt: expect.any(String),
          blocked: false,
        },
      ],
    });
    const batch = await search(serial.slice(0, 6), true);
    expect(batch.json<{ results: { serial: string }[] }>().results.map((r) => r.serial)).toContain(serial);
    const { rows: audit } = await t.db.query<{ action: string }>(
      `select action from privacy.access_audit_log where subject_id = $1 and activity_id = 'device-traceability'
        order by seq`,
      [`customer:${order.customer.id}`],
    );
    expect(audit.map((a) => a.action)).toEqual(['record:serials', 'search:serial', 'search:serial']);
    // Fulfilment scans; it does not search buyers.
    const denied = await t.inject({
      method: 'GET',
      url: `/api/v1/admin/device-serials?serial=${serial}`,
      headers: fulfilment,
    });
    expect(denied.statusCode).toBe(403);
  });

  it('refuses a serial for a non-device line, a line not in the order, too many or repeated serials', async () => {
    const order = await pickingOrder();
    const gel = await scan(order.id, [{ lineNo: 2, serials: [{ value: 'GEL-0001', kind: 'serial' }] }]);
    expect(gel.statusCode).toBe(400);
    expect(gel.headers['content-type']).toContain('application/problem+json');
    expect(gel.json()).toMatchObject({ errors: [{ field: 'lines[0].lineNo' }] });
    expect(JSON.stringify(gel.json())).toContain('no device');

    const unknown = await scan(order.id, [{ lineNo: 5, serials: [{ value: 'X-0001', kind: 'serial' }] }]);
    expect(unknown.json()).toMatchObject({ errors: [{ field: 'lines[0].lineNo' }] });
    const tooMany = await scan(order.id, [
      {
        lineNo: 1,
        serials: ['A-0001', 'A-0002', 'A-0003'].map((value) => ({ value, kind: 'serial' })),
      },
    ]);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toMatchObject({ errors: [{ field: 'lines[0].serials' }] });
    const twice = await scan(order.id, [
      {
        lineNo: 1,
        serials: [
          { value: 'B-0001', kind: 'serial' },
          { value: 'b-0001', kind: 'serial' },
        ],
      },
    ]);
    expect(twice.json()).toMatchObject({ errors: [{ field: 'lines[0].serials[1].value' }] });
    const malformed = await scan(order.id, [{ lineNo: 1, serials: [{ value: 'ab cd', kind: 'serial' }] }]);
    expect(malformed.json()).toMatchObject({ errors: [{ field: 'lines[0].serials[0].value' }] });
    expect(await serialCount(order.id)).toBe(0);
  });

  it('blocks the serial ↔ buyer link on erasure for the MDR period instead of deleting it', async () => {
    const order = await pickingOrder();
    const serial = `SN-${randomUUID().slice(0, 8)}`.toUpperCase();
    expect(
      (
        await scan(order.id, [
          {
            lineNo: 1,
            serials: [
              { value: serial, kind: 'serial' },
              { value: `${serial}-2`, kind: 'serial' },
            ],
          },
        ])
      ).statusCode,
    ).toBe(201);
    expect((await pack(order.id)).statusCode).toBe(200);

    const report = await t.app.get(RightsService).eraseSubject(`customer:${order.customer.id}`);
    expect(report.complete).toBe(true);
    const { rows: blocked } = await t.db.query<{ statute: string; until_year: number }>(
      `select b.statute, extract(year from b.blocked_until at time zone 'Europe/Berlin')::int as until_year
         from privacy.blocked_record b join order_item_serial d on d.id::text = b.record_id
        where b.record_type = 'device-serial' and d.serial = $1`,
      [serial],
    );
    expect(blocked).toEqual([
      {
        statute: expect.stringContaining('MDR') as unknown as string,
        until_year: new Date().getFullYear() + 10,
      },
    ]);
    // Still found by the recall search, marked blocked; not in the order's own reads any more.
    const found = await search(serial);
    expect(found.json()).toMatchObject({
      results: [
        { serial, orderNumber: order.number, subjectId: `customer:${order.customer.id}`, blocked: true },
      ],
    });
  });
});
