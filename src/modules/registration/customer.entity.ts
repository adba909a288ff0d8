import { PersonalData } from '@app/privacy';
import {
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { CustomerAddress } from './customer-address.entity.js';

@Entity({ name: 'customer' })
export class Customer {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @PersonalData('contact.email')
  @Column({ type: 'text' })
  email!: string;

  @Column({ name: 'email_normalized', type: 'text' })
  emailNormalized!: string;

  @PersonalData('account.password-hash')
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @PersonalData('identity.name')
  @Column({ name: 'first_name', type: 'text' })
  firstName!: string;

  @PersonalData('identity.name')
  @Column({ name: 'last_name', type: 'text' })
  lastName!: string;

  @PersonalData('contact.phone')
  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  @PersonalData('identity.date-of-birth')
  @Column({ name: 'date_of_birth', type: 'date', nullable: true })
  dateOfBirth!: string | null;

  @PersonalData('identity.company')
  @Column({ type: 'text', nullable: true })
  company!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @OneToMany(() => CustomerAddress, (a) => a.customer)
  addresses?: Relation<CustomerAddress[]>;
}
