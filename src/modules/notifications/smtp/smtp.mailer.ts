import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { UnitOfWork } from '@app/core';
import { createTransport, type Transporter } from 'nodemailer';
import { AppConfig } from '../../../config/app-config.js';
import type { MailMessage, Mailer } from '../mailer.port.js';

/**
 * Sends through an SMTP server (the mail provider, a processor under an Art. 28 contract) with
 * nodemailer. pg-boss delivers a notice job at least once, so each idempotency key is claimed in
 * `mail_delivery` first (no personal data there: the key, the template and when): a key already
 * sent is skipped, and a failed send gives its claim back so the retry sends. A claim left by a
 * crashed worker is taken over after five minutes; a crash between the server's acceptance and the
 * confirmation can still send twice: SMTP has no way to ask whether a message arrived.
 */
@Injectable()
export class SmtpMailer implements Mailer, OnModuleDestroy {
  private readonly transport: Transporter;
  private readonly from: string;

  constructor(
    config: AppConfig,
    private readonly uow: UnitOfWork,
  ) {
    this.from = config.MAIL_FROM;
    this.transport = createTransport({
      host: config.SMTP_HOST,
      port: config.SMTP_PORT,
      secure: config.SMTP_SECURE,
      requireTLS: config.SMTP_REQUIRE_TLS && !config.SMTP_SECURE,
      ignoreTLS: !config.SMTP_REQUIRE_TLS && !config.SMTP_SECURE,
      ...(config.SMTP_USER ? { auth: { user: config.SMTP_USER, pass: config.SMTP_PASSWORD } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(message: MailMessage): Promise<void> {
    // No transaction is held open across the call to the server (uow.outside): claim, send, confirm.
    await this.uow.outside(async () => {
      const manager = this.uow.manager;
      const claimed: { sent: boolean }[] = await manager.query(
        `insert into mail_delivery (idempotency_key, template) values ($1, $2)
         on conflict (idempotency_key) do update set claimed_at = now()
          where mail_delivery.sent_at is null and mail_delivery.claimed_at < now() - interval '5 minutes'
         returning false as sent`,
        [message.idempotencyKey, message.template],
      );
      if (claimed.length === 0) {
        const rows: { sent_at: Date | null }[] = await manager.query(
          'select sent_at from mail_delivery where idempotency_key = $1',
          [message.idempotencyKey],
        );
        if (rows[0]?.sent_at) return; // sent before: a repeated delivery of the job
        throw new Error(`message ${message.idempotencyKey} is being sent by another worker`);
      }
      let messageId: string | null;
      try {
        const info = (await this.transport.sendMail({
          from: this.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          headers: { 'X-Notice-Template': message.template },
        })) as { messageId?: string };
        messageId = info.messageId ?? null;
      } catch (error) {
        await manager.query('delete from mail_delivery where idempotency_key = $1 and sent_at is null', [
          message.idempotencyKey,
        ]);
        throw error;
      }
      await manager.query(
        'update mail_delivery set sent_at = now(), message_id = $2 where idempotency_key = $1',
        [message.idempotencyKey, messageId],
      );
    });
  }

  onModuleDestroy(): void {
    this.transport.close();
  }
}
