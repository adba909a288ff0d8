// The notifications module's public surface (docs/architecture.md): other modules send notices through it.
export { NotificationsModule } from './notifications.module.js';
export { NoticeCatalogue } from './notice-catalogue.js';
export type {
  NoticeData,
  NoticeLocale,
  NoticeRecipient,
  NoticeRecipientResolver,
  NoticeTemplate,
  RenderedNotice,
} from './notice.contracts.js';
export { NotificationOutbox } from './notification-outbox.js';
export { CUSTOMER_NOTIFICATIONS } from './notifications.declarations.js';
export { OutboundMessage } from './dev-mailbox/outbound-message.entity.js';
