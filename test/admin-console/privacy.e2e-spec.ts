import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import {
  describeInBrowser,
  launchBrowser,
  openPage,
  screenshot,
  signIn,
  staffAccount,
} from '../helpers/browser.js';
import { adminHeaders, startTestApp, staffToken, type TestApp } from '../helpers/test-app.js';
import { orderBody, placeOrder, stockProducts } from '../orders/orders-fixtures.js';

interface RecordJson {
  activities: {
    id: string;
    legalBasis: { article: string };
    dataCategories: { id: string; special: boolean }[];
    recipients: { id: string }[];
    processors: { id: string }[];
  }[];
}

const daysAgo = (days: number): string => new Date(Date.now() - days * 86_400_000).toISOString();

describeInBrowser('the staff console: the privacy officer', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let officerApi: { authorization: string };

  /** A request recorded the way the console records it, through the staff API. */
  async function recorded(type: string, email: string, receivedAt: string): Promise<string> {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/admin/privacy/requests',
      headers: officerApi,
      payload: {
        type,
        email,
        receivedVia: 'letter',
        receivedAt,
        identityCheck: 'Signed letter, address matches the order',
      },
    });
    expect(res.statusCode).toBe(201);
    return res.json<{ request: { id: string } }>().request.id;
  }

  beforeAll(async () => {
    t = await startTestApp();
    officerApi = { authorization: `Bearer ${await staffToken(t, 'privacy-officer')}` };
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('sees the requests by due date with the overdue ones first, extends one, and answers an access request', async () => {
    // Two open erasure requests (waiting for the person's confirmation): one received 40 days ago
    // (overdue: a month has passed), one today.
    const recent = await recorded('erasure', `recent.${randomUUID().slice(0, 8)}@example.org`, daysAgo(0));
    const overdue = await recorded('erasure', `late.${randomUUID().slice(0, 8)}@example.org`, daysAgo(40));
    // A guest who ordered: their access request gets a real answer.
    await stockProducts(t, [{ sku: 'DV-PRIVACY', priceCents: 9_900, stock: 10 }]);
    const guest = `guest.${randomUUID().slice(0, 8)}@example.org`;
    const placed = await placeOrder(t, orderBody([{ sku: 'DV-PRIVACY', quantity: 1 }], { email: guest }), {
      'idempotency-key': randomUUID(),
    });
    expect(placed.statusCode).toBe(201);

    const officer = await staffAccount(t, 'privacy-officer', 'Petra Privacy');
    const { page, expectClean, close } = await openPage(browser, baseUrl);
    await signIn(page, baseUrl, officer);

    const rows = page.getByTestId('request-queue').locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).getAttribute('data-overdue')).toBe('true');
    expect(await rows.nth(1).getAttribute('data-overdue')).toBe('false');
    expect(await rows.nth(0).textContent()).toContain('overdue');

    // The recent one: extended by a month with a reason (Art. 12(3)).
    await rows.nth(1).getByRole('button', { name: 'Open' }).click();
    const detail = page.getByTestId('request-detail');
    await detail.waitFor();
    await detail.getByLabel('Reason (told to the person)').fill('Many systems to search for the erasure.');
    await detail.getByRole('button', { name: 'Extend' }).click();
    await page.getByTestId('request-queue').getByText('extended').waitFor();
    const { rows: extended } = await t.db.query<{ extended_due_at: Date | null }>(
      'select extended_due_at from privacy_request where id = $1',
      [recent],
    );
    expect(extended[0].extended_due_at).not.toBeNull();
    await screenshot(page, 'privacy-requests');

    // A letter asking for access: recorded with the identity check, answered at once, the answer shown.
    await page.getByLabel('Email address the shop holds for the person').fill(guest);
    await page.getByLabel('How the identity was checked').fill('Signed letter; address matches order');
    await page.getByRole('button', { name: 'Record and answer' }).click();
    const preview = page.getByTestId('answer-preview');
    await preview.waitFor();
    expect(await preview.textContent()).toContain('order');
    await page.getByTestId('disclosures').waitFor();
    await screenshot(page, 'privacy-answer');
    const { rows: answered } = await t.db.query<{ status: string; type: string }>(
      `select status, type from privacy_request where contact_email = $1`,
      [guest],
    );
    expect(answered).toEqual([{ status: 'completed', type: 'access' }]);
    expect(overdue).not.toBe(recent);
    expectClean();
    await close();
  });

  it('sees the Art. 30 record and the data map drawn from the registry, and verifies the audit chain', async () => {
    const record = (
      await t.inject({
        method: 'GET',
        url: '/api/v1/admin/privacy/record?format=json',
        headers: adminHeaders,
      })
    ).json<RecordJson>();
    const officer = await staffAccount(t, 'privacy-officer');
    const { page, expectClean, close } = await openPage(browser, baseUrl, {
      viewport: { width: 1400, height: 900 },
    });
    await signIn(page, baseUrl, officer);

    await page.getByRole('tab', { name: 'Art. 30 record' }).click();
    await page.getByRole('heading', { name: 'Record of processing activities' }).waitFor();
    await screenshot(page, 'privacy-art30-record');

    await page.getByRole('tab', { name: 'Data map' }).click();
    const map = page.getByTestId('data-map');
    await map.waitFor();
    // Every activity of the registry, coloured by its legal basis; every category; every recipient.
    const activities = map.locator('[data-activity]');
    expect(await activities.count()).toBe(record.activities.length);
    for (const a of record.activities) {
      expect(await map.locator(`[data-activity="${a.id}"]`).getAttribute('data-basis')).toBe(
        a.legalBasis.article,
      );
    }
    const categories = new Set(record.activities.flatMap((a) => a.dataCategories.map((c) => c.id)));
    expect(await map.locator('[data-category]').count()).toBe(categories.size);
    const special = new Set(
      record.activities.flatMap((a) => a.dataCategories.filter((c) => c.special).map((c) => c.id)),
    );
    // The device analysis processes health data (Art. 9): those categories are marked.
    expect(special.size).toBeGreaterThan(0);
    expect(await map.locator('[data-special="true"]').count()).toBe(special.size);
    for (const id of special) {
      expect(await map.locator(`[data-category="${id}"]`).textContent()).toContain('Art. 9');
    }
    const recipients = new Set(
      record.activities.flatMap((a) => [...a.recipients, ...a.processors].map((r) => r.id)),
    );
    expect(await map.locator('[data-recipient]').count()).toBe(recipients.size);
    // Runs in the page: the nodes are SVG <g> elements (no DOM types in this project's lib).
    type SvgNode = { getAttribute(n: string): string | null; querySelector(s: string): SvgNode | null };
    const colours = await activities.evaluateAll((nodes: unknown[]): [string | null, string | null][] =>
      (nodes as SvgNode[]).map((n) => [
        n.getAttribute('data-basis'),
        n.querySelector('rect')?.getAttribute('fill') ?? null,
      ]),
    );
    const colourOf = new Map<string | null, string | null>();
    for (const [basis, fill] of colours) {
      if (colourOf.has(basis)) expect(fill).toBe(colourOf.get(basis));
      colourOf.set(basis, fill);
    }
    expect(new Set(colourOf.values()).size).toBe(colourOf.size);
    await screenshot(page, 'privacy-data-map');

    await page.getByRole('tab', { name: 'Audit chain' }).click();
    await page.getByRole('button', { name: 'Verify the audit chain' }).click();
    await expect(page.getByTestId('audit-result').textContent()).resolves.toMatch(
      /The chain is intact: \d+ entries/,
    );
    expectClean();
    await close();
  });
});
