import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import {
  describeInBrowser,
  launchBrowser,
  openPage,
  screenshot,
  signIn,
  staffAccount,
} from '../helpers/browser.js';
import { startTestApp, staffToken, type TestApp } from '../helpers/test-app.js';
import { eventually } from '../carrier-handoff/handoff-fixtures.js';
import { stockOf, stockProducts } from '../orders/orders-fixtures.js';

describeInBrowser('the staff console: administration', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('an administrator changes a role, issues a partner key shown once, and adjusts stock', async () => {
    const admin = await staffAccount(t, 'admin', 'Anna Admin');
    const colleague = await staffAccount(t, 'support', 'Carla Colleague');
    const created = await t.inject({
      method: 'POST',
      url: '/api/v1/admin/partners',
      headers: { authorization: `Bearer ${await staffToken(t, 'admin')}` },
      payload: { name: 'DHL Paket GmbH', kind: 'carrier', recipientId: 'dhl' },
    });
    expect(created.statusCode).toBe(201);
    const partnerId = created.json<{ id: string }>().id;
    const products = await stockProducts(t, [{ sku: 'DV-ADMIN', priceCents: 12_300, stock: 5 }]);

    const { page, expectClean, close } = await openPage(browser, baseUrl);
    await signIn(page, baseUrl, admin);
    // An administrator sees every area; the API decides what each route shows.
    for (const area of ['Fulfilment', 'Support', 'Privacy', 'Administration']) {
      await page.getByRole('button', { name: area, exact: true }).waitFor();
    }
    await page.getByRole('button', { name: 'Administration', exact: true }).click();

    // Staff and roles: Carla becomes fulfilment, the list opened with the keyboard.
    const role = page.getByRole('combobox', { name: 'Role Carla Colleague' });
    await role.focus();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('option', { name: 'fulfilment' }).waitFor();
    await page.getByRole('option', { name: 'fulfilment' }).click();
    const roleOf = async () =>
      (await t.db.query<{ role: string }>('select role from staff_account where id = $1', [colleague.id]))
        .rows[0].role;
    await eventually(
      async () => ((await roleOf()) === 'fulfilment' ? true : undefined),
      5_000,
      'the new role',
    );
    await screenshot(page, 'admin-staff');

    // Partners and keys: the key is shown once, its prefix stays listed.
    await page.getByRole('tab', { name: 'Partners and keys' }).click();
    await page.getByRole('button', { name: 'API keys' }).click();
    await page.getByRole('button', { name: 'Issue key' }).click();
    const issued = page.getByText(/Shown once/);
    await issued.waitFor();
    const { rows: keys } = await t.db.query<{ prefix: string }>(
      'select prefix from partner_api_key where partner_id = $1',
      [partnerId],
    );
    expect(keys).toHaveLength(1);
    expect(await page.content()).toContain(`${keys[0].prefix}…`);
    await screenshot(page, 'admin-partner-keys');

    // Catalogue: stock adjusted by +3.
    await page.getByRole('tab', { name: 'Catalogue' }).click();
    await page.getByLabel('Stock adjustment DV-ADMIN').fill('3');
    await page
      .getByRole('row', { name: /DV-ADMIN/ })
      .getByRole('button', { name: 'Apply' })
      .click();
    await page
      .getByRole('row', { name: /DV-ADMIN/ })
      .getByRole('cell', { name: '8', exact: true })
      .waitFor();
    expect(await stockOf(t, 'DV-ADMIN')).toBe(8);
    expect(products['DV-ADMIN']).toBeDefined();
    await screenshot(page, 'admin-catalogue');
    expectClean();
    await close();
  });
});
