import { PersonalData } from '@app/privacy';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PaymentMethod } from './order.dto.js';
import type { OrderStatus } from './order-state-machine.js';

/**
 * An order (table shop_order: "order" is reserved in SQL). The delivery and billing addresses are
 * snapshots, normalised by the address validator at placement: later changes to an address book do
 * not change what was ordered or invoiced. Written and read with SQL on the hot paths (checkout.ts,
 * order-reader.ts); the entity documents the table and its personal data for the registry.
 */
@Entity({ name: 'shop_order' })
export class ShopOrder {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** SO-<year>-<sequence>: unique, not gap-free (invoice numbers are). */
  @Column({ type: 'text', unique: true })
  number!: string;

  /** The account that ordered; null for a guest (and once the account is erased). */
  @Column({ name: 'customer_id', type: 'uuid', nullable: true })
  customerId!: string | null;

  @PersonalData('contact.email')
  @Column({ name: 'guest_email', type: 'text', nullable: true })
  guestEmail!: string | null;

  /** `customer:<uuid>` or `guest:<keyed hash of the email>` (src/common/subjects.ts). */
  @Column({ name: 'subject_id', type: 'text' })
  subjectId!: string;

  @Column({ type: 'text' })
  status!: OrderStatus;

  @PersonalData('order.payment-method')
  @Column({ name: 'payment_method', type: 'text' })
  paymentMethod!: PaymentMethod;

  /** Whether the buyer agreed to carrier notifications at checkout; the consent ledger holds the proof. */
  @Column({ name: 'carrier_notification_consent', type: 'boolean', default: false })
  carrierNotificationConsent!: boolean;

  @PersonalData('identity.name')
  @Column({ name: 'delivery_first_name', type: 'text' })
  deliveryFirstName!: string;

  @PersonalData('identity.name')
  @Column({ name: 'delivery_last_name', type: 'text' })
  deliveryLastName!: string;

  @PersonalData('identity.company')
  @Column({ name: 'delivery_company', type: 'text', nullable: true })
  deliveryCompany!: string | null;

  @PersonalData('address.postal')
  @Column({ name: 'delivery_street', type: 'text' })
  deliveryStreet!: string;

  @PersonalData('address.postal')
  @Column({ name: 'delivery_house_number', type: 'text', nullable: true })
  deliveryHouseNumber!: string | null;

  @PersonalData('address.postal')
  @Column({ name: 'delivery_address_line2', type: 'text', nullable: true })
  deliveryAddressLine2!: string | null;

  @PersonalData('address.postal')
  @Column({ name: 'delivery_postal_code', type: 'text' })
  deliveryPostalCode!: string;

  @PersonalData('address.postal')
  @Column({ name: 'delivery_city', type: 'text' })
  deliveryCity!: string;

  @PersonalData('address.postal')
  @Column({ name: 'delivery_country', type: 'char', length: 2 })
  deliveryCountry!: string;

  @PersonalData('identity.name')
  @Column({ name: 'billing_first_name', type: 'text' })
  billingFirstName!: string;

  @PersonalData('identity.name')
  @Column({ name: 'billing_last_name', type: 'text' })
  billingLastName!: string;

  @PersonalData('identity.company')
  @Column({ name: 'billing_company', type: 'text', nullable: true })
  billingCompany!: string | null;

  @PersonalData('address.postal')
  @Column({ name: 'billing_street', type: 'text' })
  billingStreet!: string;

  @PersonalData('address.postal')
  @Column({ name: 'billing_house_number', type: 'text', nullable: true })
  billingHouseNumber!: string | null;

  @PersonalData('address.postal')
  @Column({ name: 'billing_address_line2', type: 'text', nullable: true })
  billingAddressLine2!: string | null;

  @PersonalData('address.postal')
  @Column({ name: 'billing_postal_code', type: 'text' })
  billingPostalCode!: string;

  @PersonalData('address.postal')
  @Column({ name: 'billing_city', type: 'text' })
  billingCity!: string;

  @PersonalData('address.postal')
  @Column({ name: 'billing_country', type: 'char', length: 2 })
  billingCountry!: string;

  @PersonalData('order.amounts')
  @Column({ name: 'subtotal_cents', type: 'integer' })
  subtotalCents!: number;

  @PersonalData('order.amounts')
  @Column({ name: 'vat_cents', type: 'integer' })
  vatCents!: number;

  @PersonalData('order.amounts')
  @Column({ name: 'total_cents', type: 'integer' })
  totalCents!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @PersonalData('order.amounts')
  @Column({ name: 'payment_provider', type: 'text', nullable: true })
  paymentProvider!: string | null;

  @PersonalData('order.amounts')
  @Column({ name: 'payment_reference', type: 'text', nullable: true })
  paymentReference!: string | null;

  @Column({ name: 'placed_at', type: 'timestamptz' })
  placedAt!: Date;

  @PersonalData('order.amounts')
  @Column({ name: 'paid_at', type: 'timestamptz', nullable: true })
  paidAt!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}

/** One line of an order: a snapshot of the product as sold. */
@Entity({ name: 'order_item' })
export class OrderItem {
  @PrimaryColumn({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @PrimaryColumn({ name: 'line_no', type: 'smallint' })
  lineNo!: number;

  @Column({ name: 'product_id', type: 'uuid' })
  productId!: string;

  @PersonalData('order.items')
  @Column({ type: 'text' })
  sku!: string;

  @PersonalData('order.items')
  @Column({ type: 'text' })
  name!: string;

  @PersonalData('order.items')
  @Column({ name: 'unit_price_cents', type: 'integer' })
  unitPriceCents!: number;

  @Column({ name: 'vat_rate_bp', type: 'integer' })
  vatRateBp!: number;

  @PersonalData('order.items')
  @Column({ type: 'integer' })
  quantity!: number;

  @Column({ name: 'line_total_cents', type: 'integer' })
  lineTotalCents!: number;

  @Column({ name: 'vat_cents', type: 'integer' })
  vatCents!: number;
}

/** The history of an order: every status it went through, when, and who moved it. */
@Entity({ name: 'order_status_change' })
export class OrderStatusChange {
  @PrimaryColumn({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @PrimaryColumn({ type: 'bigint', insert: false, update: false })
  id!: string;

  @Column({ name: 'from_status', type: 'text', nullable: true })
  fromStatus!: OrderStatus | null;

  @Column({ name: 'to_status', type: 'text' })
  toStatus!: OrderStatus;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'actor_type', type: 'text' })
  actorType!: string;

  @Column({ name: 'actor_id', type: 'text' })
  actorId!: string;

  @Column({ name: 'actor_role', type: 'text', nullable: true })
  actorRole!: string | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;
}
