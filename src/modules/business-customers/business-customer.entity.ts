import { PersonalData } from '@app/privacy';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The business profile of a customer account. */
@Entity({ name: 'business_customer' })
export class BusinessCustomer {
  @PrimaryColumn({ name: 'customer_id', type: 'uuid' })
  customerId!: string;

  @PersonalData('identity.company')
  @Column({ name: 'company_name', type: 'text' })
  companyName!: string;

  @PersonalData('business.vat-id')
  @Column({ name: 'vat_id', type: 'text', nullable: true })
  vatId!: string | null;

  @Column({ name: 'vat_id_country', type: 'char', length: 2, nullable: true })
  vatIdCountry!: string | null;

  @Column({ name: 'vat_id_status', type: 'text' })
  vatIdStatus!: 'none' | 'unchecked' | 'confirmed' | 'invalid' | 'unavailable';

  @Column({ name: 'vat_id_checked_at', type: 'timestamptz', nullable: true })
  vatIdCheckedAt!: Date | null;

  @Column({ name: 'group_code', type: 'text', nullable: true })
  groupCode!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** One answer of VIES about a customer's VAT ID, kept as evidence. */
@Entity({ name: 'vat_id_check' })
export class VatIdCheck {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'customer_id', type: 'uuid' })
  customerId!: string;

  @PersonalData('business.vat-id')
  @Column({ name: 'vat_id', type: 'text' })
  vatId!: string;

  @Column({ type: 'boolean', nullable: true })
  valid!: boolean | null;

  @Column({ type: 'text' })
  outcome!: string;

  @PersonalData('business.vies-answer')
  @Column({ name: 'request_identifier', type: 'text', nullable: true })
  requestIdentifier!: string | null;

  @PersonalData('business.vies-answer')
  @Column({ name: 'trader_name', type: 'text', nullable: true })
  traderName!: string | null;

  @Column({ name: 'request_date', type: 'text', nullable: true })
  requestDate!: string | null;

  @Column({ name: 'response_sha256', type: 'char', length: 64, nullable: true })
  responseSha256!: string | null;

  @PersonalData('business.vies-answer')
  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody!: string | null;

  @Column({ name: 'checked_at', type: 'timestamptz' })
  checkedAt!: Date;
}
