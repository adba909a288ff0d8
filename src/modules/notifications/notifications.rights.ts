import { Injectable } from '@nestjs/common';
import type {
  BlockedRecord,
  ErasureContext,
  ErasureOutcome,
  ExportSection,
  PersonalDataEraser,
  PersonalDataExporter,
} from '@app/privacy';
import { In, type EntityManager } from 'typeorm';
import { OutboundMessage } from './dev-mailbox/outbound-message.entity.js';
import { CUSTOMER_NOTIFICATIONS } from './notifications.declarations.js';

export const OUTBOUND_MESSAGE_RECORD = 'outbound_message';

/** Access (Art. 15, 20) and erasure (Art. 17) of the notices sent to a person. */
@Injectable()
export class NotificationsRights implements PersonalDataExporter, PersonalDataEraser {
  readonly name = 'notifications';

  export(subjectId: string, manager: EntityManager): Promise<ExportSection> {
    return this.exportMany([subjectId], manager);
  }

  /** `export` for several subject ids of one person, in one query per table. */
  async exportMany(subjectIds: readonly string[], manager: EntityManager): Promise<ExportSection> {
    const messages = await manager
      .getRepository(OutboundMessage)
      .find({ where: { subjectId: In([...subjectIds]) }, order: { createdAt: 'ASC', id: 'ASC' } });
    return {
      activities: [CUSTOMER_NOTIFICATIONS.id],
      categories: messages.length > 0 ? ['contact.email', 'identity.name', 'notification.content'] : [],
      records: messages.map((m) => ({
        recordType: OUTBOUND_MESSAGE_RECORD,
        recordId: m.id,
        activityId: CUSTOMER_NOTIFICATIONS.id,
        data: {
          template: m.template,
          sentAt: m.createdAt.toISOString(),
          to: m.toAddress,
          subject: m.subjectLine,
          text: m.bodyText,
        },
      })),
    };
  }

  /** No statute keeps a notice: each is erased, unless a legal hold covers it. */
  async erase(subjectId: string, context: ErasureContext): Promise<ErasureOutcome[]> {
    const repo = context.manager.getRepository(OutboundMessage);
    const messages = await repo.find({ where: { subjectId }, select: { id: true, createdAt: true } });
    const outcomes: ErasureOutcome[] = [];
    const erasable: string[] = [];
    for (const m of messages) {
      const holdId = context.heldBy({
        activityId: CUSTOMER_NOTIFICATIONS.id,
        recordType: OUTBOUND_MESSAGE_RECORD,
        recordId: m.id,
        occurredAt: m.createdAt,
      });
      if (holdId) {
        outcomes.push({
          recordType: OUTBOUND_MESSAGE_RECORD,
          recordId: m.id,
          outcome: 'held',
          activityId: CUSTOMER_NOTIFICATIONS.id,
          holdId,
          recordDate: m.createdAt,
        });
      } else {
        erasable.push(m.id);
        outcomes.push({ recordType: OUTBOUND_MESSAGE_RECORD, recordId: m.id, outcome: 'erased' });
      }
    }
    if (erasable.length > 0) await repo.delete({ id: In(erasable) });
    return outcomes;
  }

  async eraseBlocked(records: readonly BlockedRecord[], manager: EntityManager): Promise<void> {
    const ids = records.filter((r) => r.recordType === OUTBOUND_MESSAGE_RECORD).map((r) => r.recordId);
    if (ids.length > 0) await manager.getRepository(OutboundMessage).delete({ id: In(ids) });
  }
}
