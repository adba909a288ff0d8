/**
 * The port through which payments asks whether an order may be paid with the method it chose. The
 * credit-check module implements it (CreditCheckService) and exports it under CREDIT_APPROVAL.
 *
 * The token is a string, not a Symbol, on purpose: a module that declares the same token for its own
 * reading of this contract still resolves to the same provider.
 */
export const CREDIT_APPROVAL = 'CREDIT_APPROVAL';

export const PAYMENT_METHODS = ['card', 'paypal', 'sepa_debit', 'invoice'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** Methods where the shop delivers before it has the money: only these are ever checked. */
export const CREDIT_RISK_METHODS: ReadonlySet<PaymentMethod> = new Set(['sepa_debit', 'invoice']);

/** Methods without credit risk for the shop: always offered instead of a declined one. */
export const METHODS_WITHOUT_CREDIT_RISK = ['card', 'paypal'] as const;
export type MethodWithoutCreditRisk = (typeof METHODS_WITHOUT_CREDIT_RISK)[number];

/** The billing address snapshot of the order: the person the agency is asked about. */
export interface BillingParty {
  firstName: string;
  lastName: string;
  street: string;
  /** Null where the country writes the number into the street line. */
  houseNumber: string | null;
  postalCode: string;
  city: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

export interface OrderForCreditApproval {
  id: string;
  /** The data subject, e.g. `customer:<uuid>` or `guest:<hash>` (src/common/subjects.ts). */
  subjectId: string;
  totalCents: number;
  /** ISO 4217. */
  currency: string;
  paymentMethod: PaymentMethod;
  billing: BillingParty;
  /**
   * YYYY-MM-DD, given voluntarily at the payment step. Sent to the agency only when the agency says it
   * cannot identify the person without it; never stored.
   */
  dateOfBirth?: string;
}

export type CreditApprovalStatus = 'not-required' | 'approved' | 'declined' | 'review-requested' | 'objected';

export interface CreditApprovalResult {
  /**
   * - `not-required`: card or PayPal, or an amount below CREDIT_CHECK_MIN_AMOUNT_CENTS: nothing was sent
   *   or stored, the order proceeds;
   * - `approved`: the check (or a staff review) allows the method: the order proceeds;
   * - `declined`: the check does not allow the method (red, yellow above the limit, no answer, or the
   *   agency needs a date of birth that was not given). Never the end of the order: `offerMethods` lists
   *   what the customer may pay with instead, and the customer may ask a person to review the decision
   *   (`POST /api/v1/shop/credit-checks/{checkId}/review-requests`);
   * - `review-requested`: the customer asked for a human review that is still open;
   * - `objected`: the person objected to credit checks (Art. 21) or restricted processing (Art. 18):
   *   no check is made, only methods without credit risk are offered.
   */
  status: CreditApprovalStatus;
  checkId?: string;
  offerMethods?: MethodWithoutCreditRisk[];
  /** For the customer; never holds personal data. */
  explanation?: string;
  /**
   * Set on `declined` when the agency could not identify the person without a date of birth and none
   * was given: the checkout may ask for it (voluntarily) and call requireApproval again.
   */
  dateOfBirthRequested?: boolean;
}

export interface CreditApproval {
  /**
   * Decides whether the order may be paid with its method. Idempotent per order: a second call for the
   * same order, method and amount answers from the stored check (or its review) without asking the agency
   * again, so payments may call it on every payment attempt.
   */
  requireApproval(order: OrderForCreditApproval): Promise<CreditApprovalResult>;
}
