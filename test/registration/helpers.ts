import { randomUUID } from 'node:crypto';
import type { TestApp } from '../helpers/test-app.js';

/** A password that passes the policy (long, not on the breached list). */
export const GOOD_PASSWORD = 'Willich-Siemensring-98';

let clients = 0;
/** A client address of its own, so one test's attempts never count against another's throttle. */
export const freshIp = (): string => {
  clients += 1;
  return `10.77.${Math.floor(clients / 250)}.${(clients % 250) + 1}`;
};

export const newCustomer = (overrides: Record<string, unknown> = {}) => ({
  email: `erika-${randomUUID()}@example.org`,
  password: GOOD_PASSWORD,
  firstName: 'Erika',
  lastName: 'Mustermann',
  ...overrides,
});

export const register = (t: TestApp, body: Record<string, unknown>, ip = freshIp()) =>
  t.inject({ method: 'POST', url: '/api/v1/shop/customers', payload: body, remoteAddress: ip });

export const login = (t: TestApp, email: string, password: string, ip = freshIp()) =>
  t.inject({
    method: 'POST',
    url: '/api/v1/shop/auth/login',
    payload: { email, password },
    remoteAddress: ip,
  });

export interface SignedIn {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  auth: { authorization: string };
}

/** Registers a customer and signs them in. */
export async function signedInCustomer(
  t: TestApp,
  overrides: Record<string, unknown> = {},
): Promise<SignedIn> {
  const body = newCustomer(overrides);
  const registered = await register(t, body);
  if (registered.statusCode !== 202) throw new Error(`registration failed: ${registered.body}`);
  const res = await login(t, body.email, body.password);
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.body}`);
  const tokens = res.json<{ accessToken: string; refreshToken: string }>();
  const auth = { authorization: `Bearer ${tokens.accessToken}` };
  const me = await t.inject({ method: 'GET', url: '/api/v1/shop/me', headers: auth });
  return {
    id: me.json<{ id: string }>().id,
    email: body.email,
    password: body.password,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    auth,
  };
}

/** Polls until `probe` answers something (the job worker runs on its own schedule). */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting for the condition');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface MailboxRow {
  template: string;
  subject_id: string;
  to_address: string;
  subject_line: string;
  body_text: string;
}

/** The development mailbox's messages to one address. */
export async function mailTo(t: TestApp, address: string): Promise<MailboxRow[]> {
  const { rows } = await t.db.query<MailboxRow & { created_at: Date }>(
    `select template, subject_id, to_address, subject_line, body_text, created_at from outbound_message
      where lower(to_address) = lower($1) order by created_at`,
    [address],
  );
  return rows;
}
