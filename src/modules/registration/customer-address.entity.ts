import { PersonalData } from '@app/privacy';
import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { Customer } from './customer.entity.js';

@Entity({ name: 'customer_address' })
export class CustomerAddress {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'customer_id', type: 'uuid' })
  customerId!: string;

  @ManyToOne(() => Customer, (c) => c.addresses, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  customer?: Relation<Customer>;

  @Column({ type: 'text', nullable: true })
  label!: string | null;

  @PersonalData('identity.name')
  @Column({ name: 'first_name', type: 'text' })
  firstName!: string;

  @PersonalData('identity.name')
  @Column({ name: 'last_name', type: 'text' })
  lastName!: string;

  @PersonalData('identity.company')
  @Column({ type: 'text', nullable: true })
  company!: string | null;

  @PersonalData('address.postal')
  @Column({ type: 'text' })
  street!: string;

  @PersonalData('address.postal')
  @Column({ name: 'house_number', type: 'text', nullable: true })
  houseNumber!: string | null;

  @PersonalData('address.postal')
  @Column({ name: 'address_line2', type: 'text', nullable: true })
  addressLine2!: string | null;

  @PersonalData('address.postal')
  @Column({ name: 'postal_code', type: 'text' })
  postalCode!: string;

  @PersonalData('address.postal')
  @Column({ type: 'text' })
  city!: string;

  @PersonalData('address.postal')
  @Column({ type: 'char', length: 2 })
  country!: string;

  @Column({ name: 'is_default_delivery', type: 'boolean', default: false })
  isDefaultDelivery!: boolean;

  @Column({ name: 'is_default_billing', type: 'boolean', default: false })
  isDefaultBilling!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
