/**
 * The port every carrier adapter implements (one folder per carrier: dhl/, hermes/, dpd/). The shop
 * speaks its own vocabulary here; each adapter maps it to its carrier's wire format and back.
 */

export const CARRIERS = ['dhl', 'hermes', 'dpd'] as const;
export type CarrierId = (typeof CARRIERS)[number];

export const isCarrier = (value: string): value is CarrierId =>
  (CARRIERS as readonly string[]).includes(value);

/**
 * What a carrier receives about a parcel, in the shop's vocabulary. Its field paths are exactly the
 * registry's allow-list for the carriers (carrier-handoff.declarations.ts): the whole object passes
 * through the Discloser, which refuses any other field, and adapters send nothing personal that is not
 * in it. Absent optional fields are left out (undefined), never sent empty.
 */
export interface ParcelRecipient {
  /** First and last name of the recipient, as the delivery address names them. */
  name: string;
  street: string;
  houseNumber?: string;
  addressLine2?: string;
  postalCode: string;
  city: string;
  /** ISO 3166-1 alpha-2 (adapters convert where the carrier wants alpha-3). */
  country: string;
  /** Only with the carrier-notification consent (consent ledger and the order's own consent). */
  email?: string;
  phone?: string;
  parcel: {
    /** Grams. */
    weight: number;
    /** The order number: the carrier-side reference, by which a retry finds a shipment created before. */
    reference: string;
  };
}

export interface CarrierLabel {
  /** The media type of `content`, e.g. application/pdf. */
  mediaType: string;
  content: Buffer;
}

/** A shipment as the carrier holds it. */
export interface CarrierShipment {
  /** The carrier's id of the shipment (what cancel and the carrier's support use). */
  carrierReference: string;
  /** What the recipient tracks the parcel by; for all three carriers the parcel number. */
  trackingNumber: string;
  /** Absent when the carrier does not return the label again (a lookup after a crash may not). */
  label?: CarrierLabel;
}

export type TrackingState = 'announced' | 'in-transit' | 'delivered' | 'exception' | 'unknown';

export interface TrackingStatus {
  state: TrackingState;
  /** When the carrier recorded the latest event, if it says. */
  at?: Date;
}

export interface CarrierAdapter {
  readonly carrier: CarrierId;
  /** Creates the shipment and its label; `recipient.parcel.reference` travels as the carrier-side reference. */
  createShipment(recipient: ParcelRecipient): Promise<CarrierShipment>;
  /**
   * The shipment the carrier holds under the shop's reference, or null. Asked before creating again
   * whenever an earlier attempt may have reached the carrier (a crash, a timeout, a 5xx), so that a
   * retry adopts that shipment instead of creating a second one.
   */
  findShipment(reference: string): Promise<CarrierShipment | null>;
  /** Cancels a shipment that has not been handed over yet (a refunded order). */
  cancelShipment(carrierReference: string, reference: string): Promise<void>;
  trackingStatus(trackingNumber: string): Promise<TrackingStatus>;
  /**
   * Art. 19 GDPR: tells the carrier that the person behind these parcels had their data erased,
   * rectified or restricted. Carriers take such notices at their data-protection contact; the adapters
   * model it as `POST <api>/privacy-notices` with the API's own credentials (the simulators serve it).
   */
  sendPrivacyNotice(notice: CarrierPrivacyNotice): Promise<void>;
}

/** What a carrier is told under Art. 19: ids only, never the person's data. */
export interface CarrierPrivacyNotice {
  noticeId: string;
  kind: 'erasure' | 'rectification' | 'restriction';
  /** The parcel numbers the carrier knows the person's shipments by. */
  parcelNumbers: string[];
  occurredAt: Date;
}

export const privacyNoticeBody = (n: CarrierPrivacyNotice): Record<string, unknown> => ({
  noticeId: n.noticeId,
  type: n.kind,
  legalBasis: 'Art. 19 GDPR',
  parcelNumbers: n.parcelNumbers,
  occurredAt: n.occurredAt.toISOString(),
});

/** Why a carrier call failed for now; the attempt is repeated later. Messages carry no request data. */
export class CarrierUnavailable extends Error {
  constructor(
    readonly carrier: CarrierId,
    readonly reason: 'timeout' | 'network' | 'server-error' | 'throttled' | 'circuit-open' | 'bad-answer',
    readonly httpStatus?: number,
  ) {
    super(
      `${carrier} is unavailable: ${reason.replace('-', ' ')}${httpStatus ? ` (HTTP ${httpStatus})` : ''}`,
    );
    this.name = 'CarrierUnavailable';
  }
}

/**
 * The carrier refused the request itself (a 4xx other than 408/429: the address, the credentials, the
 * contract). Repeating it unchanged would fail again, so the shipment goes to staff at once. The
 * carrier's own message is not kept: carriers echo the address they reject.
 */
export class CarrierRejected extends Error {
  constructor(
    readonly carrier: CarrierId,
    readonly httpStatus: number,
  ) {
    super(`${carrier} rejected the request (HTTP ${httpStatus})`);
    this.name = 'CarrierRejected';
  }
}
