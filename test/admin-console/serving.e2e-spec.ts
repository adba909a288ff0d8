import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CONSOLE_CSP } from '../../src/modules/admin-console/index.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** The console as the backend serves it: files from dist/console (built by `npm test`'s pretest). */
describe('the staff console at /admin', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('redirects /admin to /admin/ and serves the page with a strict Content-Security-Policy', async () => {
    const bare = await t.inject({ method: 'GET', url: '/admin' });
    expect(bare.statusCode).toBeGreaterThanOrEqual(301);
    expect(bare.statusCode).toBeLessThanOrEqual(308);
    expect(bare.headers.location).toBe('/admin/');

    const page = await t.inject({ method: 'GET', url: '/admin/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toBe(CONSOLE_CSP);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['cache-control']).toBe('no-cache');
    // No inline script: every <script> has a src on this origin.
    const scripts = [...page.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/src="\/admin\/assets\/[^"]+\.js"/);
      expect(body.trim()).toBe('');
    }
    expect(page.body).not.toMatch(/<style\b/);
  });

  it('serves the hashed assets cacheable for a year, with the same headers', async () => {
    const page = await t.inject({ method: 'GET', url: '/admin/' });
    const script = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    const asset = await t.inject({ method: 'GET', url: script! });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-security-policy']).toBe(CONSOLE_CSP);
  });

  it('leaves the staff API alone and refuses dotfiles and paths outside the console', async () => {
    const api = await t.inject({ method: 'POST', url: '/api/v1/admin/auth/login', payload: {} });
    expect(api.statusCode).toBe(400);
    expect(api.headers['content-security-policy']).toBeUndefined();
    const traversal = await t.inject({ method: 'GET', url: '/admin/..%2F..%2Fpackage.json' });
    expect([403, 404]).toContain(traversal.statusCode);
    expect(traversal.body).not.toContain('privacy-storefront');
  });
});
