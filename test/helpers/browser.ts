import { describe, expect } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { StaffRole } from '../../src/common/auth/auth.guards.js';
import { StaffAccounts } from '../../src/modules/back-office/staff/staff-accounts.service.js';
import type { TestApp } from './test-app.js';

/**
 * Browser tests drive Debian's Chromium (apt-get install chromium) through playwright-core, which
 * never downloads a browser of its own. Without /usr/bin/chromium they are skipped with a message on
 * a developer's machine; in CI (CI set) they run and fail loudly instead.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const browserAvailable = existsSync(CHROMIUM_PATH);
const inCi = Boolean(process.env.CI);

/** `describe`, or `describe.skip` with a clear message when Chromium is absent outside CI. */
export function describeInBrowser(name: string, body: () => void): void {
  if (!browserAvailable && !inCi) {
    console.warn(
      `Skipping the browser tests "${name}": ${CHROMIUM_PATH} is missing (apt-get install -y chromium). ` +
        'In CI they run, and fail without it.',
    );
    describe.skip(name, body);
    return;
  }
  describe(name, body);
}

export async function launchBrowser(): Promise<Browser> {
  if (!browserAvailable) throw new Error(`${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Where the tests write the screenshots the README links to. */
export const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/**
 * A page that records what must not happen: a script error, a console error (a refused request, a
 * Content-Security-Policy violation) or a request to another origin. Call `expectClean()` at the end.
 */
export async function openPage(
  browser: Browser,
  baseUrl: string,
  options: { viewport?: { width: number; height: number }; locale?: string } = {},
): Promise<{
  page: Page;
  problems: string[];
  expectClean: (allowed?: RegExp[]) => void;
  close: () => Promise<void>;
}> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
    locale: options.locale ?? 'en-GB',
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const origin = new URL(baseUrl).origin;
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // What a Content-Security-Policy violation was, where it came from (the console message says less).
  await page.exposeFunction('reportCspViolation', (text: string) => problems.push(`CSP: ${text}`));
  // Runs in the page (DOM types are not in this project's lib, hence the narrow local types).
  await page.addInitScript(() => {
    interface Violation {
      violatedDirective: string;
      sourceFile: string;
      lineNumber: number;
      columnNumber: number;
      sample: string;
    }
    const win = globalThis as unknown as {
      reportCspViolation: (text: string) => void;
      document: { addEventListener: (type: string, listener: (e: Violation) => void) => void };
    };
    win.document.addEventListener('securitypolicyviolation', (e) => {
      win.reportCspViolation(
        `${e.violatedDirective} ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${e.sample}`,
      );
    });
  });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith('data:')) problems.push(`request elsewhere: ${url}`);
  });
  return {
    page,
    problems,
    expectClean: (allowed: RegExp[] = []) => {
      expect(problems.filter((p) => !allowed.some((a) => a.test(p)))).toEqual([]);
    },
    close: () => context.close(),
  };
}

/** A real staff account with a known password, to sign in through the console's form. */
export async function staffAccount(
  t: TestApp,
  role: StaffRole,
  displayName = `Test ${role}`,
): Promise<{ id: string; email: string; password: string }> {
  const email = `${role}-${randomUUID().slice(0, 8)}@staff.test`;
  const password = `${randomBytes(12).toString('base64url')}-Aa1`;
  const account = await t.app.get(StaffAccounts).create({ email, displayName, role, password });
  return { id: account.id, email, password };
}

/** Signs in through the console's form (keyboard only: type, Tab, Enter) and waits for the shell. */
export async function signIn(page: Page, baseUrl: string, account: { email: string; password: string }) {
  await page.goto(`${baseUrl}/admin/`);
  await page.locator('input[autocomplete="username"]').fill(account.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(account.password);
  await page.keyboard.press('Enter');
  await page.getByTestId('role').waitFor();
}
