import { CREDIT_RISK_METHODS, type PaymentMethod } from './credit-approval.port.js';
import type { TrafficLight } from './credit-agency.port.js';

/**
 * The shop's rules for credit checks, as plain functions of the configuration: what the service applies
 * is exactly what `describeLogic` tells the person (Art. 15(1)(h), CJEU C-203/22: the procedure and
 * principles actually applied).
 */
export interface CreditCheckPolicy {
  /** Below this amount (cents) SEPA direct debit and invoice proceed without a check. */
  minAmountCents: number;
  /** A yellow result allows the method up to this amount (cents). */
  yellowMaxCents: number;
  /** Days a result is kept. */
  retentionDays: number;
}

/** What came of asking the agency. */
export type CheckOutcome = 'answered' | 'agency-unavailable' | 'date-of-birth-required';

export type CheckNeed = 'no-credit-risk' | 'below-threshold' | 'check';

/**
 * Why the threshold: below it the shop's loss from one unpaid order is smaller than the intrusion of
 * sending a person's name and address to an agency is worth (data minimisation, Art. 5(1)(c)); the shop
 * carries that small risk itself. Card and PayPal carry no credit risk for the shop, so never a check.
 */
export function checkNeed(policy: CreditCheckPolicy, method: PaymentMethod, totalCents: number): CheckNeed {
  if (!CREDIT_RISK_METHODS.has(method)) return 'no-credit-risk';
  if (totalCents < policy.minAmountCents) return 'below-threshold';
  return 'check';
}

export interface AutomatedDecision {
  status: 'approved' | 'declined';
  explanation: string;
}

const METHOD_LABEL: Record<PaymentMethod, string> = {
  card: 'card',
  paypal: 'PayPal',
  sepa_debit: 'SEPA direct debit',
  invoice: 'invoice',
};

export const methodLabel = (method: PaymentMethod): string => METHOD_LABEL[method];

export function formatAmount(cents: number, currency: string): string {
  return `${(cents / 100).toFixed(2)} ${currency}`;
}

const ALTERNATIVES =
  'You can pay by card or PayPal instead, or ask a person at the shop to review this decision.';

/**
 * The automated part of the decision: green allows, yellow allows up to a limit, red or no answer
 * declines. A declined check never ends the order: the caller offers the methods without credit risk
 * and the person may ask for a human review (Art. 22(3), CJEU C-634/21).
 */
export function decide(
  policy: CreditCheckPolicy,
  check: {
    method: PaymentMethod;
    totalCents: number;
    outcome: CheckOutcome;
    result: TrafficLight | null;
    /** The agency still could not identify the person although it received the date of birth. */
    dateOfBirthSent?: boolean;
  },
): AutomatedDecision {
  const method = methodLabel(check.method);
  if (check.outcome === 'agency-unavailable')
    return {
      status: 'declined',
      explanation: `The credit agency could not be asked just now, so payment by ${method} cannot be confirmed. ${ALTERNATIVES}`,
    };
  if (check.outcome === 'date-of-birth-required' && check.dateOfBirthSent)
    return {
      status: 'declined',
      explanation: `The credit agency could not identify you, so payment by ${method} cannot be confirmed. ${ALTERNATIVES}`,
    };
  if (check.outcome === 'date-of-birth-required')
    return {
      status: 'declined',
      explanation:
        `The credit agency cannot identify you by name and address alone. You may give your date of birth ` +
        `(voluntary: it is sent to the agency only for this check and not stored by the shop) and try again. ${ALTERNATIVES}`,
    };
  switch (check.result) {
    case 'green':
      return { status: 'approved', explanation: `The credit check allows payment by ${method}.` };
    case 'yellow':
      return check.totalCents <= policy.yellowMaxCents
        ? { status: 'approved', explanation: `The credit check allows payment by ${method} for this amount.` }
        : {
            status: 'declined',
            explanation: `The credit check allows payment by ${method} only for smaller amounts. ${ALTERNATIVES}`,
          };
    default:
      return {
        status: 'declined',
        explanation: `The credit check does not allow payment by ${method} for this order. ${ALTERNATIVES}`,
      };
  }
}

/**
 * The factors that weighed in one person's decision, in the order the rules apply them (Art. 15(1)(h),
 * CJEU C-203/22: not only the general logic, but what led to this result).
 */
export function factorsWeighed(
  policy: CreditCheckPolicy,
  check: {
    method: PaymentMethod;
    totalCents: number;
    currency: string;
    outcome: CheckOutcome;
    result: TrafficLight | null;
    score: number | null;
    dateOfBirthSent: boolean;
    reviewDecision: string | null;
  },
): string[] {
  const method = methodLabel(check.method);
  const factors = [
    `Payment method: ${method}, on which the shop delivers before it is paid (a credit risk).`,
    `Amount: ${formatAmount(check.totalCents, check.currency)}, at or above the checking threshold of ${formatAmount(policy.minAmountCents, check.currency)}.`,
  ];
  if (check.outcome === 'agency-unavailable') {
    factors.push('The credit agency gave no answer; without one the method is declined.');
  } else if (check.outcome === 'date-of-birth-required') {
    factors.push(
      check.dateOfBirthSent
        ? 'The agency could not identify you even with your date of birth.'
        : 'The agency could not identify you by name and address alone.',
    );
  } else {
    factors.push(
      `The agency's traffic light: ${check.result ?? 'none'}${check.score !== null ? `, with its score ${check.score} (the agency's own scale; the shop uses only the traffic light)` : ''}.`,
    );
    if (check.result === 'yellow') {
      factors.push(
        `Yellow allows up to ${formatAmount(policy.yellowMaxCents, check.currency)}; this amount is ${check.totalCents <= policy.yellowMaxCents ? 'within' : 'above'} that limit.`,
      );
    }
  }
  if (check.reviewDecision) factors.push(`A member of staff reviewed the decision: ${check.reviewDecision}.`);
  return factors;
}

/**
 * The meaningful information about the logic involved (Art. 15(1)(h)), with the thresholds in force.
 * `currency` is the shop's currency, in which the thresholds are counted.
 */
export function describeLogic(policy: CreditCheckPolicy, currency = 'EUR'): string {
  const min = formatAmount(policy.minAmountCents, currency);
  const yellowMax = formatAmount(policy.yellowMaxCents, currency);
  return [
    `A credit check is made only when an order is to be paid by SEPA direct debit or invoice (the shop delivers before it has the money) and its total is at least ${min}; card and PayPal orders and smaller orders are never checked.`,
    `The shop sends the credit agency the billing name and address and a reference number; the date of birth only when the agency answers that it cannot identify the person without it and the person gave it.`,
    `The agency answers with a traffic light (green, yellow or red), based on its own records of payment behaviour, and a score where it gives one.`,
    `Green: the chosen method is allowed. Yellow: allowed up to ${yellowMax}, declined above. Red, or no answer from the agency: declined.`,
    `A decline never ends the order: card and PayPal are always offered, and the person can contest the result and have it reviewed by a member of staff (support or data protection), who decides with a written reason.`,
    `A person who objects to credit checks is never checked again and is offered only card and PayPal.`,
    `The result is kept ${policy.retentionDays} days after the check, then erased.`,
  ].join(' ');
}
