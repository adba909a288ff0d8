import { Inject, Injectable } from '@nestjs/common';
import type { RecipientNotice, RecipientNotifier } from '@app/privacy';
import type { EntityManager } from 'typeorm';
import { CARRIERS, CarrierUnavailable, isCarrier } from './carrier.port.js';
import { CARRIER_SETUP, type CarrierSetup } from './carriers.js';

/**
 * The carriers' channel for Art. 19 notices: the parcel numbers a carrier knows the person's
 * shipments by (read before an erasure), and the notice sent through the carrier's adapter.
 */
@Injectable()
export class CarrierPrivacyNotices implements RecipientNotifier {
  readonly recipients = CARRIERS;

  constructor(@Inject(CARRIER_SETUP) private readonly setup: CarrierSetup) {}

  async references(recipientId: string, subjectId: string, manager: EntityManager): Promise<string[]> {
    const rows: { tracking_number: string }[] = await manager.query(
      `select tracking_number from shipment
        where subject_id = $1 and carrier = $2 and tracking_number is not null order by created_at`,
      [subjectId, recipientId],
    );
    return rows.map((r) => r.tracking_number);
  }

  async notify(notice: RecipientNotice): Promise<void> {
    const carrier = notice.recipientId;
    if (!isCarrier(carrier)) throw new Error(`not a carrier: ${carrier}`);
    const adapter = this.setup.adapters.get(carrier);
    if (!adapter) throw new CarrierUnavailable(carrier, 'network');
    await adapter.sendPrivacyNotice({
      noticeId: notice.noticeId,
      kind: notice.kind,
      parcelNumbers: notice.references,
      occurredAt: notice.occurredAt,
    });
  }
}
