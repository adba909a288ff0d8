import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PrivacyModule, RetentionPolicies, RightsRegistry } from '@app/privacy';
import { DevMailboxMailer } from './dev-mailbox/dev-mailbox.mailer.js';
import { OutboundMessage } from './dev-mailbox/outbound-message.entity.js';
import { MAILER } from './mailer.port.js';
import { NoticeCatalogue } from './notice-catalogue.js';
import { NotificationOutbox } from './notification-outbox.js';
import { NotificationWorker } from './notification-worker.js';
import { CUSTOMER_NOTIFICATIONS, OUTBOUND_MESSAGE_RETENTION_DAYS } from './notifications.declarations.js';
import { NotificationsRights, OUTBOUND_MESSAGE_RECORD } from './notifications.rights.js';

/**
 * The notification outbox: modules enqueue notices (ids only) in their transactions with
 * NotificationOutbox, register their templates and recipients with NoticeCatalogue, and the
 * NotificationWorker sends them through the Mailer port (the development mailbox for now).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([OutboundMessage]),
    PrivacyModule.forFeature({ activities: [CUSTOMER_NOTIFICATIONS] }),
  ],
  providers: [
    { provide: MAILER, useClass: DevMailboxMailer },
    NoticeCatalogue,
    NotificationOutbox,
    NotificationWorker,
    NotificationsRights,
  ],
  exports: [NotificationOutbox, NoticeCatalogue],
})
export class NotificationsModule implements OnModuleInit {
  constructor(
    private readonly rights: RightsRegistry,
    private readonly retention: RetentionPolicies,
    private readonly notificationsRights: NotificationsRights,
  ) {}

  onModuleInit(): void {
    this.rights.registerExporter(this.notificationsRights);
    this.rights.registerEraser(this.notificationsRights);
    this.retention.register({
      id: 'notifications.outbound-messages',
      activityId: CUSTOMER_NOTIFICATIONS.id,
      recordType: OUTBOUND_MESSAGE_RECORD,
      table: 'outbound_message',
      idColumn: 'id',
      subjectColumn: 'subject_id',
      timestampColumn: 'created_at',
      afterDays: OUTBOUND_MESSAGE_RETENTION_DAYS,
    });
  }
}
