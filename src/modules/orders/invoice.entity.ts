import { PersonalData } from '@app/privacy';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One line of an invoice, as issued (a copy: the invoice does not depend on the order staying). */
export interface InvoiceLine {
  lineNo: number;
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
  vatRateBp: number;
  lineTotalCents: number;
  vatCents: number;
}

/**
 * An invoice, issued in the transaction that marks its order paid. Immutable once issued (a trigger
 * refuses changes, GoBD); it carries its own billing address and lines so that it stays complete
 * for its statutory period whatever happens to the order.
 */
@Entity({ name: 'invoice' })
export class Invoice {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** RE-<year>-<counter>: consecutive without gaps within a year. */
  @Column({ type: 'text', unique: true })
  number!: string;

  @Column({ name: 'order_id', type: 'uuid', nullable: true, unique: true })
  orderId!: string | null;

  @Column({ name: 'subject_id', type: 'text' })
  subjectId!: string;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;

  @PersonalData('order.payment-method')
  @Column({ name: 'payment_method', type: 'text' })
  paymentMethod!: string;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @PersonalData('order.amounts')
  @Column({ name: 'subtotal_cents', type: 'integer' })
  subtotalCents!: number;

  @PersonalData('order.amounts')
  @Column({ name: 'vat_cents', type: 'integer' })
  vatCents!: number;

  @PersonalData('order.amounts')
  @Column({ name: 'total_cents', type: 'integer' })
  totalCents!: number;

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

  @PersonalData('order.items')
  @Column({ type: 'jsonb' })
  lines!: InvoiceLine[];
}
