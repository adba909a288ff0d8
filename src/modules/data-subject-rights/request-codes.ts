import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { UnitOfWork } from '@app/core';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../../config/app-config.js';

export type CodePurpose = 'verify' | 'confirm';

/** How long a code is valid, and how many wrong tries void it. */
export const CODE_TTL_MINUTES = 15;
export const CODE_MAX_FAILURES = 5;

const DEV_SECRET_NAME = 'privacy-request-code-secret';

export type CodeCheck = 'ok' | 'wrong' | 'expired-or-used';

/**
 * One-time codes that prove a person reads the address the shop holds for them (Art. 12(6)).
 *
 * Only a random salt is stored per code; the six digits are a keyed hash of it (HMAC with a key that
 * is not in the database), computed when the mail is rendered and again when the code is checked.
 * So neither the database nor the job queue holds a usable code, and the notice job carries the
 * salt (an id-like value) instead of the code. A code is used once, expires after 15 minutes and is
 * voided after five wrong tries; a newer code of the same purpose voids the older ones.
 */
@Injectable()
export class RequestCodes implements OnModuleInit {
  private readonly logger = new Logger(RequestCodes.name);
  private key?: Buffer;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.loadKey();
  }

  /** The six digits of a code with this salt (hex). */
  digits(saltHex: string): string {
    if (!this.key) throw new Error('RequestCodes used before its key was loaded');
    const mac = createHmac('sha256', this.key).update(Buffer.from(saltHex, 'hex')).digest();
    return String(mac.readUInt32BE(0) % 1_000_000).padStart(6, '0');
  }

  /** A new code for the request (in the caller's transaction); answers its id and salt for the notice. */
  async issue(requestId: string, purpose: CodePurpose): Promise<{ codeId: string; salt: string }> {
    await this.loadKey();
    const manager = this.uow.requireTransaction('issuing a one-time code');
    await manager.query(
      `update privacy_request_code set voided_at = now()
        where request_id = $1 and purpose = $2 and used_at is null and voided_at is null`,
      [requestId, purpose],
    );
    const salt = randomBytes(16);
    const rows: { id: string }[] = await manager.query(
      `insert into privacy_request_code (request_id, purpose, salt, expires_at)
       values ($1, $2, $3, now() + make_interval(mins => $4)) returning id`,
      [requestId, purpose, salt, CODE_TTL_MINUTES],
    );
    return { codeId: rows[0].id, salt: salt.toString('hex') };
  }

  /**
   * Checks `code` against the request's current code of `purpose` and uses it up when it matches.
   * Runs in the caller's transaction, which must commit even when the answer is `wrong` (the count).
   */
  async check(requestId: string, purpose: CodePurpose, code: string): Promise<CodeCheck> {
    await this.loadKey();
    const manager = this.uow.requireTransaction('checking a one-time code');
    const rows: { id: string; salt: Buffer; live: boolean }[] = await manager.query(
      `select id, salt, (used_at is null and voided_at is null and expires_at > now()) as live
         from privacy_request_code where request_id = $1 and purpose = $2
        order by created_at desc limit 1 for update`,
      [requestId, purpose],
    );
    const row = rows[0];
    if (!row || !row.live) return 'expired-or-used';
    const expected = Buffer.from(this.digits(row.salt.toString('hex')));
    const given = Buffer.from(code);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      await manager.query(
        `update privacy_request_code set failed_attempts = failed_attempts + 1,
                voided_at = case when failed_attempts + 1 >= $2 then now() else null end
          where id = $1`,
        [row.id, CODE_MAX_FAILURES],
      );
      return 'wrong';
    }
    await manager.query(`update privacy_request_code set used_at = now() where id = $1`, [row.id]);
    return 'ok';
  }

  /**
   * A token that lets whoever verified a request read its answer again or download its export, until
   * `expiresAt` (15 minutes unless said otherwise): `<requestId>.<expiry>.<mac>`, checked without state.
   */
  signRequestToken(requestId: string, expiresAt = new Date(Date.now() + CODE_TTL_MINUTES * 60_000)): string {
    const body = `${requestId}.${Math.floor(expiresAt.getTime() / 1000)}`;
    return `${body}.${this.mac(body)}`;
  }

  /** The request id a token grants, or null (forged, malformed or expired). */
  verifyRequestToken(token: string): string | null {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [id, exp, mac] = parts;
    const expected = Buffer.from(this.mac(`${id}.${exp}`));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    if (!/^\d+$/.test(exp) || Number(exp) * 1000 < Date.now()) return null;
    return id;
  }

  private mac(body: string): string {
    if (!this.key) throw new Error('RequestCodes used before its key was loaded');
    return createHmac('sha256', this.key).update(`request-token:${body}`).digest('base64url');
  }

  private async loadKey(): Promise<void> {
    if (this.key) return;
    const secret = this.config.AUTH_TOKEN_SECRET
      ? Buffer.from(this.config.AUTH_TOKEN_SECRET, 'utf8')
      : await this.devSecret();
    this.key = createHmac('sha256', secret).update('storefront/privacy-requests/one-time-code/v1').digest();
  }

  /** Development and tests only (production requires AUTH_TOKEN_SECRET): one secret per database. */
  private async devSecret(): Promise<Buffer> {
    if (this.config.NODE_ENV === 'production') throw new Error('AUTH_TOKEN_SECRET is required in production');
    const rows: { value: Buffer }[] = await this.uow.manager.query(
      `with created as (
         insert into app_secret (name, value) values ($1, $2) on conflict (name) do nothing returning value
       )
       select value from created
       union all
       select value from app_secret where name = $1
       limit 1`,
      [DEV_SECRET_NAME, randomBytes(32)],
    );
    this.logger.warn(
      'AUTH_TOKEN_SECRET is not set: one-time codes use a key stored in the database (development only)',
    );
    return rows[0].value;
  }
}
