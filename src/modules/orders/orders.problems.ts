import { HttpStatus } from '@nestjs/common';
import { DomainError } from '@app/core';
import { conflict, ProblemException, ValidationProblem } from '../../common/problem/problem.js';
import type { OrderStatus } from './order-state-machine.js';

/** The expected failures of the orders module, as problem+json. No personal data in any of them. */

export interface AddressFieldProblem {
  field: string;
  code: string;
  reason: string;
}

export interface AddressFieldSuggestion {
  field: string;
  value: string;
  reason: string;
}

export const invalidAddress = (
  errors: AddressFieldProblem[],
  suggestions: AddressFieldSuggestion[],
): ProblemException =>
  new ProblemException(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'invalid-address',
    'Invalid address',
    'The delivery or billing address is incomplete or wrong; see errors and suggestions.',
    { errors, suggestions },
  );

export const unknownProducts = (errors: { field: string; reason: string }[]): ProblemException =>
  new ProblemException(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'unknown-product',
    'Unknown product',
    'Some items name a product that is not on sale.',
    { errors },
  );

export const outOfStock = (skus: string[]): ProblemException =>
  conflict('out-of-stock', `Not enough stock for ${skus.join(', ')}.`, { skus });

export const currencyMismatch = (): ProblemException =>
  new ProblemException(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'currency-mismatch',
    'Currency mismatch',
    'The items of one order must all be priced in the same currency.',
  );

export const orderTooLarge = (): ProblemException =>
  new ProblemException(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'order-too-large',
    'Order too large',
    'The order total is beyond what one order can hold; split it into several orders.',
  );

export const idempotencyKeyReused = (): ProblemException =>
  new ProblemException(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'idempotency-key-reused',
    'Idempotency key reused',
    'This Idempotency-Key was already used with a different request; use a new key for a new order.',
  );

export const invalidIdempotencyKey = (): ValidationProblem =>
  new ValidationProblem([
    {
      field: 'Idempotency-Key',
      reason: 'must be 8 to 200 characters: letters, digits, "-", "_", ":" or "."',
    },
  ]);

/** The order's status does not allow the move (it moved on meanwhile, or the move is not in the graph). */
export class ForbiddenTransitionError extends DomainError {
  constructor(
    orderNumber: string,
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super('conflict', 'forbidden-transition', 'Conflict', {
      detail: `Order ${orderNumber} cannot go from ${from} to ${to}.`,
      extensions: { from, to },
    });
  }
}

/** No such order, or one that is blocked (it exists only for statutory retention). */
export class OrderNotFoundError extends DomainError {
  constructor() {
    super('not-found', 'not-found', 'Not Found', { detail: 'The order was not found.' });
  }
}

/** The money received does not match the order's total or currency; the order was not marked paid. */
export class PaymentMismatchError extends DomainError {
  constructor() {
    super('unprocessable', 'payment-mismatch', 'Payment does not match the order', {
      detail: 'The amount or currency paid differs from the order total; the order was not marked paid.',
    });
  }
}

/** The order was paid already with another payment. */
export class AlreadyPaidError extends DomainError {
  constructor(orderNumber: string) {
    super('conflict', 'already-paid', 'Conflict', {
      detail: `Order ${orderNumber} was already paid with another payment; refund the second payment.`,
    });
  }
}

export const forbiddenTransition = (
  orderNumber: string,
  from: OrderStatus,
  to: OrderStatus,
): ForbiddenTransitionError => new ForbiddenTransitionError(orderNumber, from, to);

export const paymentMismatch = (): PaymentMismatchError => new PaymentMismatchError();

export const alreadyPaid = (orderNumber: string): AlreadyPaidError => new AlreadyPaidError(orderNumber);

export const roleMayNotTransition = (role: string, to: OrderStatus): ProblemException =>
  new ProblemException(
    HttpStatus.FORBIDDEN,
    'forbidden',
    'Forbidden',
    `The role ${role} may not move an order to ${to}.`,
    { role, to },
  );
