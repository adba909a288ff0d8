import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** Public routes that take a JSON body; none may recurse into hostile input. */
const PUBLIC_ROUTES = [
  '/api/v1/shop/customers',
  '/api/v1/shop/auth/login',
  '/api/v1/shop/inquiries',
  '/api/v1/shop/addresses/validate',
  '/api/v1/shop/orders',
  '/api/v1/shop/privacy-requests',
  '/api/v1/shop/consents',
  '/api/v1/webhooks/paypal',
];

const deep = (levels: number, open = '{"a":', close = '}'): string =>
  `${open.repeat(levels)}1${close.repeat(levels)}`;

const manyKeys = (n: number): string => `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`;

describe('hostile JSON is refused while parsing, on every route', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  const post = (url: string, payload: string) =>
    t.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });

  const HOSTILE: Array<[string, string, RegExp]> = [
    ['nested 50,000 levels (objects)', deep(50_000), /nested deeper/],
    ['nested 50,000 levels (arrays)', deep(50_000, '[', ']'), /nested deeper/],
    ['20,000 keys', manyKeys(20_000), /more than/],
    ['__proto__ at the top', '{"__proto__":{"isAdmin":true}}', /forbidden key "__proto__"/],
    ['constructor.prototype deep inside', '{"a":{"constructor":{"prototype":{"x":1}}}}', /forbidden key/],
    ['malformed', '{"email": "a@example.org",', /not valid JSON/],
    ['empty', '', /empty/],
  ];

  for (const [label, payload, detail] of HOSTILE) {
    it(`answers a body ${label} with a fast 400 problem on each public route`, async () => {
      for (const url of PUBLIC_ROUTES) {
        const started = performance.now();
        const res = await post(url, payload);
        const elapsed = performance.now() - started;
        expect({ url, status: res.statusCode }).toEqual({ url, status: 400 });
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        const body = res.json<{ type: string; detail: string }>();
        expect(body.type).toMatch(/unacceptable-json|malformed-json/);
        expect(body.detail).toMatch(detail);
        // Refused before any validator recursion: well under a second on an idle machine; the bound leaves
        // room for a loaded CI runner (a recursing validator takes far longer, or overflows the stack).
        expect(elapsed).toBeLessThan(2_000);
      }
    });
  }

  it('still accepts an ordinary body (the route answers its own validation problem)', async () => {
    const res = await post('/api/v1/shop/addresses/validate', JSON.stringify({ bogus: 1 }));
    expect(res.statusCode).toBe(400);
    expect(res.json<{ type: string }>().type).toMatch(/validation-error/);
  });

  it('does not pollute Object.prototype', () => {
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});
