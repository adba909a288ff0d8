import { HttpStatus } from '@nestjs/common';
import { conflict, notFound, ProblemException, ValidationProblem } from '../../common/problem/problem.js';
import type { ShipmentStatus } from './shipment.entity.js';

/**
 * The expected failures of carrier handoff and the partner shipment API, as problem+json. Ids only.
 * (`shipmentStatus`, never `status`: that member is the HTTP status of the problem document.)
 */

export const shipmentNotFound = (): ProblemException => notFound('The shipment');

export const labelNotFound = (): ProblemException =>
  notFound('The label of this shipment (none was returned, or it was erased after its retention period)');

export const notDeadLettered = (status: ShipmentStatus): ProblemException =>
  conflict(
    'shipment-not-dead-lettered',
    `Only a dead-lettered shipment can be retried; this one is ${status}.`,
    { shipmentStatus: status },
  );

/** The carrier is being called for it right now: its outcome decides, ask again in a moment. */
export const shipmentBeingSent = (retryAfterSeconds: number): ProblemException =>
  new ProblemException(
    HttpStatus.CONFLICT,
    'shipment-being-sent',
    'Conflict',
    'The shop is handing this shipment to its carrier right now; try again shortly.',
    { shipmentStatus: 'sending' },
    { 'retry-after': String(retryAfterSeconds) },
  );

export const statusConflict = (from: ShipmentStatus, to: string): ProblemException =>
  conflict('shipment-status-conflict', `A shipment that is ${from} cannot become ${to}.`, {
    shipmentStatus: from,
    requested: to,
  });

export const partnerNotEligible = (reason: string): ProblemException =>
  new ValidationProblem([{ field: 'partnerId', reason }]);

export const implausibleTime = (reason: string): ProblemException =>
  new ValidationProblem([{ field: 'at', reason }]);
