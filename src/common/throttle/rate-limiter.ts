import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac, randomBytes } from 'node:crypto';
import { AppConfig } from '../../config/app-config.js';
import { DataSource } from 'typeorm';
import { ProblemException } from '../problem/problem.js';

export interface RateLimit {
  /** What is limited, e.g. `login:account`, `inquiry:client`. */
  scope: string;
  /** Whose attempts are counted (an account id, an IP, an email): hashed before it is stored. */
  key: string;
  max: number;
  windowSeconds: number;
}

export interface RateLimitState {
  count: number;
  /** Seconds until the window ends. */
  retryAfter: number;
  limited: boolean;
}

/**
 * Fixed-window counters in PostgreSQL, so every instance behind the load balancer sees the same
 * counts (docs/architecture.md). Keys are stored as keyed SHA-256 hashes (HMAC): an IP or email is never kept here.
 */
@Injectable()
export class RateLimiter {
  /**
   * Keys are hashed with a secret: an unkeyed hash of an email or an IP could be reversed by
   * hashing guesses. In production the key is AUTH_TOKEN_SECRET (shared by every instance); in
   * development a random one per process (counters then start afresh at each start).
   */
  private readonly hashKey: Buffer;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: AppConfig,
  ) {
    this.hashKey = config.AUTH_TOKEN_SECRET
      ? Buffer.from(`rate-limit:${config.AUTH_TOKEN_SECRET}`)
      : randomBytes(32);
  }

  /** Counts one attempt and says whether the limit is now exceeded. */
  async hit(limit: RateLimit): Promise<RateLimitState> {
    const rows: { count: number; retry_after: number }[] = await this.dataSource.query(
      `insert into rate_limit_bucket as b (scope, key_hash, window_end, count)
       values ($1, $2, now() + make_interval(secs => $3), 1)
       on conflict (scope, key_hash) do update
         set count = case when b.window_end <= now() then 1 else b.count + 1 end,
             window_end = case when b.window_end <= now() then now() + make_interval(secs => $3) else b.window_end end
       returning count, ceil(extract(epoch from window_end - now()))::int as retry_after`,
      [limit.scope, this.hash(limit.key), limit.windowSeconds],
    );
    const { count, retry_after } = rows[0];
    return { count, retryAfter: Math.max(1, retry_after), limited: count > limit.max };
  }

  /** The current state without counting an attempt. */
  async peek(limit: RateLimit): Promise<RateLimitState> {
    const rows: { count: number; retry_after: number }[] = await this.dataSource.query(
      `select count, ceil(extract(epoch from window_end - now()))::int as retry_after
         from rate_limit_bucket where scope = $1 and key_hash = $2 and window_end > now()`,
      [limit.scope, this.hash(limit.key)],
    );
    if (rows.length === 0) return { count: 0, retryAfter: 0, limited: false };
    return {
      count: rows[0].count,
      retryAfter: Math.max(1, rows[0].retry_after),
      limited: rows[0].count >= limit.max,
    };
  }

  async reset(scope: string, key: string): Promise<void> {
    await this.dataSource.query(`delete from rate_limit_bucket where scope = $1 and key_hash = $2`, [
      scope,
      this.hash(key),
    ]);
  }

  /** Counts the attempt and throws a 429 problem with `Retry-After` when over the limit. */
  async enforce(limit: RateLimit, detail = 'Too many attempts. Try again later.'): Promise<void> {
    const state = await this.hit(limit);
    if (state.limited) throw tooManyRequests(state.retryAfter, detail);
  }

  private hash(key: string): string {
    return createHmac('sha256', this.hashKey).update(key).digest('hex');
  }
}

export const tooManyRequests = (retryAfterSeconds: number, detail: string): ProblemException =>
  new ProblemException(
    HttpStatus.TOO_MANY_REQUESTS,
    'too-many-requests',
    'Too Many Requests',
    detail,
    { retryAfter: retryAfterSeconds },
    {
      'retry-after': String(retryAfterSeconds),
    },
  );
