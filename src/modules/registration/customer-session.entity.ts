import { PersonalData } from '@app/privacy';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type SessionEndReason = 'logout' | 'reuse-detected' | 'password-changed';

/**
 * One refresh token of a sign-in session. A sign-in starts a family; each refresh marks the token
 * used and adds its successor to the family. Only the SHA-256 of the token is stored.
 */
@Entity({ name: 'customer_session' })
export class CustomerSession {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'customer_id', type: 'uuid' })
  customerId!: string;

  /** The sign-in session the token belongs to (the access token's `sid`). */
  @PersonalData('account.session')
  @Column({ name: 'family_id', type: 'uuid' })
  familyId!: string;

  @PersonalData('account.session')
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash!: string;

  @PersonalData('account.session')
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  /** When it was exchanged for its successor; presenting it again ends the family. */
  @PersonalData('account.session')
  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoke_reason', type: 'text', nullable: true })
  revokeReason!: SessionEndReason | null;
}
