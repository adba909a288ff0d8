import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { guestSubject, normaliseEmail } from '../../common/subjects.js';
import { AppConfig } from '../../config/app-config.js';
import { signOrderAccessToken, verifyOrderAccessToken } from './order-access-token.js';

const DEV_SECRET_NAME = 'order-token-secret';

interface Keys {
  /** Keys the guest subject ids: must never change, or a guest's old orders are a stranger's. */
  guestSubject: string;
  /** Signs guest order access tokens. */
  accessToken: Buffer;
}

/**
 * The keys of the orders module, derived from ORDER_TOKEN_SECRET (one key per use, so a token
 * signature can never be replayed as a subject id or the other way round).
 *
 * Production requires ORDER_TOKEN_SECRET (the configuration refuses to start without it). In
 * development and tests, where nobody sets it, a random secret is created once and stored in
 * `app_secret`: stable across restarts and shared by every instance on the database, unlike a
 * per-process key, which would turn each guest into a new subject at every restart. Anyone who can
 * read the database can then forge guest tokens, which is why this is refused in production.
 */
@Injectable()
export class OrderSecrets {
  private readonly logger = new Logger(OrderSecrets.name);
  private keys?: Promise<Keys>;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The data-subject id of a guest: a keyed hash of the normalised email (src/common/subjects.ts). */
  async guestSubject(email: string): Promise<string> {
    return guestSubject(normaliseEmail(email), (await this.load()).guestSubject);
  }

  async signAccessToken(orderId: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(now.getTime() + this.config.ORDER_ACCESS_TOKEN_TTL_DAYS * 86_400_000);
    return { token: signOrderAccessToken((await this.load()).accessToken, orderId, expiresAt), expiresAt };
  }

  /** The order id a guest token grants access to, or null. */
  async verifyAccessToken(token: string): Promise<string | null> {
    return verifyOrderAccessToken((await this.load()).accessToken, token);
  }

  private load(): Promise<Keys> {
    this.keys ??= this.secret().then(derive, (error: unknown) => {
      this.keys = undefined;
      throw error;
    });
    return this.keys;
  }

  private async secret(): Promise<Buffer> {
    if (this.config.ORDER_TOKEN_SECRET) return Buffer.from(this.config.ORDER_TOKEN_SECRET, 'utf8');
    if (this.config.NODE_ENV === 'production') {
      throw new Error('ORDER_TOKEN_SECRET is required in production');
    }
    const rows: { value: Buffer }[] = await this.dataSource.query(
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
      'ORDER_TOKEN_SECRET is not set: guest subject ids and guest order links use a secret stored in the ' +
        'database (app_secret), which is acceptable in development only',
    );
    return rows[0].value;
  }
}

function derive(secret: Buffer): Keys {
  const key = (use: string): Buffer => createHmac('sha256', secret).update(use).digest();
  return {
    guestSubject: key('storefront/orders/guest-subject/v1').toString('hex'),
    accessToken: key('storefront/orders/access-token/v1'),
  };
}
