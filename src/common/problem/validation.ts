import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ValidationProblem, type FieldProblem } from './problem.js';

/** Flattens class-validator's tree into `{ field: 'deliveryAddress.postalCode', reason }` entries. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      out.push({
        field,
        reason:
          constraint === 'whitelistValidation'
            ? 'is not an allowed property'
            : stripProperty(message, error.property),
      });
    }
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

/** class-validator messages start with the property name; the field is already named separately. */
function stripProperty(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/** The global pipe: strips nothing silently; unknown properties are an error, payloads are typed. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    // Values are never echoed back: they may be personal data.
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationProblem(flattenValidationErrors(errors)),
  });
}
