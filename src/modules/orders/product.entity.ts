import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A product of the catalogue. Prices are gross (VAT included), in cents. */
@Entity({ name: 'product' })
export class Product {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text', unique: true })
  sku!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ name: 'price_cents', type: 'integer' })
  priceCents!: number;

  @Column({ type: 'char', length: 3, default: 'EUR' })
  currency!: string;

  @Column({ name: 'vat_rate_bp', type: 'integer' })
  vatRateBp!: number;

  @Column({ type: 'integer', default: 0 })
  stock!: number;

  /** Grams per piece as shipped; null: not known (no shipping method priced by weight can carry it). */
  @Column({ name: 'weight_grams', type: 'integer', nullable: true })
  weightGrams!: number | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
