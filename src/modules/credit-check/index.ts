// The credit-check module's public surface (docs/architecture.md).
export { CreditCheckModule } from './credit-check.module.js';
