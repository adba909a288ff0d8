import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { notBlockedClause } from '@app/privacy';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { TokenService, unauthorized } from '../../common/auth/token.service.js';
import { AppConfig } from '../../config/app-config.js';
import type { SessionEndReason } from './customer-session.entity.js';

/** What a sign-in or a refresh answers. */
export interface IssuedTokens {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
}

export const CUSTOMER_RECORD = 'customer';
export const SESSION_RECORD = 'customer_session';

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** 256 random bits, URL-safe: unguessable, and worthless in the database where only its hash is kept. */
const newRefreshToken = (): string => randomBytes(32).toString('base64url');

interface PresentedToken {
  id: string;
  customer_id: string;
  family_id: string;
  expired: boolean;
  used: boolean;
  in_grace: boolean;
  revoked: boolean;
  readable: boolean;
}

const invalidRefresh = () => unauthorized('The refresh token is not valid. Sign in again.');

/**
 * Sign-in sessions: short-lived signed access tokens plus opaque refresh tokens, rotated on every
 * use. A session is a family of refresh tokens (the access token's `sid`); presenting a token that
 * was already exchanged means two parties hold it, so the whole family ends (theft detection).
 */
@Injectable()
export class CustomerSessions {
  private readonly logger = new Logger('CustomerSessions');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
  ) {}

  get refreshTtlSeconds(): number {
    return this.config.REFRESH_TOKEN_TTL_DAYS * 86_400;
  }

  /** Starts a new session (a sign-in) for the customer. */
  async start(customerId: string): Promise<IssuedTokens> {
    return this.issue(this.dataSource.manager, customerId, randomUUID());
  }

  /**
   * Exchanges a refresh token for a new pair. Unknown, expired, ended or blocked: 401. Already
   * exchanged within REFRESH_REUSE_GRACE_SECONDS (concurrent tabs): a sibling pair. Already exchanged
   * before that: the session ends for every holder, then 401.
   */
  async rotate(refreshToken: string): Promise<IssuedTokens> {
    const result = await this.dataSource.transaction(async (manager) => {
      const rows: PresentedToken[] = await manager.query(
        `select s.id, s.customer_id, s.family_id,
                s.expires_at <= now() as expired, s.used_at is not null as used,
                ($2::int > 0 and s.used_at > now() - make_interval(secs => $2::int)) as in_grace, s.revoked_at is not null as revoked,
                ${notBlockedClause(CUSTOMER_RECORD, 's.customer_id')} and ${notBlockedClause(SESSION_RECORD, 's.family_id')} as readable
           from customer_session s where s.token_hash = $1 for update of s`,
        [hashToken(refreshToken), this.config.REFRESH_REUSE_GRACE_SECONDS],
      );
      const token = rows[0];
      if (!token || token.revoked || token.expired || !token.readable) return { outcome: 'invalid' as const };
      if (token.used && token.in_grace) {
        // Two tabs refreshed with the same token at the same moment: the later one gets a sibling in the
        // same session. Only within the short grace window; past it, a second use ends the session.
        return {
          outcome: 'rotated' as const,
          tokens: await this.issue(manager, token.customer_id, token.family_id),
        };
      }
      if (token.used) {
        await this.endFamily(manager, token.family_id, 'reuse-detected');
        return { outcome: 'reused' as const, familyId: token.family_id };
      }
      await manager.query(`update customer_session set used_at = now() where id = $1`, [token.id]);
      return {
        outcome: 'rotated' as const,
        tokens: await this.issue(manager, token.customer_id, token.family_id),
      };
    });
    if (result.outcome === 'rotated') return result.tokens;
    if (result.outcome === 'reused')
      this.logger.warn(`a rotated refresh token was presented again: session ${result.familyId} ended`);
    throw invalidRefresh();
  }

  /** Ends the session the refresh token belongs to (sign-out); unknown tokens are ignored. */
  async endByToken(refreshToken: string): Promise<void> {
    await this.dataSource.query(
      `update customer_session set revoked_at = now(), revoke_reason = 'logout'
        where family_id = (select family_id from customer_session where token_hash = $1) and revoked_at is null`,
      [hashToken(refreshToken)],
    );
  }

  /** Ends every session of the customer except `keepFamilyId` (after a password change). */
  async endOthers(
    manager: EntityManager,
    customerId: string,
    keepFamilyId: string | undefined,
    reason: SessionEndReason,
  ): Promise<void> {
    await manager.query(
      `update customer_session set revoked_at = now(), revoke_reason = $3
        where customer_id = $1 and revoked_at is null and ($2::uuid is null or family_id <> $2::uuid)`,
      [customerId, keepFamilyId ?? null, reason],
    );
  }

  /** Whether an access token's session is still running: not signed out, not ended, account not blocked. */
  async isActive(customerId: string, familyId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `select 1 from customer_session s
        where s.family_id = $1 and s.customer_id = $2 and s.revoked_at is null
          and ${notBlockedClause(CUSTOMER_RECORD, 's.customer_id')}
        limit 1`,
      [familyId, customerId],
    );
    return rows.length > 0;
  }

  private async endFamily(manager: EntityManager, familyId: string, reason: SessionEndReason): Promise<void> {
    await manager.query(
      `update customer_session set revoked_at = now(), revoke_reason = $2 where family_id = $1 and revoked_at is null`,
      [familyId, reason],
    );
  }

  private async issue(manager: EntityManager, customerId: string, familyId: string): Promise<IssuedTokens> {
    const refreshToken = newRefreshToken();
    await manager.query(
      `insert into customer_session (customer_id, family_id, token_hash, expires_at)
       values ($1, $2, $3, now() + make_interval(secs => $4))`,
      [customerId, familyId, hashToken(refreshToken), this.refreshTtlSeconds],
    );
    const access = this.tokens.sign({ sub: customerId, kind: 'customer', sid: familyId });
    return {
      accessToken: access.token,
      tokenType: 'Bearer',
      expiresIn: access.expiresIn,
      refreshToken,
      refreshExpiresIn: this.refreshTtlSeconds,
    };
  }
}
