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
import { createStaff, orderBody, placeOrder, registerCustomer } from '../orders/orders-fixtures.js';

describeInBrowser("the staff console: who received a person's data (disclosure log)", () => {
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

  it('the privacy officer looks up a customer whose order went to the carrier and sees the carrier', async () => {
    // A customer's order, paid, packed and handed to DHL by the handoff job (which logs the disclosure).
    const customer = await registerCustomer(t, 'Disclosa');
    const placed = await placeOrder(t, orderBody([{ sku: PRODUCT.sku, quantity: 1 }]), {
      ...customer.headers,
      'idempotency-key': randomUUID(),
    });
    expect(placed.statusCode).toBe(201);
    const order = placed.json<{ id: string; totalCents: number; currency: string }>();
    const machine = t.app.get(OrderStateMachine);
    await machine.markPaid(order.id, {
      provider: 'test',
      reference: `pay-${order.id}`,
      amountCents: order.totalCents,
      currency: order.currency,
    });
    await machine.transition(order.id, 'picking');
    await machine.transition(order.id, 'packed');
    await shipmentIn(t, order.id, ['created']);
    await eventually(
      async () => ((await orderStatus(t, order.id)) === 'handed_to_carrier' ? true : undefined),
      20_000,
      'the order handed to the carrier',
    );

    const officer = await staffAccount(t, 'privacy-officer', 'Petra Privacy');
    const { page, expectClean, close } = await openPage(browser, baseUrl);
    await signIn(page, baseUrl, officer);
    await page.getByRole('tab', { name: 'Disclosures' }).click();
    await page.getByRole('textbox', { name: 'Find a customer (name or email)' }).fill('Disclosa');
    await page.keyboard.press('Enter');
    await page
      .getByRole('row', { name: /Disclosa/ })
      .getByRole('button', { name: 'Show disclosures' })
      .click();

    const log = page.getByTestId('disclosure-log');
    await log.waitFor();
    await expect(log.textContent()).resolves.toContain(`customer:${customer.id}`);
    const rows = page.getByTestId('disclosure');
    const carrierRow = rows.filter({ hasText: 'dhl' });
    expect(await carrierRow.count()).toBeGreaterThanOrEqual(1);
    const text = (await carrierRow.first().textContent()) ?? '';
    expect(text).toMatch(/sent/);
    expect(text).toMatch(/carrier-handoff.*street/);
    // Only the opaque subject id travelled in the URL, and the read is in the access audit log.
    const { rows: audited } = await t.db.query<{ actor_id: string; activity_id: string }>(
      `select actor_id, activity_id from privacy.access_audit_log
        where subject_id = $1 and action = 'read:disclosures'`,
      [`customer:${customer.id}`],
    );
    expect(audited).toEqual([{ actor_id: officer.id, activity_id: 'data-subject-rights' }]);
    await page.locator('[data-loading]').first().waitFor({ state: 'detached' });
    await screenshot(page, 'privacy-disclosures');
    expectClean();
    await close();

    // The API: the privacy officer only; an email is no subject id (400 naming the field).
    const admin = await createStaff(t, 'admin');
    const officerApi = await createStaff(t, 'privacy-officer');
    const byAdmin = await t.inject({
      method: 'GET',
      url: `/api/v1/admin/privacy/disclosures?subjectId=customer:${customer.id}`,
      headers: admin.headers,
    });
    expect(byAdmin.statusCode).toBe(403);
    const byEmail = await t.inject({
      method: 'GET',
      url: `/api/v1/admin/privacy/disclosures?subjectId=${encodeURIComponent(customer.email)}`,
      headers: officerApi.headers,
    });
    expect(byEmail.statusCode).toBe(400);
    expect(byEmail.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(byEmail.json())).toContain('subjectId');
    expect(JSON.stringify(byEmail.json())).not.toContain(customer.email);
  });
});
