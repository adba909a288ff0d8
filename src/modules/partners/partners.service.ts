import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActorContext, PrivacyRegistryService } from '@app/privacy';
import { DataSource, QueryFailedError } from 'typeorm';
import { conflict, notFound, ValidationProblem } from '../../common/problem/problem.js';
import { generateApiKey, hashApiKey, looksLikeApiKey, type PartnerScope } from './api-keys.js';
import {
  Partner,
  PartnerApiKey,
  toApiKeyRecord,
  type ApiKeyRecord,
  type PartnerKind,
} from './partner.entity.js';

export interface NewPartner {
  name: string;
  kind: PartnerKind;
  recipientId: string;
  contactName?: string | null;
  contactEmail?: string | null;
}

export interface PartnerChange {
  name?: string;
  contactName?: string | null;
  contactEmail?: string | null;
  active?: boolean;
}

/** Who a valid API key speaks for; set on the request by PartnerAuthGuard. */
export interface PartnerPrincipal {
  partnerId: string;
  kind: PartnerKind;
  recipientId: string;
  keyId: string;
  keyPrefix: string;
  scopes: string[];
}

/** A new key: the record, and the key itself, which exists only in this answer. */
export interface IssuedApiKey extends ApiKeyRecord {
  key: string;
}

/** Write `last_used_at` at most this often per key: a busy integration must not write on every call. */
const LAST_USED_RESOLUTION_SECONDS = 60;

const isUniqueViolation = (error: unknown, constraint: string): boolean =>
  error instanceof QueryFailedError &&
  (error.driverError as { code?: string; constraint?: string }).code === '23505' &&
  (error.driverError as { constraint?: string }).constraint === constraint;

/** Who did it, for `created_by` / `revoked_by`: the acting staff member (an id, never a name). */
const actorRef = (): string => {
  const actor = ActorContext.currentOrSystem();
  return `${actor.type}:${actor.id}`;
};

/**
 * Partner accounts and their API keys. The ownership rule of the partner API lives here too: every
 * query a partner's request makes is scoped to the caller's partner id in SQL, so another partner's
 * resource is indistinguishable from one that does not exist (404, never 403).
 */
@Injectable()
export class Partners {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: PrivacyRegistryService,
  ) {}

  async create(input: NewPartner): Promise<Partner> {
    this.assertRecipient(input.kind, input.recipientId);
    const repository = this.dataSource.getRepository(Partner);
    try {
      return await repository.save(
        repository.create({
          name: input.name.trim(),
          kind: input.kind,
          recipientId: input.recipientId,
          contactName: input.contactName?.trim() || null,
          contactEmail: input.contactEmail?.trim() || null,
          active: true,
          deactivatedAt: null,
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error, 'partner_name'))
        throw conflict('partner-name-taken', 'A partner with this name exists already.');
      throw error;
    }
  }

  list(): Promise<Partner[]> {
    return this.dataSource.getRepository(Partner).find({ order: { name: 'ASC', id: 'ASC' } });
  }

  async get(id: string): Promise<Partner> {
    const partner = await this.dataSource.getRepository(Partner).findOneBy({ id });
    if (!partner) throw notFound('Partner');
    return partner;
  }

  /** Rectifies the contact (Art. 16), renames, or (de)activates: a deactivated partner's keys stop at once. */
  async update(id: string, change: PartnerChange): Promise<Partner> {
    if (Object.values(change).every((v) => v === undefined))
      throw new ValidationProblem([
        { field: 'body', reason: 'must change name, contactName, contactEmail or active' },
      ]);
    const repository = this.dataSource.getRepository(Partner);
    const partner = await this.get(id);
    if (change.name !== undefined) partner.name = change.name.trim();
    if (change.contactName !== undefined) partner.contactName = change.contactName?.trim() || null;
    if (change.contactEmail !== undefined) partner.contactEmail = change.contactEmail?.trim() || null;
    if (change.active !== undefined && change.active !== partner.active) {
      partner.active = change.active;
      partner.deactivatedAt = change.active ? null : new Date();
    }
    try {
      return await repository.save(partner);
    } catch (error) {
      if (isUniqueViolation(error, 'partner_name'))
        throw conflict('partner-name-taken', 'A partner with this name exists already.');
      throw error;
    }
  }

  /** Issues a key; the answer is the only place the key ever appears. */
  async createKey(partnerId: string, scopes: PartnerScope[], label?: string): Promise<IssuedApiKey> {
    const partner = await this.get(partnerId);
    if (!partner.active)
      throw conflict('partner-inactive', 'The partner is deactivated: reactivate it first.');
    const { key, prefix, hash } = generateApiKey();
    const repository = this.dataSource.getRepository(PartnerApiKey);
    const saved = await repository.save(
      repository.create({
        partnerId,
        label: label?.trim() || null,
        prefix,
        keyHash: hash,
        scopes: [...new Set(scopes)].sort(),
        createdBy: actorRef(),
        lastUsedAt: null,
        revokedAt: null,
        revokedBy: null,
      }),
    );
    return { ...toApiKeyRecord(saved), key };
  }

  async listKeys(partnerId: string): Promise<ApiKeyRecord[]> {
    await this.get(partnerId);
    const keys = await this.dataSource
      .getRepository(PartnerApiKey)
      .find({ where: { partnerId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return keys.map(toApiKeyRecord);
  }

  /** Revokes at once and for good; revoking again changes nothing (the first revocation stands). */
  async revokeKey(partnerId: string, keyId: string): Promise<ApiKeyRecord> {
    await this.dataSource.query(
      `update partner_api_key set revoked_at = now(), revoked_by = $3
        where id = $1 and partner_id = $2 and revoked_at is null`,
      [keyId, partnerId, actorRef()],
    );
    const key = await this.dataSource.getRepository(PartnerApiKey).findOneBy({ id: keyId, partnerId });
    if (!key) throw notFound('API key');
    return toApiKeyRecord(key);
  }

  /**
   * The principal of a presented key: unrevoked, of an active partner. One statement: the lookup by
   * hash (an index probe) and the throttled `last_used_at` update.
   */
  async authenticate(presented: string): Promise<PartnerPrincipal | null> {
    if (!looksLikeApiKey(presented)) return null;
    const rows: {
      key_id: string;
      prefix: string;
      scopes: string[];
      partner_id: string;
      kind: PartnerKind;
      recipient_id: string;
    }[] = await this.dataSource.query(
      `with found as (
         select k.id as key_id, k.prefix, k.scopes, p.id as partner_id, p.kind, p.recipient_id, k.last_used_at
           from partner_api_key k join partner p on p.id = k.partner_id
          where k.key_hash = $1 and k.revoked_at is null and p.active
       ), touched as (
         update partner_api_key set last_used_at = now()
          where id = (select key_id from found)
            and (last_used_at is null or last_used_at < now() - make_interval(secs => $2))
       )
       select key_id, prefix, scopes, partner_id, kind, recipient_id from found`,
      [hashApiKey(presented), LAST_USED_RESOLUTION_SECONDS],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      partnerId: row.partner_id,
      kind: row.kind,
      recipientId: row.recipient_id,
      keyId: row.key_id,
      keyPrefix: row.prefix,
      scopes: row.scopes,
    };
  }

  // ---- the partner's own view: always scoped to the caller ------------------------------------------

  async ownKeys(caller: PartnerPrincipal): Promise<ApiKeyRecord[]> {
    const keys = await this.dataSource
      .getRepository(PartnerApiKey)
      .find({ where: { partnerId: caller.partnerId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return keys.map(toApiKeyRecord);
  }

  /** One of the caller's keys; another partner's key is "not found", like one that does not exist. */
  async ownKey(caller: PartnerPrincipal, keyId: string): Promise<ApiKeyRecord> {
    const key = await this.dataSource
      .getRepository(PartnerApiKey)
      .findOneBy({ id: keyId, partnerId: caller.partnerId });
    if (!key) throw notFound('API key');
    return toApiKeyRecord(key);
  }

  async ownAccount(caller: PartnerPrincipal): Promise<Partner> {
    const partner = await this.dataSource.getRepository(Partner).findOneBy({ id: caller.partnerId });
    if (!partner) throw notFound('Partner');
    return partner;
  }

  /**
   * A partner is bound to a recipient of the registry, whose allow-lists decide what it may receive.
   * A carrier or a practice is an independent controller (recipient); a logistics partner may also be a processor.
   */
  private assertRecipient(kind: PartnerKind, recipientId: string): void {
    const recipient = this.registry.registry.recipients().find((r) => r.id === recipientId);
    // A practice receives its patients' analysis results as an independent controller (the doctor).
    const allowedRoles = kind === 'logistics' ? ['recipient', 'processor'] : ['recipient'];
    if (!recipient || !allowedRoles.includes(recipient.role))
      throw new ValidationProblem([
        {
          field: 'recipientId',
          reason: `must be a ${allowedRoles.join(' or ')} declared in the processing registry`,
        },
      ]);
  }
}
