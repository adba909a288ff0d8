import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { defineRecipient, PrivacyModule } from '@app/privacy';
import { AppConfig } from '../../config/app-config.js';
import { DevMailboxMailer } from './dev-mailbox/dev-mailbox.mailer.js';
import { OutboundMessage } from './dev-mailbox/outbound-message.entity.js';
import { MAILER } from './mailer.port.js';
import { NoticeCatalogue } from './notice-catalogue.js';
import { NotificationOutbox } from './notification-outbox.js';
import { NotificationWorker } from './notification-worker.js';
import { CUSTOMER_NOTIFICATIONS } from './notifications.declarations.js';
import { NOTIFICATION_RECORDS } from './notifications.rights.js';
import { SmtpMailer } from './smtp/smtp.mailer.js';

/**
 * The mail provider: the SMTP service the shop sends its emails through (MAIL_TRANSPORT=smtp). It
 * only transmits them on the shop's instructions, so it is a processor under an Art. 28 contract.
 */
export const MAIL_PROVIDER = defineRecipient({
  id: 'mail-provider',
  name: 'Email delivery provider (SMTP relay, configured per shop)',
  role: 'processor',
  country: 'DE',
  contractReference: 'Art. 28 GDPR data processing agreement with the email provider',
  description:
    'Transmits the service emails (account and order notices) to the recipients; stores them only for delivery.',
});

/**
 * The notification outbox: modules enqueue notices (ids only) in their transactions with
 * NotificationOutbox, register their templates and recipients with NoticeCatalogue, and the
 * NotificationWorker sends them through the Mailer port: the development mailbox by default, the
 * SMTP adapter (nodemailer) with MAIL_TRANSPORT=smtp.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([OutboundMessage]),
    PrivacyModule.forFeature({
      activities: [CUSTOMER_NOTIFICATIONS],
      recipients: [MAIL_PROVIDER],
      records: [NOTIFICATION_RECORDS],
    }),
  ],
  providers: [
    DevMailboxMailer,
    SmtpMailer,
    {
      // The development mailbox unless MAIL_TRANSPORT=smtp; both are built, only one sends.
      provide: MAILER,
      inject: [AppConfig, DevMailboxMailer, SmtpMailer],
      useFactory: (config: AppConfig, mailbox: DevMailboxMailer, smtp: SmtpMailer) =>
        config.MAIL_TRANSPORT === 'smtp' ? smtp : mailbox,
    },
    NoticeCatalogue,
    NotificationOutbox,
    NotificationWorker,
  ],
  exports: [NotificationOutbox, NoticeCatalogue],
})
export class NotificationsModule {}
