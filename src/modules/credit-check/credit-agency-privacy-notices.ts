import { Inject, Injectable } from '@nestjs/common';
import type { RecipientNotice, RecipientNotifier } from '@app/privacy';
import type { EntityManager } from 'typeorm';
import { CREDIT_AGENCY, type CreditAgency } from './credit-agency.port.js';

/**
 * The credit agency's channel for Art. 19 notices: the references of the person's checks (the shop's
 * check id the agency received, and the agency's own reference), sent through the agency's API.
 */
@Injectable()
export class CreditAgencyPrivacyNotices implements RecipientNotifier {
  readonly recipients = ['credit-agency'] as const;

  constructor(@Inject(CREDIT_AGENCY) private readonly agency: CreditAgency) {}

  async references(_recipientId: string, subjectId: string, manager: EntityManager): Promise<string[]> {
    const rows: { id: string; agency_reference: string | null }[] = await manager.query(
      `select id, agency_reference from credit_check where subject_id = $1 order by requested_at`,
      [subjectId],
    );
    return rows.flatMap((r) => [r.id, ...(r.agency_reference ? [r.agency_reference] : [])]);
  }

  async notify(notice: RecipientNotice): Promise<void> {
    await this.agency.sendPrivacyNotice({
      noticeId: notice.noticeId,
      kind: notice.kind,
      references: notice.references,
      occurredAt: notice.occurredAt,
    });
  }
}
