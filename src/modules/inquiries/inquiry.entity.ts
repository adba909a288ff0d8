import { PersonalData } from '@app/privacy';
import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';

export const INQUIRY_STATUSES = ['open', 'answered', 'closed'] as const;
export type InquiryStatus = (typeof INQUIRY_STATUSES)[number];

@Entity({ name: 'inquiry' })
export class Inquiry {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @PersonalData('inquiry.name')
  @Column({ type: 'text' })
  name!: string;

  @PersonalData('contact.email')
  @Column({ type: 'text' })
  email!: string;

  /** Lower-cased and trimmed: how the data-subject-rights module finds a person's inquiries. */
  @PersonalData('contact.email')
  @Column({ name: 'email_normalized', type: 'text' })
  emailNormalized!: string;

  @PersonalData('identity.company')
  @Column({ type: 'text', nullable: true })
  company!: string | null;

  @PersonalData('contact.phone')
  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  @PersonalData('inquiry.message')
  @Column({ type: 'text' })
  message!: string;

  @PersonalData('product')
  @Column({ name: 'product_sku', type: 'text', nullable: true })
  productSku!: string | null;

  @Column({ type: 'text', default: 'open' })
  status!: InquiryStatus;

  /** SHA-256 of the withdrawal token handed to the person; the token itself is never stored. */
  @Column({ name: 'withdrawal_token_hash', type: 'bytea', select: false })
  withdrawalTokenHash!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt!: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  /** Set on closing (closed_at + grace) or withdrawal; the retention sweep deletes the row after it. */
  @Column({ name: 'delete_after', type: 'timestamptz', nullable: true })
  deleteAfter!: Date | null;

  /** The person withdrew it while a legal hold covered it: kept for the hold only, hidden from support. */
  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true })
  withdrawnAt!: Date | null;

  @OneToMany(() => InquiryAnswer, (a) => a.inquiry)
  answers?: Relation<InquiryAnswer[]>;
}

@Entity({ name: 'inquiry_answer' })
export class InquiryAnswer {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'inquiry_id', type: 'uuid' })
  inquiryId!: string;

  @ManyToOne(() => Inquiry, (i) => i.answers, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'inquiry_id' })
  inquiry?: Relation<Inquiry>;

  @PersonalData('inquiry.answer')
  @Column({ type: 'text' })
  body!: string;

  /** The staff member's id (token subject), for accountability. */
  @Column({ name: 'answered_by', type: 'text' })
  answeredBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Set by the notifications outbox once the answer has been sent to the person. */
  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;
}
