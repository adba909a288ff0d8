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

const ERIKA = {
  email: 'erika.mustermann@example.org',
  firstName: 'Erika',
  lastName: 'Mustermann',
  phone: '+49 2154 123456',
  company: 'Hautarztpraxis Mustermann',
  dateOfBirth: '1970-05-17',
};

describeInBrowser('the staff console: support', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let erikaId: string;

  beforeAll(async () => {
    t = await startTestApp();
    // The registration module owns the table; a customer as it stores one (like test/back-office).
    const { rows } = await t.db.query<{ id: string }>(
      `insert into customer (email, email_normalized, password_hash, first_name, last_name, phone, company, date_of_birth)
       values ($1, $1, 'not-a-real-hash', $2, $3, $4, $5, $6) returning id`,
      [ERIKA.email, ERIKA.firstName, ERIKA.lastName, ERIKA.phone, ERIKA.company, ERIKA.dateOfBirth],
    );
    erikaId = rows[0].id;
    await t.db.query(
      `insert into customer_address (customer_id, label, first_name, last_name, street, house_number, postal_code, city, country, is_default_delivery, is_default_billing)
       values ($1, 'Praxis', 'Erika', 'Mustermann', 'Siemensring', '98', '47877', 'Willich', 'DE', true, true)`,
      [erikaId],
    );
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a support member finds a customer and sees the contact data, never the date of birth', async () => {
    const member = await staffAccount(t, 'support', 'Sam Support');
    const { page, expectClean, close } = await openPage(browser, baseUrl);
    await signIn(page, baseUrl, member);

    await page.getByLabel('Name, email or customer id').fill('Mustermann');
    await page.keyboard.press('Enter');
    const row = page.getByRole('row', { name: /Erika Mustermann/ });
    await row.waitFor();
    const answer = page.waitForResponse((r) => r.url().endsWith(`/api/v1/admin/customers/${erikaId}`));
    await row.getByRole('button', { name: 'Open' }).click();
    // What the server sent for this role: the masking is the API's, the page only shows what came.
    const body = (await (await answer).json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('dateOfBirth');
    expect(body).toHaveProperty('email', ERIKA.email);

    const card = page.getByTestId('customer');
    await card.waitFor();
    const text = (await card.textContent()) ?? '';
    expect(text).toContain(ERIKA.email);
    expect(text).toContain(ERIKA.phone);
    expect(text).toContain(ERIKA.company);
    expect(text).not.toContain('Date of birth');
    expect(await page.content()).not.toContain('1970');
    expect(await card.locator('[data-field="dateOfBirth"]').count()).toBe(0);
    await screenshot(page, 'support-customer');

    // The token lives in memory only: no storage, no cookie, and a reload asks to sign in again.
    type Storage = { length: number };
    const stored = await page.evaluate(() => {
      const w = globalThis as unknown as {
        localStorage: Storage;
        sessionStorage: Storage;
        document: { cookie: string };
      };
      return { local: w.localStorage.length, session: w.sessionStorage.length, cookie: w.document.cookie };
    });
    expect(stored).toEqual({ local: 0, session: 0, cookie: '' });
    expect((await page.context().cookies()).length).toBe(0);
    await page.reload();
    await page.locator('input[autocomplete="username"]').waitFor();
    expect(await page.getByTestId('role').count()).toBe(0);
    expectClean();
    await close();
  });

  it('a support member answers an inquiry and closes it', async () => {
    const submitted = await t.inject({
      method: 'POST',
      url: '/api/v1/shop/inquiries',
      remoteAddress: '198.51.100.7',
      payload: {
        name: 'Erika Mustermann',
        email: ERIKA.email,
        message: 'Does the DermaScope 200 work with our practice software?',
      },
    });
    expect(submitted.statusCode).toBe(202);
    const inquiryId = submitted.json<{ id: string }>().id;

    const member = await staffAccount(t, 'support');
    const { page, expectClean, close } = await openPage(browser, baseUrl, { locale: 'de-DE' });
    await signIn(page, baseUrl, member);
    // German, as the browser asks for it.
    await page.getByRole('tab', { name: 'Anfragen' }).click();
    await page.getByRole('button', { name: 'Öffnen' }).first().click();
    await page.getByText('Does the DermaScope 200 work').waitFor();
    await page.getByLabel('Antwort').fill('Yes: it exports DICOM and PDF.');
    await page.getByRole('button', { name: 'Antwort senden' }).click();
    await page.getByTestId('inquiry-answer').getByText('Yes: it exports DICOM and PDF.').waitFor();
    await screenshot(page, 'support-inquiry');
    const stored = await t.inject({
      method: 'GET',
      url: `/api/v1/admin/inquiries/${inquiryId}`,
      headers: { authorization: `Bearer ${await staffToken(t, 'support')}` },
    });
    expect(stored.json<{ answers: { text: string; answeredBy: string }[] }>().answers).toEqual([
      expect.objectContaining({ text: 'Yes: it exports DICOM and PDF.', answeredBy: member.id }),
    ]);

    await page.getByRole('button', { name: 'Anfrage schließen' }).click();
    await page.getByTestId('inquiry-detail').waitFor({ state: 'detached' });
    const { rows } = await t.db.query<{ status: string }>('select status from inquiry where id = $1', [
      inquiryId,
    ]);
    // Closed (kept until the answer is sent) or already deleted: either way not open any more.
    expect(rows.length === 0 || rows[0].status === 'closed').toBe(true);
    expectClean();
    await close();
  });
});
