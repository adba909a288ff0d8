import type { MigrationInterface } from 'typeorm';
import { Foundation1795559000000 } from './1795559000000-foundation.js';
import { PrivacyKernel1795560000000 } from './1795560000000-privacy-kernel.js';
import { PrivacyAudit1795560100000 } from './1795560100000-privacy-audit.js';
import { PrivacyRetention1795560200000 } from './1795560200000-privacy-retention.js';
import { RateLimits1795560900000 } from './1795560900000-rate-limits.js';
import { Customers1795561000000 } from './1795561000000-customers.js';
import { Notifications1795561050000 } from './1795561050000-notifications.js';
import { BackOffice1795561100000 } from './1795561100000-back-office.js';
import { Partners1795561150000 } from './1795561150000-partners.js';
import { Inquiries1795561200000 } from './1795561200000-inquiries.js';
import { AccessLog1795561300000 } from './1795561300000-access-log.js';
import { Orders1795562000000 } from './1795562000000-orders.js';
import { Payments1795563000000 } from './1795563000000-payments.js';
import { CreditCheck1795563100000 } from './1795563100000-credit-check.js';
import { CarrierHandoff1795564000000 } from './1795564000000-carrier-handoff.js';
import { DataSubjectRights1795565000000 } from './1795565000000-data-subject-rights.js';
import { BlockedOrderMinimum1795566300000 } from './1795566300000-blocked-order-minimum.js';
import { PrivacyRequestsForEveryone1795565100000 } from './1795565100000-privacy-requests-for-everyone.js';
import { Shipping1795566000000 } from './1795566000000-shipping.js';
import { OrderVatAndShipping1795566100000 } from './1795566100000-order-vat-and-shipping.js';
import { BusinessCustomers1795566200000 } from './1795566200000-business-customers.js';
import { OrderMail1795567000000 } from './1795567000000-order-mail.js';
import { OrderCancellation1795567100000 } from './1795567100000-order-cancellation.js';
import { ReceiptRequests1795571000000 } from './1795571000000-receipt-requests.js';
import { EvidenceRetention1795571100000 } from './1795571100000-evidence-retention.js';
import { OrderReturns1795572000000 } from './1795572000000-order-returns.js';
import { PartnerPractices1795570000000 } from './1795570000000-partner-practices.js';
import { DeviceAnalysis1795570100000 } from './1795570100000-device-analysis.js';
import { InvoiceDocuments1795573000000 } from './1795573000000-invoice-documents.js';
import { CreditNoteLines1795573100000 } from './1795573100000-credit-note-lines.js';
import { RectificationNotices1795571200000 } from './1795571200000-rectification-notices.js';
import { Parcels1795572100000 } from './1795572100000-parcels.js';
import { DeviceSerials1795572200000 } from './1795572200000-device-serials.js';
import { InvoiceOrders1795572300000 } from './1795572300000-invoice-orders.js';

/**
 * Every migration, in order. A migration is never edited after it landed: add a new one
 * (`npm run migration:generate -- <Name>` writes the file; add it here).
 */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  Foundation1795559000000,
  PrivacyKernel1795560000000,
  PrivacyAudit1795560100000,
  PrivacyRetention1795560200000,
  RateLimits1795560900000,
  Customers1795561000000,
  Notifications1795561050000,
  BackOffice1795561100000,
  Partners1795561150000,
  Inquiries1795561200000,
  AccessLog1795561300000,
  Orders1795562000000,
  Payments1795563000000,
  CreditCheck1795563100000,
  CarrierHandoff1795564000000,
  DataSubjectRights1795565000000,
  PrivacyRequestsForEveryone1795565100000,
  Shipping1795566000000,
  OrderVatAndShipping1795566100000,
  BusinessCustomers1795566200000,
  BlockedOrderMinimum1795566300000,
  OrderMail1795567000000,
  OrderCancellation1795567100000,
  ReceiptRequests1795571000000,
  EvidenceRetention1795571100000,
  OrderReturns1795572000000,
  PartnerPractices1795570000000,
  DeviceAnalysis1795570100000,
  InvoiceDocuments1795573000000,
  CreditNoteLines1795573100000,
  RectificationNotices1795571200000,
  Parcels1795572100000,
  DeviceSerials1795572200000,
  InvoiceOrders1795572300000,
];
