import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { PaymentStatus } from './payment.entities.js';
import type { PaymentMethod, ProviderId, StorefrontAction } from './payment-provider.port.js';

/** A payment row as SQL returns it. */
export interface PaymentRow {
  id: string;
  order_id: string;
  subject_id: string;
  provider: ProviderId;
  method: PaymentMethod;
  provider_reference: string | null;
  capture_reference: string | null;
  status: PaymentStatus;
  amount_cents: number;
  currency: string;
  received_cents: number | null;
  idempotency_key: string;
  succeeded_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const PAYMENT_COLUMNS =
  'id, order_id, subject_id, provider, method, provider_reference, capture_reference, status, amount_cents, ' +
  'currency, received_cents, idempotency_key, succeeded_at, created_at, updated_at';

/** A payment as the storefront and staff see it: ids, state and amounts; never an IBAN or a name. */
export interface PaymentView {
  id: string;
  orderId: string;
  method: PaymentMethod;
  provider: ProviderId;
  status: PaymentStatus;
  amountCents: number;
  currency: string;
  /** Stripe: confirm the PaymentIntent with Stripe.js using this secret (while the payment is open). */
  clientSecret?: string;
  /** PayPal: send the buyer here to approve (while not approved). */
  approvalUrl?: string;
  /** PayPal: the buyer approved; capture with POST …/payments/capture. */
  captureRequired?: boolean;
  /** SEPA direct debit: the mandate the customer gave (IBAN masked). */
  mandate?: { reference: string; creditorId: string; ibanMasked: string; signedAt: string };
  /** Invoice: the reference to put on the bank transfer. */
  transferReference?: string;
  createdAt: string;
  succeededAt: string | null;
}

export function paymentView(row: PaymentRow, extra: Partial<PaymentView> = {}): PaymentView {
  return {
    id: row.id,
    orderId: row.order_id,
    method: row.method,
    provider: row.provider,
    status: row.status,
    amountCents: row.amount_cents,
    currency: row.currency.trim(),
    ...extra,
    createdAt: new Date(row.created_at).toISOString(),
    succeededAt: row.succeeded_at ? new Date(row.succeeded_at).toISOString() : null,
  };
}

/** Only while the customer still has something to do. */
export function actionFields(action: StorefrontAction): Partial<PaymentView> {
  return {
    ...(action.clientSecret ? { clientSecret: action.clientSecret } : {}),
    ...(action.approvalUrl ? { approvalUrl: action.approvalUrl } : {}),
  };
}

/**
 * The idempotency key the provider sees: derived from the order and the client's Idempotency-Key, so
 * a retry with the same key reaches the provider with the same key (and creates nothing twice), two
 * orders never share one, and it fits PayPal-Request-Id's 108 characters.
 */
export function providerIdempotencyKey(orderId: string, clientKey: string, purpose = 'create'): string {
  return `sf-${purpose}-${createHash('sha256').update(`${orderId}\n${clientKey}`).digest('base64url').slice(0, 43)}`;
}

export async function paymentByKey(
  manager: EntityManager,
  orderId: string,
  key: string,
): Promise<PaymentRow | undefined> {
  const rows: PaymentRow[] = await manager.query(
    `select ${PAYMENT_COLUMNS} from payment where order_id = $1 and idempotency_key = $2`,
    [orderId, key],
  );
  return rows[0];
}

/** In one round trip: the order's payment with this key, and its open payment (often the same one). */
export async function keyedAndOpen(
  manager: EntityManager,
  orderId: string,
  key: string,
): Promise<{ keyed?: PaymentRow; open?: PaymentRow }> {
  const rows: PaymentRow[] = await manager.query(
    `select ${PAYMENT_COLUMNS} from payment
      where order_id = $1 and (idempotency_key = $2 or status in ('creating', 'pending'))`,
    [orderId, key],
  );
  return {
    keyed: rows.find((r) => r.idempotency_key === key),
    open: rows.find((r) => r.status === 'creating' || r.status === 'pending'),
  };
}

export async function openPayment(manager: EntityManager, orderId: string): Promise<PaymentRow | undefined> {
  const rows: PaymentRow[] = await manager.query(
    `select ${PAYMENT_COLUMNS} from payment where order_id = $1 and status in ('creating', 'pending')`,
    [orderId],
  );
  return rows[0];
}

/** The order's payments, newest first. */
export async function paymentsOfOrder(manager: EntityManager, orderId: string): Promise<PaymentRow[]> {
  return manager.query(
    `select ${PAYMENT_COLUMNS} from payment where order_id = $1 order by created_at desc`,
    [orderId],
  );
}

/** A unique violation (the partial index or the key): another request got there first. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } } | undefined;
  return e?.code === '23505' || e?.driverError?.code === '23505';
}

/**
 * The rows of an UPDATE … RETURNING: TypeORM's postgres driver answers `[rows, affected]` for UPDATE and
 * DELETE, and the rows themselves for SELECT and INSERT.
 */
export function returned<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  )
    return result[0] as T[];
  return result as T[];
}
