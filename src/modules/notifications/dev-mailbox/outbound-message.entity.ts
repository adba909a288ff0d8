import { PersonalData } from '@app/privacy';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One message the development mailbox "sent". */
@Entity({ name: 'outbound_message' })
export class OutboundMessage {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey!: string;

  @Column({ type: 'text' })
  template!: string;

  /** The data subject (`customer:<uuid>`), for access and erasure. */
  @Column({ name: 'subject_id', type: 'text' })
  subjectId!: string;

  @PersonalData('contact.email')
  @Column({ name: 'to_address', type: 'text' })
  toAddress!: string;

  @PersonalData('notification.content')
  @Column({ name: 'subject_line', type: 'text' })
  subjectLine!: string;

  @PersonalData('notification.content')
  @Column({ name: 'body_text', type: 'text' })
  bodyText!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
