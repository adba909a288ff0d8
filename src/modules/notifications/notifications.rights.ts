import { declareRecords } from '@app/privacy';
import { CUSTOMER_NOTIFICATIONS, OUTBOUND_MESSAGE_RETENTION_DAYS } from './notifications.declarations.js';

export const OUTBOUND_MESSAGE_RECORD = 'outbound_message';

/**
 * Access (Art. 15, 20), erasure (Art. 17) and retention of the notices sent to a person. No statute
 * keeps a notice: each is erased on request (unless a legal hold covers it), and deleted
 * OUTBOUND_MESSAGE_RETENTION_DAYS after it was sent.
 */
export const NOTIFICATION_RECORDS = declareRecords({
  name: 'notifications',
  records: [
    {
      recordType: OUTBOUND_MESSAGE_RECORD,
      activityId: CUSTOMER_NOTIFICATIONS.id,
      table: 'outbound_message',
      subjectColumn: 'subject_id',
      dateColumn: 'created_at',
      onErasure: 'erase',
      export: {
        columns: ['template', 'created_at', 'to_address', 'subject_line', 'body_text'],
        categories: ['contact.email', 'identity.name', 'notification.content'],
        toData: (m) => ({
          template: m.template as string,
          sentAt: (m.created_at as Date).toISOString(),
          to: m.to_address as string,
          subject: m.subject_line as string,
          text: m.body_text as string,
        }),
      },
      retention: { id: 'notifications.outbound-messages', afterDays: OUTBOUND_MESSAGE_RETENTION_DAYS },
    },
  ],
});
