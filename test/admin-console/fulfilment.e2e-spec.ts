import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { OrderStateMachine } from '../../src/modules/orders/order-state-machine.js';
import { startFakeDhl, type FakeDhl } from '../fakes/dhl/index.js';
import {
  describeInBrowser,
  launchBrowser,
  openPage,
  screenshot,
  signIn,
  staffAccount,
} from '../helpers/browser.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import {
  eventually,
  orderStatus,
  PRODUCT,
  shipmentIn,
  stockForHandoff,
} from '../carrier-handoff/handoff-fixtures.js';
import { createStaff, orderBody, placeOrder, SEED_ADDRESS } from '../orders/orders-fixtures.js';

/** A paid guest order (two pieces of the handoff product unless told), waiting in the fulfilment queue. */
async function paidOrder(
  t: TestApp,
  lastName: string,
  items: { sku: string; quantity: number }[] = [{ sku: PRODUCT.sku, quantity: 2 }],
): Promise<{ id: string; number: string }> {
  const placed = await placeOrder(
    t,
    orderBody(items, {
      email: `guest.${randomUUID().slice(0, 8)}@example.org`,
      deliveryAddress: { ...SEED_ADDRESS, lastName },
    }),
    { 'idempotency-key': randomUUID() },
  );
  expect(placed.statusCode).toBe(201);
  const order = placed.json<{ id: string; number: string; totalCents: number; currency: string }>();
  await t.app.get(OrderStateMachine).markPaid(order.id, {
    provider: 'test',
    reference: `pay-${order.id}`,
    amountCents: order.totalCents,
    currency: order.currency,
  });
  return order;
}

describeInBrowser('the staff console: the packing bench', () => {
  let t: TestApp;
  let dhl: FakeDhl;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    dhl = await startFakeDhl();
    t = await startTestApp({
      env: {
        ...dhl.env,
        JOBS_ENABLED: 'true',
        CARRIER_SIMULATORS: 'off',
        CARRIER_DEFAULT: 'dhl',
        CARRIER_HTTP_TIMEOUT_MS: '1000',
        CARRIER_HANDOFF_MAX_ATTEMPTS: '2',
        CARRIER_HANDOFF_RETRY_DELAY_SECONDS: '1',
        CARRIER_HANDOFF_RETRY_DELAY_MAX_SECONDS: '1',
        CARRIER_CIRCUIT_FAILURES: '100',
      },
    });
    await stockForHandoff(t);
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' }).then(() => t.app.getUrl());
    baseUrl = baseUrl.replace('[::1]', '127.0.0.1');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await dhl?.stop();
  });

  it('a fulfilment member signs in, picks, packs and ships an order, sees its tracking and prints its slip', async () => {
    const order = await paidOrder(t, 'Packer');
    const member = await staffAccount(t, 'fulfilment', 'Paula Packer');
    const { page, expectClean, close } = await openPage(browser, baseUrl);
    await signIn(page, baseUrl, member);

    // The queue: paid orders, oldest first.
    const row = page.getByRole('row', { name: new RegExp(order.number) });
    await row.waitFor();
    await screenshot(page, 'fulfilment-queue');
    await row.getByRole('button', { name: /Open/ }).click();
    await page.getByRole('heading', { name: `Order ${order.number}` }).waitFor();

    // Pick: the order moves to picking, and "packed" waits until every item is ticked.
    await page.getByRole('button', { name: 'Start picking' }).click();
    const packed = page.getByRole('button', { name: 'Mark as packed' });
    await packed.waitFor();
    expect(await packed.isDisabled()).toBe(true);
    const item = page.getByRole('checkbox', { name: new RegExp(PRODUCT.sku) });
    await item.focus();
    await page.keyboard.press('Space'); // keyboard, like a scanner's confirm key
    expect(await item.isChecked()).toBe(true);
    expect(await packed.isEnabled()).toBe(true);
    await screenshot(page, 'fulfilment-picking');
    await packed.click();
    // Packed (the handoff job may already have given the parcel to DHL).
    await page.getByRole('button', { name: /^(Hand to carrier|Mark as delivered)$/ }).waitFor();
    expect(['packed', 'handed_to_carrier']).toContain(await orderStatus(t, order.id));

    // Packing hands the parcel to DHL through the outbox; the console shows the tracking number.
    const shipment = await shipmentIn(t, order.id, ['created']);
    const shown = await eventually(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        await page.getByTestId('shipment').first().waitFor();
        const numbers = await page.getByTestId('tracking-number').allTextContents();
        return numbers.includes(shipment.tracking_number ?? '') ? numbers : undefined;
      },
      20_000,
      'the tracking number in the console',
    );
    expect(shown).toEqual([shipment.tracking_number]);
    await page.getByRole('button', { name: 'Track' }).click();
    await expect(page.getByTestId('tracking-state').textContent()).resolves.toContain('announced');

    // Shipped: the carrier's acceptance moved the order on (the console shows it after the refresh).
    expect(await orderStatus(t, order.id)).toBe('handed_to_carrier');
    await page.getByRole('button', { name: 'Mark as delivered' }).waitFor();
    await screenshot(page, 'fulfilment-order');

    // The packing slip: the print button opens the browser's print dialog; in print media only the
    // slip is on the page (number, recipient, items; no email, no prices).
    type Printing = { printed: number; print(): void };
    await page.evaluate(() => {
      const w = globalThis as unknown as Printing;
      w.printed = 0;
      w.print = () => {
        w.printed += 1;
      };
    });
    await page.getByRole('button', { name: 'Print packing slip' }).click();
    expect(await page.evaluate(() => (globalThis as unknown as Printing).printed)).toBe(1);
    const slip = page.getByTestId('packing-slip');
    expect(await slip.isVisible()).toBe(false);
    await page.emulateMedia({ media: 'print' });
    expect(await slip.isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Mark as delivered' }).isVisible()).toBe(false);
    const slipText = (await slip.textContent()) ?? '';
    expect(slipText).toContain(order.number);
    expect(slipText).toContain('Packer');
    expect(slipText).toContain(SEED_ADDRESS.city);
    expect(slipText).toContain(PRODUCT.sku);
    expect(slipText).not.toMatch(/@|€|EUR/);
    await screenshot(page, 'packing-slip');
    await page.emulateMedia({ media: 'screen' });
    expectClean();
    await close();
  });

  it('a dead-lettered handoff is listed and retried from the console', async () => {
    // DHL is down for the whole retry budget: the shipment ends in the dead letters.
    dhl.simulator.failFor(60_000, { status: 503 });
    const order = await paidOrder(t, 'Deadletter');
    const machine = t.app.get(OrderStateMachine);
    await machine.transition(order.id, 'picking');
    await machine.transition(order.id, 'packed');
    await shipmentIn(t, order.id, ['dead_letter']);
    dhl.simulator.recover();

    const member = await staffAccount(t, 'fulfilment');
    const { page, expectClean, close } = await openPage(browser, baseUrl, {
      viewport: { width: 1024, height: 768 }, // the packing station's tablet
    });
    await signIn(page, baseUrl, member);
    await page.getByRole('tab', { name: 'Dead-lettered handoffs' }).click();
    const row = page.getByRole('row', { name: new RegExp(order.number) });
    await row.waitFor();
    await screenshot(page, 'fulfilment-dead-letters');
    await row.getByRole('button', { name: 'Retry' }).click();
    const shipment = await shipmentIn(t, order.id, ['created']);
    expect(shipment.tracking_number).toBeTruthy();
    await row.waitFor({ state: 'detached' });
    // The failed requests of the test's own outage are expected (503s logged by nobody in the page).
    expectClean();
    await close();
  });

  it('a fulfilment member scans the serial number of each device piece, then packs the order', async () => {
    const admin = await createStaff(t, 'admin');
    const created = await t.inject({
      method: 'POST',
      url: '/api/v1/admin/products',
      headers: admin.headers,
      payload: {
        sku: 'CON-DEVICE',
        name: 'Skin analysis device',
        priceCents: 119_000,
        vatRateBp: 1900,
        stock: 100,
        tracksSerials: true,
      },
    });
    expect(created.statusCode).toBe(201);
    const order = await paidOrder(t, 'Scanner', [
      { sku: 'CON-DEVICE', quantity: 2 },
      { sku: PRODUCT.sku, quantity: 1 },
    ]);

    const member = await staffAccount(t, 'fulfilment', 'Sam Scanner');
    const { page, expectClean, close } = await openPage(browser, baseUrl, {
      viewport: { width: 1024, height: 768 }, // the packing station's tablet
    });
    await signIn(page, baseUrl, member);
    const row = page.getByRole('row', { name: new RegExp(order.number) });
    await row.getByRole('button', { name: /Open/ }).click();
    await page.getByRole('heading', { name: `Order ${order.number}` }).waitFor();
    await page.getByRole('button', { name: 'Start picking' }).click();
    await page.getByRole('button', { name: 'Mark as packed' }).waitFor();

    // Every item ticked, yet packing waits for the two serial numbers.
    for (const item of await page.getByRole('checkbox').all()) await item.check();
    const packed = page.getByRole('button', { name: 'Mark as packed' });
    expect(await packed.isDisabled()).toBe(true);
    await expect(page.getByTestId('serials-missing').textContent()).resolves.toContain('2 left');

    // A scanner types the code and sends Enter. A malformed one: the API's problem is shown.
    const field = (n: number) =>
      page.getByRole('textbox', { name: `Scan the serial number of piece ${n} of CON-DEVICE` });
    await field(1).focus();
    await page.keyboard.type('SN 1*');
    await page.keyboard.press('Enter');
    const problem = page.getByTestId('serial-scan').getByRole('alert');
    await expect(problem.textContent()).resolves.toContain('lines[0].serials[0].value');
    await field(1).fill('');
    await page.keyboard.type('(01)04012345678901(21)CONSOLE-1');
    await page.keyboard.press('Enter');
    await field(2).waitFor();
    await screenshot(page, 'fulfilment-serials');
    await page.keyboard.type('CONSOLE-2');
    await page.keyboard.press('Enter');
    await page.getByTestId('scanned-serial').nth(1).waitFor();
    expect(await page.getByTestId('scanned-serial').allTextContents()).toEqual([
      'Piece 1: (01)04012345678901(21)CONSOLE-1',
      'Piece 2: CONSOLE-2',
    ]);
    expect(await page.getByTestId('serials-missing').count()).toBe(0);

    // Both pieces scanned: the order is packed, and the serials are on record for a recall.
    await packed.click();
    // Packed (the handoff job may already have given the parcel to DHL).
    await page.getByRole('button', { name: /^(Hand to carrier|Mark as delivered)$/ }).waitFor();
    expect(['packed', 'handed_to_carrier']).toContain(await orderStatus(t, order.id));
    const recall = await t.inject({
      method: 'GET',
      url: '/api/v1/admin/device-serials?serial=CONSOLE-2',
      headers: admin.headers,
    });
    expect(recall.json<{ results: { orderNumber: string }[] }>().results).toEqual([
      expect.objectContaining({ orderNumber: order.number }),
    ]);
    // The refused scan answered 400; nothing else failed.
    expectClean([/HTTP 400: .*\/serials$/, /console error: Failed to load resource.*400/]);
    await close();
  });

  it('a fulfilment member ships an order in two parcels, each with its own tracking number', async () => {
    const order = await paidOrder(t, 'Parcels'); // two pieces
    const member = await staffAccount(t, 'fulfilment');
    const { page, expectClean, close } = await openPage(browser, baseUrl);
    await signIn(page, baseUrl, member);
    await page
      .getByRole('row', { name: new RegExp(order.number) })
      .getByRole('button', { name: /Open/ })
      .click();
    await page.getByRole('button', { name: 'Start picking' }).click();
    const pieces = page.getByRole('textbox', { name: `Pieces of ${PRODUCT.sku} in this parcel` });
    const pack = page.getByRole('button', { name: 'Pack as a parcel' });

    // The first piece goes ahead in a parcel of its own; the order is partially shipped.
    await pieces.fill('1');
    await pack.click();
    await page.getByTestId('shipment').first().waitFor(); // the parcel is a shipment at once
    await eventually(
      async () => ((await orderStatus(t, order.id)) === 'partially_shipped' ? true : undefined),
      20_000,
      'the first parcel with the carrier',
    );
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByText('partially_shipped', { exact: true }).waitFor();
    await page.getByTestId('tracking-number').first().waitFor();

    // The second piece: the last parcel, the order is with the carrier; two parcels, two tracking numbers.
    await pieces.fill('1');
    await pack.click();
    const numbers = await eventually(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        const shown = (await page.getByTestId('tracking-number').allTextContents()).filter((n) => n !== '—');
        return shown.length === 2 && (await orderStatus(t, order.id)) === 'handed_to_carrier'
          ? shown
          : undefined;
      },
      20_000,
      'both parcels with tracking numbers',
    );
    expect(new Set(numbers).size).toBe(2);
    await page.getByRole('button', { name: 'Mark as delivered' }).waitFor();
    await screenshot(page, 'fulfilment-parcels');
    expectClean();
    await close();
  });
});
