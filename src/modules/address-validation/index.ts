// The address-validation module's public surface (docs/architecture.md).
export { AddressValidationModule } from './address-validation.module.js';
export { AddressValidator } from './address-validator.js';
