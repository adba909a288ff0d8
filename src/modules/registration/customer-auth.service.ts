import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { notBlockedClause } from '@app/privacy';
import { DataSource } from 'typeorm';
import { dummyHash, verifyPassword } from '../../common/auth/passwords.js';
import { ProblemException } from '../../common/problem/problem.js';
import { normaliseEmail } from '../../common/subjects.js';
import { RateLimiter, tooManyRequests, type RateLimit } from '../../common/throttle/rate-limiter.js';
import { AppConfig } from '../../config/app-config.js';
import type { Client } from './client.js';
import { CUSTOMER_RECORD, CustomerSessions, type IssuedTokens } from './customer-sessions.js';

export const invalidCredentials = (): ProblemException =>
  new ProblemException(
    HttpStatus.UNAUTHORIZED,
    'invalid-credentials',
    'Unauthorized',
    'The email address or the password is wrong.',
  );

const LOCKED_OUT = 'Too many failed sign-ins. Try again later.';

/**
 * Customer sign-in. Failures are counted per account (the normalised address, hashed by the
 * RateLimiter, whether or not an account exists) and per client IP; past the limit every attempt
 * is answered 429 with Retry-After, the right password included, until the window ends. A success
 * clears the account's count. Unknown addresses cost the same Argon2 verification as known ones,
 * and both answer the same, so neither the answer nor its timing tells whether an account exists.
 */
@Injectable()
export class CustomerAuth {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly limiter: RateLimiter,
    private readonly sessions: CustomerSessions,
    private readonly config: AppConfig,
  ) {}

  async login(email: string, password: string, client: Client): Promise<IssuedTokens> {
    const accountLimit = this.accountLimit(normaliseEmail(email));
    const clientLimit: RateLimit = {
      scope: 'login:client',
      key: client.ip,
      max: this.config.LOGIN_MAX_FAILURES_PER_CLIENT,
      windowSeconds: this.config.LOGIN_LOCKOUT_SECONDS,
    };
    // The account's counter takes every attempt first, atomically, so parallel guesses cannot slip
    // past the limit; a success clears it again. The client's counter takes only failures (a
    // shared office IP signing in successfully is not suspicious).
    const [account, byClient] = await Promise.all([
      this.limiter.hit(accountLimit),
      this.limiter.peek(clientLimit),
    ]);
    if (account.limited || byClient.limited) {
      throw tooManyRequests(
        Math.max(account.limited ? account.retryAfter : 0, byClient.limited ? byClient.retryAfter : 0),
        LOCKED_OUT,
      );
    }

    const rows: { id: string; password_hash: string }[] = await this.dataSource.query(
      `select c.id, c.password_hash from customer c
        where c.email_normalized = $1 and ${notBlockedClause(CUSTOMER_RECORD, 'c.id')}`,
      [accountLimit.key],
    );
    const customer = rows[0];
    const verified = await verifyPassword(customer?.password_hash ?? (await dummyHash()), password);
    if (!customer || !verified) {
      await this.limiter.hit(clientLimit);
      throw invalidCredentials();
    }
    await this.limiter.reset(accountLimit.scope, accountLimit.key);
    return this.sessions.start(customer.id);
  }

  /** The failure counter of one account (also used for the current password on a password change). */
  accountLimit(key: string, scope = 'login:account'): RateLimit {
    return {
      scope,
      key,
      max: this.config.LOGIN_MAX_FAILURES,
      windowSeconds: this.config.LOGIN_LOCKOUT_SECONDS,
    };
  }
}
