import type { PaymentMethod } from './order.dto.js';
import type { OrderStatus } from './order-state-machine.js';
import { orderTotals, type OrderTotals } from './order-totals.js';

/** An address as stored on an order or invoice (normalised at placement). */
export interface OrderAddress {
  firstName: string;
  lastName: string;
  company: string | null;
  street: string;
  houseNumber: string | null;
  addressLine2: string | null;
  postalCode: string;
  city: string;
  country: string;
}

/** An order as the module reads it: plain data, whichever way it was loaded. */
export interface OrderRecord {
  id: string;
  number: string;
  status: OrderStatus;
  customerId: string | null;
  subjectId: string;
  /** The guest's email, or the account's for a customer (null once the account is erased). */
  email: string | null;
  paymentMethod: PaymentMethod;
  carrierNotificationConsent: boolean;
  deliveryAddress: OrderAddress;
  billingAddress: OrderAddress;
  subtotalCents: number;
  vatCents: number;
  totalCents: number;
  currency: string;
  placedAt: Date;
  paidAt: Date | null;
  /** How the order is taxed and shipped; absent on records read without it. */
  charges?: OrderCharges;
}

/** The VAT treatment and the shipping line of an order, fixed at placement. */
export interface OrderCharges {
  /** false for business customers: line amounts are net and VAT is added per line. */
  pricesIncludeVat: boolean;
  vatRegime: string;
  vatCountry: string;
  /** The statutory note of an exempt delivery (intra-EU supply, export). */
  vatNote: string | null;
  buyerVatId: string | null;
  buyerVatIdEvidence: string | null;
  shipping: {
    method: string;
    carrier: string | null;
    weightGrams: number | null;
    /** In the order's price basis (gross for consumers, net for businesses). */
    amountCents: number;
    vatRateBp: number;
    vatCents: number;
  } | null;
}

/** One line of an order. */
export interface OrderLine {
  lineNo: number;
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
  vatRateBp: number;
  lineTotalCents: number;
  vatCents: number;
}

export interface OrderView {
  id: string;
  number: string;
  status: OrderStatus;
  /** The buyer: the name on the billing address, and the email the order is confirmed to. */
  customer: { firstName: string; lastName: string; email: string | null; guest: boolean };
  deliveryAddress: OrderAddress;
  billingAddress: OrderAddress;
  paymentMethod: PaymentMethod;
  carrierNotificationConsent: boolean;
  items: OrderLine[];
  totals: OrderTotals & { currency: string };
  placedAt: string;
  paidAt: string | null;
  vat?: Omit<OrderCharges, 'shipping' | 'buyerVatIdEvidence'>;
  shipping?: OrderCharges['shipping'];
}

/**
 * The read model of an order: plain nested objects, so that a role-based projection (the staff
 * field masking, a packing slip, a partner payload) can pick fields by path.
 */
export function orderView(order: OrderRecord, items: readonly OrderLine[]): OrderView {
  const lines = [...items].sort((a, b) => a.lineNo - b.lineNo).map((line) => ({ ...line }));
  const totals = orderTotals(lines);
  return {
    id: order.id,
    number: order.number,
    status: order.status,
    customer: {
      firstName: order.billingAddress.firstName,
      lastName: order.billingAddress.lastName,
      email: order.email,
      guest: order.subjectId.startsWith('guest:'),
    },
    deliveryAddress: { ...order.deliveryAddress },
    billingAddress: { ...order.billingAddress },
    paymentMethod: order.paymentMethod,
    carrierNotificationConsent: order.carrierNotificationConsent,
    items: lines,
    // The stored totals are authoritative; the breakdown by rate is derived from the lines.
    totals: {
      subtotalCents: order.subtotalCents,
      vatCents: order.vatCents,
      totalCents: order.totalCents,
      currency: order.currency,
      vatBreakdown: totals.vatBreakdown,
    },
    placedAt: order.placedAt.toISOString(),
    paidAt: order.paidAt ? order.paidAt.toISOString() : null,
    ...(order.charges
      ? {
          vat: {
            pricesIncludeVat: order.charges.pricesIncludeVat,
            vatRegime: order.charges.vatRegime,
            vatCountry: order.charges.vatCountry,
            vatNote: order.charges.vatNote,
            buyerVatId: order.charges.buyerVatId,
          },
          shipping: order.charges.shipping,
        }
      : {}),
  };
}
