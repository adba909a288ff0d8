// The payments module's public surface (docs/architecture.md).
export { PaymentsModule } from './payments.module.js';
