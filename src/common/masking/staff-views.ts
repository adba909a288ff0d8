import { STAFF_ROLES, type StaffRole } from '../auth/auth.guards.js';

/**
 * THE policy of what each staff role sees of each kind of record ("view"): role → view → the field
 * paths it may receive. Routes do not pick fields; they return whole records and name their view with
 * `@StaffView(...)`, and StaffViewInterceptor projects the answer onto these lists (see ./README.md).
 *
 * Paths follow `project()`: dotted, arrays transparent, a path allows everything under it. A role
 * missing from a view may not read that view at all (403). Change a view here, and only here.
 *
 * Why the roles see what they see (Art. 5(1)(c) data minimisation, Art. 25(2) by default, Art. 32(4)):
 * - fulfilment picks, packs and labels parcels: the name and the delivery address, the items (with the
 *   serial numbers fulfilment itself scans for device lines). Never
 *   email, phone, payment or credit data: the German supervisory authorities hold that even the carrier
 *   gets email/phone only with consent, so the packing bench needs them even less.
 * - support answers customers: contact data (email, phone, company) on top, billing address, payment
 *   method and amounts to answer "was I charged?". Not the date of birth (only the credit agency needs
 *   it) nor payment-provider or credit-check details.
 * - privacy-officer answers data-subject requests (Art. 15 ff.) and must see everything that is held.
 * - admin runs the shop's accounts and settings and handles escalations like support: the same fields
 *   as support, deliberately not more. Administering the system is not a reason to read credit data,
 *   and an all-seeing admin role is the first thing an attacker or an insider aims for; what support
 *   may not see, an admin asks the privacy officer for.
 */

const ADDRESS_FIELDS = [
  'firstName',
  'lastName',
  'company',
  'street',
  'houseNumber',
  'addressLine2',
  'postalCode',
  'city',
  'country',
] as const;

const under = (parent: string, fields: readonly string[]): string[] => fields.map((f) => `${parent}.${f}`);

// ---- customer: a customer account with its address book (back-office customer routes) -------------

const CUSTOMER_FULFILMENT = [
  'id',
  'firstName',
  'lastName',
  'addresses.id',
  'addresses.label',
  ...under('addresses', ADDRESS_FIELDS),
  'addresses.isDefaultDelivery',
];
const CUSTOMER_SUPPORT = [
  ...CUSTOMER_FULFILMENT,
  'email',
  'phone',
  'company',
  'createdAt',
  'addresses.isDefaultBilling',
];
const CUSTOMER_ALL = [...CUSTOMER_SUPPORT, 'dateOfBirth', 'updatedAt', 'addresses.createdAt'];

// ---- order: an order with its items, addresses and payment (for the orders module) ----------------

const ORDER_FULFILMENT = [
  'id',
  'number',
  'status',
  'createdAt',
  'items.lineNo',
  'items.sku',
  'items.name',
  'items.quantity',
  'items.tracksSerials',
  'items.serials',
  ...under('deliveryAddress', ADDRESS_FIELDS),
  'shipments.carrier',
  'shipments.trackingNumber',
  'shipments.status',
];
const ORDER_SUPPORT = [
  ...ORDER_FULFILMENT,
  'customerId',
  'email',
  'phone',
  ...under('billingAddress', ADDRESS_FIELDS),
  'paymentMethod',
  'paymentStatus',
  'items.unitPriceCents',
  'items.totalCents',
  'totalCents',
  'currency',
  'carrierNotificationConsent',
];
const ORDER_ALL = [...ORDER_SUPPORT, 'payment', 'creditCheck', 'updatedAt'];

// ---- staff-account and partner: the back office's own records (admin routes) ------------------------

const STAFF_ACCOUNT_ALL = [
  'id',
  'email',
  'displayName',
  'role',
  'active',
  'createdAt',
  'lastLoginAt',
  'deactivatedAt',
];

const PARTNER_ALL = [
  'id',
  'name',
  'kind',
  'recipientId',
  'contactName',
  'contactEmail',
  'active',
  'createdAt',
  'deactivatedAt',
];

export type ViewPolicy = Readonly<Partial<Record<StaffRole, readonly string[]>>>;

export const STAFF_VIEWS = {
  customer: {
    fulfilment: CUSTOMER_FULFILMENT,
    support: CUSTOMER_SUPPORT,
    'privacy-officer': CUSTOMER_ALL,
    admin: CUSTOMER_SUPPORT,
  },
  order: {
    fulfilment: ORDER_FULFILMENT,
    support: ORDER_SUPPORT,
    'privacy-officer': ORDER_ALL,
    admin: ORDER_SUPPORT,
  },
  'staff-account': { admin: STAFF_ACCOUNT_ALL },
  partner: { admin: PARTNER_ALL },
} as const satisfies Record<string, ViewPolicy>;

export type StaffViewName = keyof typeof STAFF_VIEWS;

/** The paths `role` may receive of `view`, or undefined when the role may not read the view at all. */
export function viewFields(view: StaffViewName, role: string): readonly string[] | undefined {
  const policy: ViewPolicy = STAFF_VIEWS[view];
  return (STAFF_ROLES as readonly string[]).includes(role) ? policy[role as StaffRole] : undefined;
}

/** Whether `role` may see the field at `path` of `view` (the field itself or a parent is allowed). */
export function maySee(view: StaffViewName, role: string, path: string): boolean {
  return (viewFields(view, role) ?? []).some((allowed) => path === allowed || path.startsWith(`${allowed}.`));
}

/** The roles that see `path` of `view`, for the API documentation ("visible to: support, admin"). */
export function rolesSeeing(view: StaffViewName, path: string): StaffRole[] {
  return STAFF_ROLES.filter((role) => maySee(view, role, path));
}

/** A line for an OpenAPI description: which roles receive this field. */
export const visibleTo = (view: StaffViewName, path: string): string =>
  `Visible to: ${rolesSeeing(view, path).join(', ') || 'no role'}.`;
