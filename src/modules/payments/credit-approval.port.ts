/**
 * The credit check payments needs before an order paid by SEPA direct debit or invoice proceeds: the
 * shop delivers before it has the money (docs/legal-facts.md, Art. 22: another method is always offered). The
 * credit-check module implements it and provides it under this token; payments reads the contract
 * here so that it depends on the shape, not on that module's code. The token is the same string the
 * credit-check module exports, so both names resolve to one provider.
 */
export const CREDIT_APPROVAL = 'CREDIT_APPROVAL';

export interface CreditApprovalRequest {
  id: string;
  subjectId: string;
  totalCents: number;
  currency: string;
  paymentMethod: 'card' | 'paypal' | 'sepa_debit' | 'invoice';
  billing: {
    firstName: string;
    lastName: string;
    street: string;
    houseNumber: string | null;
    postalCode: string;
    city: string;
    country: string;
  };
  /** YYYY-MM-DD, given voluntarily at the payment step when the agency asked for it; never stored here. */
  dateOfBirth?: string;
}

export interface CreditApprovalAnswer {
  status: 'not-required' | 'approved' | 'declined' | 'review-requested' | 'objected';
  checkId?: string;
  /** The methods the customer may pay with instead (always card and PayPal on a decline). */
  offerMethods?: string[];
  explanation?: string;
  dateOfBirthRequested?: boolean;
}

export interface CreditApproval {
  /** Idempotent per order, method and amount: called on every payment attempt. */
  requireApproval(order: CreditApprovalRequest): Promise<CreditApprovalAnswer>;
}
