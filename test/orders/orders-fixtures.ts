import { randomUUID } from 'node:crypto';
import { TokenService } from '../../src/common/auth/token.service.js';
import type { StaffRole } from '../../src/common/auth/auth.guards.js';
import type { TestApp } from '../helpers/test-app.js';

/** The shop's own address, the seed's: valid as it stands. */
export const SEED_ADDRESS = {
  firstName: 'Erika',
  lastName: 'Mustermann',
  company: null,
  street: 'Siemensring',
  houseNumber: '98',
  addressLine2: null,
  postalCode: '47877',
  city: 'Willich',
  country: 'DE',
};

export interface TestProduct {
  sku: string;
  priceCents: number;
  vatRateBp?: number;
  stock: number;
  active?: boolean;
  name?: string;
}

/** Inserts (or resets) products straight into the catalogue; answers their ids by SKU. */
export async function stockProducts(t: TestApp, products: TestProduct[]): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const p of products) {
    const { rows } = await t.db.query<{ id: string }>(
      `insert into product (sku, name, price_cents, vat_rate_bp, stock, active)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (sku) do update set name = excluded.name, price_cents = excluded.price_cents,
         vat_rate_bp = excluded.vat_rate_bp, stock = excluded.stock, active = excluded.active
       returning id`,
      [p.sku, p.name ?? `Product ${p.sku}`, p.priceCents, p.vatRateBp ?? 1900, p.stock, p.active ?? true],
    );
    ids[p.sku] = rows[0].id;
  }
  return ids;
}

export async function stockOf(t: TestApp, sku: string): Promise<number> {
  const { rows } = await t.db.query<{ stock: number }>('select stock from product where sku = $1', [sku]);
  return rows[0].stock;
}

/**
 * A customer account, inserted directly (the registration module owns the table and its routes),
 * and a customer access token for it as the registration module signs them.
 */
export async function registerCustomer(
  t: TestApp,
  name = 'Erika',
): Promise<{ id: string; email: string; headers: { authorization: string } }> {
  const id = randomUUID();
  const email = `${name.toLowerCase()}.${id.slice(0, 8)}@example.org`;
  await t.db.query(
    `insert into customer (id, email, email_normalized, password_hash, first_name, last_name)
     values ($1, $2, $2, 'not-a-real-hash', $3, 'Mustermann')`,
    [id, email, name],
  );
  const { token } = t.app.get(TokenService).sign({ sub: id, kind: 'customer' });
  return { id, email, headers: { authorization: `Bearer ${token}` } };
}

/**
 * A staff member with an active account (the back office's table: its ActiveStaffGuard checks the
 * account behind every staff token) and a staff access token for them.
 */
export async function createStaff(
  t: TestApp,
  role: StaffRole,
): Promise<{ id: string; headers: { authorization: string } }> {
  const id = randomUUID();
  await t.db.query(
    `insert into staff_account (id, email, email_normalized, password_hash, display_name, role)
     values ($1, $2, $2, 'not-a-real-hash', $3, $4)`,
    [id, `${role}.${id.slice(0, 8)}@shop.example`, `Test ${role}`, role],
  );
  const { token } = t.app.get(TokenService).sign({ sub: id, kind: 'staff', role });
  return { id, headers: { authorization: `Bearer ${token}` } };
}

export interface OrderBody {
  email?: string;
  items: { sku: string; quantity: number }[];
  deliveryAddress?: Record<string, unknown>;
  billingAddress?: Record<string, unknown> | null;
  paymentMethod?: string;
  carrierNotificationConsent?: boolean;
  [extra: string]: unknown;
}

export function orderBody(
  items: { sku: string; quantity: number }[],
  extra: Partial<OrderBody> = {},
): OrderBody {
  return { items, deliveryAddress: SEED_ADDRESS, paymentMethod: 'card', ...extra };
}

export function placeOrder(t: TestApp, body: OrderBody, headers: Record<string, string> = {}) {
  return t.inject({ method: 'POST', url: '/api/v1/shop/orders', payload: body, headers });
}
