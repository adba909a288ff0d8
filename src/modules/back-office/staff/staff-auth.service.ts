import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { StaffRole } from '../../../common/auth/auth.guards.js';
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from '../../../common/auth/passwords.js';
import { TokenService, unauthorized } from '../../../common/auth/token.service.js';
import { ValidationProblem } from '../../../common/problem/problem.js';
import { normaliseEmail } from '../../../common/subjects.js';
import { RateLimiter, tooManyRequests, type RateLimit } from '../../../common/throttle/rate-limiter.js';
import { AppConfig } from '../../../config/app-config.js';
import { StaffAccount } from './staff-account.entity.js';

export interface StaffSession {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  role: StaffRole;
}

const WRONG_CREDENTIALS = 'The email address or the password is not correct.';

/**
 * Staff sign-in. Attempts are counted per account and failures per client in the database (every
 * instance sees them): after LOGIN_MAX_FAILURES attempts on one account (a success resets the count)
 * or LOGIN_MAX_FAILURES_PER_CLIENT failures of one client within LOGIN_LOCKOUT_SECONDS, sign-in
 * answers 429 with Retry-After until the window ends, even for the right password. The answer
 * never says whether the account exists, is inactive or the password was wrong, and takes the same
 * time (a real Argon2id verification) in every case.
 */
@Injectable()
export class StaffAuth {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  async login(email: string, password: string, clientIp: string): Promise<StaffSession> {
    const normalised = normaliseEmail(email);
    const accountLimit = this.limit('staff-login:account', normalised, this.config.LOGIN_MAX_FAILURES);
    // Failures of one client across accounts: a password-spraying run.
    const clientLimit = this.limit('staff-login:client', clientIp, this.config.LOGIN_MAX_FAILURES_PER_CLIENT);

    const client = await this.limiter.peek(clientLimit);
    if (client.limited)
      throw tooManyRequests(client.retryAfter, 'Too many failed sign-ins. Try again later.');
    // Counted before the password is checked, so parallel guesses cannot slip past the limit.
    await this.limiter.enforce(accountLimit, 'Too many sign-in attempts for this account. Try again later.');

    const repository = this.dataSource.getRepository(StaffAccount);
    const account = await repository.findOneBy({ emailNormalized: normalised });
    const valid = await verifyPassword(account?.passwordHash ?? (await dummyHash()), password);
    if (!account || !valid || !account.active) {
      await this.limiter.hit(clientLimit);
      throw unauthorized(WRONG_CREDENTIALS);
    }
    await this.limiter.reset(accountLimit.scope, accountLimit.key);
    await repository.update({ id: account.id }, { lastLoginAt: new Date() });
    const ttl = this.config.STAFF_ACCESS_TOKEN_TTL_SECONDS;
    const { token, expiresIn } = this.tokens.sign(
      { sub: account.id, kind: 'staff', role: account.role },
      ttl,
    );
    return { accessToken: token, tokenType: 'Bearer', expiresIn, role: account.role };
  }

  /** The signed-in employee changes their own password; the current one must be given. */
  async changePassword(staffId: string, currentPassword: string, newPassword: string): Promise<void> {
    const repository = this.dataSource.getRepository(StaffAccount);
    const account = await repository.findOneBy({ id: staffId });
    const limit = this.limit('staff-password-change:account', staffId, this.config.LOGIN_MAX_FAILURES);
    await this.limiter.enforce(limit, 'Too many attempts. Try again later.');
    if (!account?.passwordHash || !(await verifyPassword(account.passwordHash, currentPassword)))
      throw new ValidationProblem([{ field: 'currentPassword', reason: 'is not correct' }]);
    const problem = passwordProblem(newPassword);
    if (problem) throw new ValidationProblem([{ field: 'newPassword', reason: problem }]);
    if (newPassword === currentPassword)
      throw new ValidationProblem([
        { field: 'newPassword', reason: 'must differ from the current password' },
      ]);
    await this.limiter.reset(limit.scope, limit.key);
    await repository.update({ id: staffId }, { passwordHash: await hashPassword(newPassword) });
  }

  private limit(scope: string, key: string, max: number): RateLimit {
    return { scope, key, max, windowSeconds: this.config.LOGIN_LOCKOUT_SECONDS };
  }
}
