// The orders module's public surface (docs/architecture.md): payments, carrier handoff, credit check and
// partners reach orders only through these.
export { OrdersModule } from './orders.module.js';
export {
  AlreadyPaidError,
  ForbiddenTransitionError,
  OrderNotFoundError,
  PaymentMismatchError,
} from './orders.problems.js';
export { ACCOUNTING_VOUCHERS } from './orders.declarations.js';
export { OrderReader } from './order-reader.js';
export { OrderSecrets } from './order-secrets.js';
export {
  OrderStateMachine,
  PAID_STATUSES,
  type MarkPaidResult,
  type OrderRefund,
  type OrderStatus,
  type PaymentReceived,
} from './order-state-machine.js';
export { OrderTransitionHooks, type OrderTransition } from './order-transition-hooks.js';
export type { OrderAddress, OrderView } from './order-view.js';
export { OrderNoticeHooks } from './order-notice-hooks.js';
export { ORDER_NOTICES, ORDER_RECIPIENT, trackingLink } from './order-notices.js';
export { OrderParcels, type OrderParcel, type OrderParcelSource } from './order-tracking.js';
export { OrderCreditNotes, type CreditNoteIssuer, type CreditNoteRequest } from './credit-notes.port.js';
export { IssuedInvoices, type InvoiceRecord } from './invoices.js';
export { INVOICE_RECORD } from './orders.rights.js';
export type { InvoiceLine } from './invoice.entity.js';
export { OptionalCustomerAuthGuard, OptionalCustomerId } from './optional-customer-auth.guard.js';
