import { PersonalData } from '@app/privacy';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** `practice`: a doctor's practice operating the shop's skin-analysis devices (src/modules/device-analysis). */
export const PARTNER_KINDS = ['carrier', 'logistics', 'practice'] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

/** A carrier, logistics partner or practice; `recipientId` is its entry in the registry. */
@Entity({ name: 'partner' })
export class Partner {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  kind!: PartnerKind;

  /** The recipient (RecipientDeclaration.id, e.g. `dhl`) whose allow-lists govern what it receives. */
  @Column({ name: 'recipient_id', type: 'text' })
  recipientId!: string;

  @PersonalData('partner.contact-name')
  @Column({ name: 'contact_name', type: 'text', nullable: true })
  contactName!: string | null;

  @PersonalData('partner.contact-email')
  @Column({ name: 'contact_email', type: 'text', nullable: true })
  contactEmail!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'deactivated_at', type: 'timestamptz', nullable: true })
  deactivatedAt!: Date | null;
}

/** One API key of a partner. The key itself is never stored: only its SHA-256 hash and its first 8 characters. */
@Entity({ name: 'partner_api_key' })
export class PartnerApiKey {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'partner_id', type: 'uuid' })
  partnerId!: string;

  @Column({ type: 'text', nullable: true })
  label!: string | null;

  @Column({ type: 'text' })
  prefix!: string;

  @Column({ name: 'key_hash', type: 'text' })
  keyHash!: string;

  @Column({ type: 'text', array: true })
  scopes!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** The staff member (actor id) who created it. */
  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_by', type: 'text', nullable: true })
  revokedBy!: string | null;
}

export interface PartnerRecord {
  id: string;
  name: string;
  kind: PartnerKind;
  recipientId: string;
  contactName: string | null;
  contactEmail: string | null;
  active: boolean;
  createdAt: Date;
  deactivatedAt: Date | null;
}

export const toPartnerRecord = (p: Partner): PartnerRecord => ({
  id: p.id,
  name: p.name,
  kind: p.kind,
  recipientId: p.recipientId,
  contactName: p.contactName,
  contactEmail: p.contactEmail,
  active: p.active,
  createdAt: p.createdAt,
  deactivatedAt: p.deactivatedAt,
});

/** A key as lists show it: never the key, never the hash. */
export interface ApiKeyRecord {
  id: string;
  partnerId: string;
  label: string | null;
  prefix: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export const toApiKeyRecord = (k: PartnerApiKey): ApiKeyRecord => ({
  id: k.id,
  partnerId: k.partnerId,
  label: k.label,
  prefix: k.prefix,
  scopes: [...k.scopes],
  createdAt: k.createdAt,
  lastUsedAt: k.lastUsedAt,
  revokedAt: k.revokedAt,
});

/** The data subject of a partner's contact data (audit and rights). */
export const partnerContactSubject = (partnerId: string): string => `partner-contact:${partnerId}`;
