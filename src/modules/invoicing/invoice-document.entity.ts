import { PersonalData } from '@app/privacy';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export type DocumentKind = 'invoice' | 'credit-note';
export type DocumentFormat = 'pdf' | 'xrechnung-cii' | 'factur-x';

/**
 * An issued document exactly as it was issued (GoBD): the bytes and their SHA-256. Never changed (a
 * trigger refuses UPDATE); erased by the retention sweep at the end of the statutory period.
 * Written and read with SQL (invoice-archive.ts); the entity documents the table for the registry.
 */
@Entity({ name: 'invoice_document' })
export class InvoiceDocument {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  kind!: DocumentKind;

  /** The invoice's (RE-…) or credit note's (RK-…) number. */
  @Column({ type: 'text' })
  number!: string;

  @Column({ type: 'text' })
  format!: DocumentFormat;

  @Column({ name: 'media_type', type: 'text' })
  mediaType!: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @Column({ name: 'subject_id', type: 'text' })
  subjectId!: string;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;

  /** The buyer's name, address (and VAT ID), the goods and the amounts, rendered. */
  @PersonalData('address.postal')
  @Column({ type: 'bytea' })
  content!: Buffer;

  @Column({ type: 'char', length: 64 })
  sha256!: string;
}

/** A credit note (Rechnungskorrektur): the reversal of an invoice, in its own gap-free series. */
@Entity({ name: 'credit_note' })
export class CreditNote {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** RK-<year>-<counter>: consecutive without gaps within a year. */
  @Column({ type: 'text', unique: true })
  number!: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  /** The invoice it corrects. */
  @Column({ name: 'invoice_number', type: 'text' })
  invoiceNumber!: string;

  @Column({ name: 'subject_id', type: 'text' })
  subjectId!: string;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;

  @Column({ type: 'text' })
  reason!: string;

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
}
