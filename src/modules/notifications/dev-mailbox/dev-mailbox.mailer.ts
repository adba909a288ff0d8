import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MailMessage, Mailer } from '../mailer.port.js';
import { OutboundMessage } from './outbound-message.entity.js';

/**
 * The development mailbox: "sends" by writing the message to `outbound_message` (no SMTP here).
 * A message whose idempotency key was written before is not written again.
 */
@Injectable()
export class DevMailboxMailer implements Mailer {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async send(message: MailMessage): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(OutboundMessage)
      .values({
        idempotencyKey: message.idempotencyKey,
        template: message.template,
        subjectId: message.subjectId,
        toAddress: message.to,
        subjectLine: message.subject,
        bodyText: message.text,
      })
      .orIgnore()
      .execute();
  }
}
