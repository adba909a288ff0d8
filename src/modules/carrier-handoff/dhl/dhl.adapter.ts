import {
  CarrierRejected,
  CarrierUnavailable,
  privacyNoticeBody,
  type CarrierAdapter,
  type CarrierPrivacyNotice,
  type CarrierShipment,
  type ParcelRecipient,
  type TrackingState,
  type TrackingStatus,
} from '../carrier.port.js';
import {
  alpha3,
  asRecord,
  asString,
  basicAuth,
  callCarrier,
  joinUrl,
  shipDay,
} from '../http/carrier-http.js';
import type { Shipper } from '../shipper.js';

export interface DhlSettings {
  /** e.g. https://api-eu.dhl.com/parcel/de/shipping/v2 */
  baseUrl: string;
  /** e.g. https://api-eu.dhl.com/track/shipments */
  trackingUrl: string;
  apiKey: string;
  username: string;
  password: string;
  billingNumber: string;
  product: string;
  shipper: Shipper;
  timeoutMs: number;
}

/** DHL groups its users' settings in profiles; this one exists for every business customer. */
const PROFILE = 'STANDARD_GRUPPENPROFIL';

/**
 * Where each field of the disclosed payload goes in DHL's request. Everything personal that DHL
 * receives is listed here; the tests check the recorded request against this map and the registry.
 */
export const DHL_WIRE_FIELDS: Readonly<Record<string, string>> = {
  name: 'shipments.0.consignee.name1',
  street: 'shipments.0.consignee.addressStreet',
  houseNumber: 'shipments.0.consignee.addressHouse',
  addressLine2: 'shipments.0.consignee.additionalAddressInformation1',
  postalCode: 'shipments.0.consignee.postalCode',
  city: 'shipments.0.consignee.city',
  country: 'shipments.0.consignee.country',
  email: 'shipments.0.consignee.email',
  phone: 'shipments.0.consignee.phone',
  'parcel.weight': 'shipments.0.details.weight.value',
  'parcel.reference': 'shipments.0.refNo',
};

/** The rest of DHL's request: the contract and the shop's own address, no data about the recipient. */
export const DHL_FIXED_FIELDS: readonly string[] = [
  'profile',
  'shipments.0.product',
  'shipments.0.billingNumber',
  'shipments.0.shipDate',
  'shipments.0.shipper.name1',
  'shipments.0.shipper.addressStreet',
  'shipments.0.shipper.addressHouse',
  'shipments.0.shipper.postalCode',
  'shipments.0.shipper.city',
  'shipments.0.shipper.country',
  'shipments.0.details.weight.uom',
];

/** DHL's order body for one shipment (Parcel DE Shipping API v2, `POST /orders`). */
export function dhlOrder(recipient: ParcelRecipient, settings: DhlSettings, now = new Date()): object {
  const { shipper } = settings;
  return {
    profile: PROFILE,
    shipments: [
      {
        product: settings.product,
        billingNumber: settings.billingNumber,
        refNo: recipient.parcel.reference,
        shipDate: shipDay(now),
        shipper: {
          name1: shipper.name,
          addressStreet: shipper.street,
          addressHouse: shipper.houseNumber,
          postalCode: shipper.postalCode,
          city: shipper.city,
          country: alpha3(shipper.country),
        },
        consignee: {
          name1: recipient.name,
          addressStreet: recipient.street,
          addressHouse: recipient.houseNumber,
          additionalAddressInformation1: recipient.addressLine2,
          postalCode: recipient.postalCode,
          city: recipient.city,
          country: alpha3(recipient.country),
          email: recipient.email,
          phone: recipient.phone,
        },
        details: { weight: { uom: 'g', value: recipient.parcel.weight } },
      },
    ],
  };
}

/**
 * DHL Parcel DE Shipping API v2 ("Post & Parcel Germany"): `POST /orders` creates shipments and their
 * labels, `DELETE /orders?shipment=` cancels one, with the `dhl-api-key` header and HTTP basic auth of
 * the business customer portal user on every call. Tracking is DHL's Shipment Tracking - Unified API.
 * The lookup by reference is modelled on the published API, see README.md.
 */
export class DhlAdapter implements CarrierAdapter {
  readonly carrier = 'dhl' as const;

  constructor(private readonly settings: DhlSettings) {}

  async createShipment(recipient: ParcelRecipient): Promise<CarrierShipment> {
    const response = await callCarrier(
      this.carrier,
      {
        method: 'POST',
        url: `${joinUrl(this.settings.baseUrl, 'orders')}?includeDocs=include&docFormat=PDF`,
        headers: this.headers(),
        json: dhlOrder(recipient, this.settings),
        // DHL answers 207 Multi-Status and 400 with per-shipment results in the same shape.
        accept: [207, 400],
      },
      this.settings.timeoutMs,
    );
    const item = this.firstItem(response.body);
    const itemStatus = Number(asRecord(item?.sstatus)?.statusCode ?? response.status);
    if (itemStatus >= 400 || response.status === 400) throw new CarrierRejected(this.carrier, itemStatus);
    const shipment = item ? toShipment(item) : undefined;
    if (!shipment) throw new CarrierUnavailable(this.carrier, 'bad-answer', response.status);
    return shipment;
  }

  async findShipment(reference: string): Promise<CarrierShipment | null> {
    const query = new URLSearchParams({ refNo: reference, includeDocs: 'include', docFormat: 'PDF' });
    const response = await callCarrier(
      this.carrier,
      {
        method: 'GET',
        url: `${joinUrl(this.settings.baseUrl, 'orders')}?${query.toString()}`,
        headers: this.headers(),
        accept: [404],
      },
      this.settings.timeoutMs,
    );
    if (response.status === 404) return null;
    const item = this.firstItem(response.body);
    return item ? (toShipment(item) ?? null) : null;
  }

  async cancelShipment(carrierReference: string): Promise<void> {
    const query = new URLSearchParams({ profile: PROFILE, shipment: carrierReference });
    await callCarrier(
      this.carrier,
      {
        method: 'DELETE',
        url: `${joinUrl(this.settings.baseUrl, 'orders')}?${query.toString()}`,
        headers: this.headers(),
      },
      this.settings.timeoutMs,
    );
  }

  async trackingStatus(trackingNumber: string): Promise<TrackingStatus> {
    const query = new URLSearchParams({ trackingNumber, service: 'parcel-de' });
    const response = await callCarrier(
      this.carrier,
      {
        method: 'GET',
        url: `${this.settings.trackingUrl}?${query.toString()}`,
        headers: { 'DHL-API-Key': this.settings.apiKey },
        accept: [404],
      },
      this.settings.timeoutMs,
    );
    if (response.status === 404) return { state: 'unknown' };
    const shipments = asRecord(response.body)?.shipments;
    const status = asRecord(asRecord(Array.isArray(shipments) ? shipments[0] : undefined)?.status);
    const code = asString(status?.statusCode);
    const timestamp = asString(status?.timestamp);
    return {
      state: TRACKING_STATES[code ?? ''] ?? 'unknown',
      ...(timestamp ? { at: new Date(timestamp) } : {}),
    };
  }

  async sendPrivacyNotice(notice: CarrierPrivacyNotice): Promise<void> {
    await callCarrier(
      this.carrier,
      {
        method: 'POST',
        url: joinUrl(this.settings.baseUrl, 'privacy-notices'),
        headers: this.headers(),
        json: privacyNoticeBody(notice),
      },
      this.settings.timeoutMs,
    );
  }

  private headers(): Record<string, string> {
    return {
      'dhl-api-key': this.settings.apiKey,
      authorization: basicAuth(this.settings.username, this.settings.password),
      'accept-language': 'de-DE',
    };
  }

  private firstItem(body: unknown): Record<string, unknown> | undefined {
    const items = asRecord(body)?.items;
    return Array.isArray(items) ? asRecord(items[0]) : undefined;
  }
}

const TRACKING_STATES: Record<string, TrackingState> = {
  'pre-transit': 'announced',
  transit: 'in-transit',
  delivered: 'delivered',
  failure: 'exception',
  unknown: 'unknown',
};

function toShipment(item: Record<string, unknown>): CarrierShipment | undefined {
  const shipmentNo = asString(item.shipmentNo);
  if (!shipmentNo) return undefined;
  const label = asRecord(item.label);
  const b64 = asString(label?.b64);
  return {
    carrierReference: shipmentNo,
    trackingNumber: shipmentNo,
    ...(b64 ? { label: { mediaType: 'application/pdf', content: Buffer.from(b64, 'base64') } } : {}),
  };
}
