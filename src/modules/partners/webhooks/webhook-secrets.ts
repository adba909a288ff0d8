import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../../config/app-config.js';

const DEV_KEY_NAME = 'partner-webhook-key';

export interface SealedSecret {
  ciphertext: Buffer;
  nonce: Buffer;
  tag: Buffer;
}

/**
 * The partners' webhook signing secrets at rest. A secret must be usable to sign, so it cannot be
 * stored as a hash like an API key: it is encrypted with AES-256-GCM under PARTNER_WEBHOOK_SECRET_KEY
 * (required in production), a fresh 96-bit nonce per secret, and the webhook's id as associated data,
 * so a ciphertext copied onto another webhook's row does not decrypt. Without the key (development,
 * tests) a random key is created once in `app_secret`, stable across restarts and instances.
 */
@Injectable()
export class WebhookSecretCipher {
  private readonly logger = new Logger('PartnerWebhooks');
  private key?: Promise<Buffer>;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async seal(webhookId: string, secret: string): Promise<SealedSecret> {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', await this.load(), nonce);
    cipher.setAAD(Buffer.from(`partner_webhook:${webhookId}`, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return { ciphertext, nonce, tag: cipher.getAuthTag() };
  }

  async open(webhookId: string, sealed: SealedSecret): Promise<string> {
    const decipher = createDecipheriv('aes-256-gcm', await this.load(), sealed.nonce);
    decipher.setAAD(Buffer.from(`partner_webhook:${webhookId}`, 'utf8'));
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  }

  private load(): Promise<Buffer> {
    this.key ??= this.resolve().catch((error: unknown) => {
      this.key = undefined;
      throw error;
    });
    return this.key;
  }

  private async resolve(): Promise<Buffer> {
    const configured = this.config.PARTNER_WEBHOOK_SECRET_KEY;
    if (configured) return Buffer.from(configured, /^[0-9a-fA-F]{64}$/.test(configured) ? 'hex' : 'base64');
    if (this.config.NODE_ENV === 'production')
      throw new Error('PARTNER_WEBHOOK_SECRET_KEY is required in production');
    const rows: { value: Buffer }[] = await this.dataSource.query(
      `with created as (
         insert into app_secret (name, value) values ($1, $2) on conflict (name) do nothing returning value
       )
       select value from created
       union all
       select value from app_secret where name = $1
       limit 1`,
      [DEV_KEY_NAME, randomBytes(32)],
    );
    this.logger.warn(
      'PARTNER_WEBHOOK_SECRET_KEY is not set: webhook secrets are encrypted with a key stored in the database ' +
        '(app_secret), which is acceptable in development only',
    );
    return rows[0].value;
  }
}
