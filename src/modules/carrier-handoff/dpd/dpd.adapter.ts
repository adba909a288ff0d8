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
import { alpha3, asRecord, asString, callCarrier, joinUrl, shipDay } from '../http/carrier-http.js';

export interface DpdSettings {
  /** e.g. https://cloud.dpd.com/api/v1 */
  baseUrl: string;
  partnerName: string;
  partnerToken: string;
  cloudUserId: string;
  userToken: string;
  shipService: string;
  timeoutMs: number;
}

/**
 * Where each field of the disclosed payload goes in dpd's `setOrder` (see DHL_WIRE_FIELDS). dpd's
 * ShipAddress has no published field for an address addition, so it is appended to Street.
 */
export const DPD_WIRE_FIELDS: Readonly<Record<string, string>> = {
  name: 'OrderDataList.0.ShipAddress.Name',
  street: 'OrderDataList.0.ShipAddress.Street',
  houseNumber: 'OrderDataList.0.ShipAddress.HouseNo',
  addressLine2: 'OrderDataList.0.ShipAddress.Street',
  postalCode: 'OrderDataList.0.ShipAddress.ZipCode',
  city: 'OrderDataList.0.ShipAddress.City',
  country: 'OrderDataList.0.ShipAddress.Country',
  email: 'OrderDataList.0.ShipAddress.Mail',
  phone: 'OrderDataList.0.ShipAddress.Phone',
  'parcel.weight': 'OrderDataList.0.ParcelData.Weight',
  'parcel.reference': 'OrderDataList.0.ParcelData.YourInternalID',
};

/** Non-personal fields of dpd's request (the reference appears twice: as our id and printed on the label). */
export const DPD_FIXED_FIELDS: readonly string[] = [
  'OrderAction',
  'OrderSettings.ShipDate',
  'OrderSettings.LabelSize',
  'OrderSettings.LabelStartPosition',
  'OrderDataList.0.ParcelData.Reference1',
  'OrderDataList.0.ParcelData.ShipService',
];

/** dpd's setOrder body for one parcel (Cloud Web Service, JSON). Weight in kilograms. */
export function dpdOrder(recipient: ParcelRecipient, settings: DpdSettings, now = new Date()): object {
  return {
    OrderAction: 'startOrder',
    OrderSettings: { ShipDate: shipDay(now), LabelSize: 'PDF_A6', LabelStartPosition: 'UpperLeft' },
    OrderDataList: [
      {
        ShipAddress: {
          Name: recipient.name,
          Street: recipient.addressLine2
            ? `${recipient.street}, ${recipient.addressLine2}`
            : recipient.street,
          HouseNo: recipient.houseNumber,
          ZipCode: recipient.postalCode,
          City: recipient.city,
          Country: alpha3(recipient.country),
          Phone: recipient.phone,
          Mail: recipient.email,
        },
        ParcelData: {
          YourInternalID: recipient.parcel.reference,
          Reference1: recipient.parcel.reference,
          Weight: Math.round(recipient.parcel.weight / 10) / 100,
          ShipService: settings.shipService,
        },
      },
    ],
  };
}

/**
 * dpd Cloud Web Service (REST/JSON): `POST /setOrder` with OrderAction `startOrder` creates the parcel
 * and its label, `GET /getParcelLifeCycle` tracks it; partner and user credentials travel in headers.
 * dpd answers HTTP 200 with `Ack: false` and an ErrorDataList when it refuses an order. The lookup by
 * reference and the cancellation are modelled on the published API, see README.md.
 */
export class DpdAdapter implements CarrierAdapter {
  readonly carrier = 'dpd' as const;

  constructor(private readonly settings: DpdSettings) {}

  async createShipment(recipient: ParcelRecipient): Promise<CarrierShipment> {
    const response = await callCarrier(
      this.carrier,
      {
        method: 'POST',
        url: joinUrl(this.settings.baseUrl, 'setOrder'),
        headers: this.headers(),
        json: dpdOrder(recipient, this.settings),
      },
      this.settings.timeoutMs,
    );
    const body = this.acknowledged(response.body, response.status);
    const labels = asRecord(body.LabelResponse);
    const shipment = toShipment(labels?.LabelDataList, asString(labels?.LabelPDF));
    if (!shipment) throw new CarrierUnavailable(this.carrier, 'bad-answer', response.status);
    return shipment;
  }

  async findShipment(reference: string): Promise<CarrierShipment | null> {
    const query = new URLSearchParams({ YourInternalID: reference });
    const response = await callCarrier(
      this.carrier,
      {
        method: 'GET',
        url: `${joinUrl(this.settings.baseUrl, 'getOrder')}?${query.toString()}`,
        headers: this.headers(),
        accept: [404],
      },
      this.settings.timeoutMs,
    );
    if (response.status === 404) return null;
    const body = this.acknowledged(response.body, response.status);
    return toShipment(body.OrderDataList, asString(body.LabelPDF)) ?? null;
  }

  async cancelShipment(carrierReference: string): Promise<void> {
    const response = await callCarrier(
      this.carrier,
      {
        method: 'POST',
        url: joinUrl(this.settings.baseUrl, 'cancelOrder'),
        headers: this.headers(),
        json: { ParcelNo: carrierReference },
      },
      this.settings.timeoutMs,
    );
    this.acknowledged(response.body, response.status);
  }

  async trackingStatus(trackingNumber: string): Promise<TrackingStatus> {
    const query = new URLSearchParams({ ParcelNo: trackingNumber });
    const response = await callCarrier(
      this.carrier,
      {
        method: 'GET',
        url: `${joinUrl(this.settings.baseUrl, 'getParcelLifeCycle')}?${query.toString()}`,
        headers: this.headers(),
      },
      this.settings.timeoutMs,
    );
    const body = this.acknowledged(response.body, response.status);
    const data = asRecord(asRecord(body.ParcelLifeCycleResponse)?.ParcelLifeCycleData);
    const statuses = Array.isArray(data?.StatusInfo) ? data.StatusInfo.map(asRecord) : [];
    const current = statuses.find((s) => s?.IsCurrentStatus === true);
    return { state: TRACKING_STATES[asString(current?.Status) ?? ''] ?? 'unknown' };
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
      Version: '100',
      Language: 'de_DE',
      'PartnerCredentials-Name': this.settings.partnerName,
      'PartnerCredentials-Token': this.settings.partnerToken,
      'UserCredentials-cloudUserID': this.settings.cloudUserId,
      'UserCredentials-Token': this.settings.userToken,
    };
  }

  /** dpd's envelope: `Ack: false` is a refusal (its ErrorDataList may quote the address: not kept). */
  private acknowledged(body: unknown, status: number): Record<string, unknown> {
    const record = asRecord(body);
    if (!record) throw new CarrierUnavailable(this.carrier, 'bad-answer', status);
    if (record.Ack !== true) throw new CarrierRejected(this.carrier, status);
    return record;
  }
}

const TRACKING_STATES: Record<string, TrackingState> = {
  ACCEPTED: 'announced',
  AT_SENDING_DEPOT: 'in-transit',
  ON_THE_ROAD: 'in-transit',
  AT_DELIVERY_DEPOT: 'in-transit',
  DELIVERED: 'delivered',
};

function toShipment(list: unknown, labelPdf: string | undefined): CarrierShipment | undefined {
  const first = asRecord(Array.isArray(list) ? list[0] : undefined);
  const parcelNo = asString(first?.ParcelNo);
  if (!parcelNo) return undefined;
  return {
    carrierReference: parcelNo,
    trackingNumber: parcelNo,
    ...(labelPdf
      ? { label: { mediaType: 'application/pdf', content: Buffer.from(labelPdf, 'base64') } }
      : {}),
  };
}
