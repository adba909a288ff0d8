// The platform primitives the kernel and every module share. Imports nothing from libs/privacy or src/.
export {
  DomainError,
  InvalidInputError,
  NotFoundError,
  ConflictError,
  RuleViolationError,
  ForbiddenError,
  HTTP_STATUS_OF_KIND,
  type DomainErrorKind,
  type DomainErrorOptions,
  type FieldProblem,
} from './domain-error.js';
export { UnitOfWork, TransactionRequiredError, type TransactionOptions } from './unit-of-work.js';
export { UnitOfWorkModule } from './unit-of-work.module.js';
