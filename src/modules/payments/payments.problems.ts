import { HttpStatus } from '@nestjs/common';
import { ProviderCircuitOpen } from '../../common/resilience/provider-resilience.js';
import { DomainError } from '@app/core';
import { conflict, ProblemException, ValidationProblem } from '../../common/problem/problem.js';
import type { CreditApprovalAnswer } from './credit-approval.port.js';
import type { OrderStatus } from '../orders/index.js';
import type { PaymentMethod } from './payment-provider.port.js';

/** The expected failures of the payments module, as problem+json. Ids and amounts only, never personal data. */

export const orderNotPayable = (orderNumber: string, status: OrderStatus): ProblemException =>
  conflict('order-not-payable', `Order ${orderNumber} is ${status} and cannot be paid.`, {
    orderStatus: status,
  });

export const orderAlreadyPaid = (orderNumber: string): ProblemException =>
  conflict('order-already-paid', `Order ${orderNumber} is paid already.`);

export const methodUnavailable = (method: PaymentMethod): ProblemException =>
  new ProblemException(
    HttpStatus.SERVICE_UNAVAILABLE,
    'payment-method-unavailable',
    'Payment method unavailable',
    `Payment by ${method} is not available at the moment; please choose another method.`,
    { method },
  );

export const providerUnavailable = (): ProblemException =>
  new ProblemException(
    HttpStatus.BAD_GATEWAY,
    'payment-provider-unavailable',
    'Payment provider unavailable',
    'The payment provider did not answer. Try again with the same Idempotency-Key: nothing is charged twice.',
  );

/** The provider failed repeatedly: its circuit breaker is open and it was not called (nothing was sent). */
export const providerCircuitOpen = (retryAfterSeconds: number): ProblemException =>
  new ProblemException(
    HttpStatus.SERVICE_UNAVAILABLE,
    'payment-provider-unavailable',
    'Payment provider unavailable',
    'The payment provider failed repeatedly and is not being called for a moment. Try again later with the same Idempotency-Key, or choose another payment method.',
    { retryAfterSeconds },
    { 'retry-after': String(retryAfterSeconds) },
  );

/** The problem for a provider call that failed without a refusal: 503 when the breaker is open, else 502. */
export const providerFailure = (error: unknown): ProblemException =>
  error instanceof ProviderCircuitOpen ? providerCircuitOpen(error.retryAfterSeconds) : providerUnavailable();

export const providerRejected = (): ProblemException =>
  new ProblemException(
    HttpStatus.BAD_GATEWAY,
    'payment-provider-rejected',
    'Payment provider refused the request',
    'The payment provider refused to create this payment. Try another payment method.',
  );

export const creditCheckUnavailable = (): ProblemException =>
  new ProblemException(
    HttpStatus.SERVICE_UNAVAILABLE,
    'credit-check-unavailable',
    'Credit check unavailable',
    'SEPA direct debit and invoice need a credit check, which is not available at the moment; card and PayPal are.',
    { offerMethods: ['card', 'paypal'] },
  );

/** A decline never ends the order: another method is always offered, and the decision can be reviewed. */
export const paymentMethodDeclined = (answer: CreditApprovalAnswer): ProblemException =>
  new ProblemException(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'payment-method-declined',
    'Payment method not available for this order',
    answer.explanation ??
      'This order cannot be paid by SEPA direct debit or invoice; please pay by card or PayPal, or ask for a review.',
    {
      offerMethods: answer.offerMethods ?? ['card', 'paypal'],
      ...(answer.checkId ? { checkId: answer.checkId } : {}),
      ...(answer.dateOfBirthRequested ? { dateOfBirthRequested: true } : {}),
    },
  );

export const creditReviewPending = (answer: CreditApprovalAnswer): ProblemException =>
  conflict(
    'credit-review-pending',
    'A member of staff is reviewing the credit decision for this order; you may pay by card or PayPal meanwhile.',
    {
      offerMethods: answer.offerMethods ?? ['card', 'paypal'],
      ...(answer.checkId ? { checkId: answer.checkId } : {}),
    },
  );

export const noOpenPayment = (orderNumber: string): ProblemException =>
  conflict('no-open-payment', `Order ${orderNumber} has no payment to capture; start one first.`);

export const paymentNotApproved = (approvalUrl?: string): ProblemException =>
  conflict(
    'payment-not-approved',
    'The buyer has not approved the payment at PayPal yet.',
    approvalUrl ? { approvalUrl } : {},
  );

export const paymentFailed = (): ProblemException =>
  conflict('payment-failed', 'The payment failed at the provider; start a new payment.');

export const webhookSignatureInvalid = (): ProblemException =>
  new ProblemException(
    HttpStatus.BAD_REQUEST,
    'webhook-signature-invalid',
    'Invalid webhook signature',
    'The signature does not verify; the event was ignored.',
  );

export const providerNotConfigured = (provider: string): ProblemException =>
  new ProblemException(
    HttpStatus.NOT_FOUND,
    'not-found',
    'Not Found',
    `No ${provider} account is configured.`,
  );

/** The payment cannot be refunded here (a bank payment, or one that never succeeded). */
export class PaymentNotRefundableError extends DomainError {
  constructor(reason: string) {
    super('conflict', 'payment-not-refundable', 'Conflict', { detail: reason });
  }
}

/** More than what is left of the payment was asked back. */
export class RefundExceedsPaymentError extends DomainError {
  constructor(readonly refundableCents: number) {
    super('unprocessable', 'refund-exceeds-payment', 'Refund exceeds the payment', {
      detail: `At most ${refundableCents} (minor units) of this payment can still be refunded.`,
      extensions: { refundableCents },
    });
  }
}

/** The money received does not match the payment; the order was not marked paid. */
export class SettlementMismatchError extends DomainError {
  constructor() {
    super('unprocessable', 'payment-mismatch', 'Payment does not match the order', {
      detail: 'The amount or currency received differs from the payment; the order was not marked paid.',
    });
  }
}

/** The payment is in a state that cannot take a settlement. */
export class PaymentNotSettleableError extends DomainError {
  constructor(reason: string) {
    super('conflict', 'payment-not-settleable', 'Conflict', { detail: reason });
  }
}

export const paymentNotRefundable = (reason: string): PaymentNotRefundableError =>
  new PaymentNotRefundableError(reason);

export const refundExceedsPayment = (refundableCents: number): RefundExceedsPaymentError =>
  new RefundExceedsPaymentError(refundableCents);

export const settlementMismatch = (): SettlementMismatchError => new SettlementMismatchError();

export const paymentNotSettleable = (reason: string): PaymentNotSettleableError =>
  new PaymentNotSettleableError(reason);

export const flagAlreadyResolved = (): ProblemException =>
  conflict('flag-resolved', 'This flag is resolved already.');

export const field = (name: string, reason: string): ValidationProblem =>
  new ValidationProblem([{ field: name, reason }]);
