import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ schema: 'privacy', name: 'declaration_version' })
export class DeclarationVersion {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  kind!: 'activity' | 'recipient';

  @Column({ name: 'declaration_id', type: 'text' })
  declarationId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash!: string;

  @Column({ type: 'jsonb' })
  body!: unknown;

  @Column({ name: 'valid_from', type: 'timestamptz' })
  validFrom!: Date;

  @Column({ name: 'valid_to', type: 'timestamptz', nullable: true })
  validTo!: Date | null;
}
