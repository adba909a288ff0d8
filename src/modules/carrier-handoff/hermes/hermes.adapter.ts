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
import { asRecord, asString, callCarrier, joinUrl } from '../http/carrier-http.js';

export interface HermesSettings {
  /** The HSI base URL from the Hermes contract. */
  baseUrl: string;
  /** The OAuth2 token endpoint (password grant). */
  authUrl: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  timeoutMs: number;
}

/** Where each field of the disclosed payload goes in the Hermes request (see DHL_WIRE_FIELDS). */
export const HERMES_WIRE_FIELDS: Readonly<Record<string, string>> = {
  name: 'receiverName.lastname',
  street: 'receiverAddress.street',
  houseNumber: 'receiverAddress.houseNumber',
  addressLine2: 'receiverAddress.addressAddition',
  postalCode: 'receiverAddress.zipCode',
  city: 'receiverAddress.town',
  country: 'receiverAddress.countryCode',
  email: 'receiverContact.mail',
  phone: 'receiverContact.phone',
  'parcel.weight': 'parcel.parcelWeight',
  'parcel.reference': 'clientReference',
};

/** Non-personal fields of the Hermes request. */
export const HERMES_FIXED_FIELDS: readonly string[] = ['parcel.productType'];

/**
 * The HSI shipment order. The order stores first and last name, but the registry allows the carrier
 * one `name`; it goes into `lastname` whole (Hermes prints first and last name on one line anyway), so
 * the carrier receives exactly the allowed field and no split the shop would have to guess.
 */
export function hermesOrder(recipient: ParcelRecipient): object {
  const contact =
    recipient.email || recipient.phone ? { mail: recipient.email, phone: recipient.phone } : undefined;
  return {
    clientReference: recipient.parcel.reference,
    receiverName: { lastname: recipient.name },
    receiverAddress: {
      street: recipient.street,
      houseNumber: recipient.houseNumber,
      addressAddition: recipient.addressLine2,
      zipCode: recipient.postalCode,
      town: recipient.city,
      countryCode: recipient.country,
    },
    receiverContact: contact,
    parcel: { parcelWeight: recipient.parcel.weight, productType: 'PARCEL' },
  };
}

/** A token is renewed this long before Hermes says it expires. */
const TOKEN_MARGIN_MS = 60_000;

/**
 * Hermes Shipping Interface (HSI) REST API: `POST /shipmentorders/labels` creates a shipment order and
 * answers its shipment id with the label; OAuth2 (password grant) bearer tokens, cached until shortly
 * before they expire. Lookup by `clientReference`, cancellation and tracking are modelled on the
 * published API, see README.md.
 */
export class HermesAdapter implements CarrierAdapter {
  readonly carrier = 'hermes' as const;
  private token?: { value: string; expiresAt: number };
  private pendingToken?: Promise<string>;

  constructor(private readonly settings: HermesSettings) {}

  async createShipment(recipient: ParcelRecipient): Promise<CarrierShipment> {
    const response = await this.authorized((headers) =>
      callCarrier(
        this.carrier,
        {
          method: 'POST',
          url: joinUrl(this.settings.baseUrl, 'shipmentorders/labels'),
          headers,
          json: hermesOrder(recipient),
        },
        this.settings.timeoutMs,
      ),
    );
    const shipment = toShipment(asRecord(response.body));
    if (!shipment) throw new CarrierUnavailable(this.carrier, 'bad-answer', response.status);
    return shipment;
  }

  async findShipment(reference: string): Promise<CarrierShipment | null> {
    const query = new URLSearchParams({ clientReference: reference });
    const response = await this.authorized((headers) =>
      callCarrier(
        this.carrier,
        {
          method: 'GET',
          url: `${joinUrl(this.settings.baseUrl, 'shipmentorders')}?${query.toString()}`,
          headers,
          accept: [404],
        },
        this.settings.timeoutMs,
      ),
    );
    if (response.status === 404) return null;
    const orders = asRecord(response.body)?.shipmentOrders;
    return Array.isArray(orders) && orders.length > 0 ? (toShipment(asRecord(orders[0])) ?? null) : null;
  }

  async cancelShipment(carrierReference: string): Promise<void> {
    await this.authorized((headers) =>
      callCarrier(
        this.carrier,
        {
          method: 'DELETE',
          url: joinUrl(this.settings.baseUrl, `shipmentorders/${encodeURIComponent(carrierReference)}`),
          headers,
        },
        this.settings.timeoutMs,
      ),
    );
  }

  async trackingStatus(trackingNumber: string): Promise<TrackingStatus> {
    const query = new URLSearchParams({ shipmentID: trackingNumber });
    const response = await this.authorized((headers) =>
      callCarrier(
        this.carrier,
        {
          method: 'GET',
          url: `${joinUrl(this.settings.baseUrl, 'shipmentinfo')}?${query.toString()}`,
          headers,
          accept: [404],
        },
        this.settings.timeoutMs,
      ),
    );
    if (response.status === 404) return { state: 'unknown' };
    const infos = asRecord(response.body)?.shipmentinfo;
    const latest = asRecord(Array.isArray(infos) ? infos[0] : undefined);
    const status = asRecord(latest?.status);
    const code = asString(status?.code);
    const at = asString(status?.timestamp);
    return { state: TRACKING_STATES[code ?? ''] ?? 'unknown', ...(at ? { at: new Date(at) } : {}) };
  }

  /**
   * Runs a call with a bearer token. A 401 means the token was revoked or expired early at Hermes: the
   * request was not processed, so it is safe to fetch a new token and repeat it once.
   */
  async sendPrivacyNotice(notice: CarrierPrivacyNotice): Promise<void> {
    await this.authorized((headers) =>
      callCarrier(
        this.carrier,
        {
          method: 'POST',
          url: joinUrl(this.settings.baseUrl, 'privacy-notices'),
          headers,
          json: privacyNoticeBody(notice),
        },
        this.settings.timeoutMs,
      ),
    );
  }

  private async authorized<T>(call: (headers: Record<string, string>) => Promise<T>): Promise<T> {
    const headers = async (): Promise<Record<string, string>> => ({
      authorization: `Bearer ${await this.accessToken()}`,
      'accept-language': 'de-DE',
    });
    try {
      return await call(await headers());
    } catch (error) {
      if (!(error instanceof CarrierRejected && error.httpStatus === 401)) throw error;
      this.token = undefined;
      return call(await headers());
    }
  }

  private accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt - TOKEN_MARGIN_MS > Date.now())
      return Promise.resolve(this.token.value);
    this.pendingToken ??= this.fetchToken().finally(() => {
      this.pendingToken = undefined;
    });
    return this.pendingToken;
  }

  private async fetchToken(): Promise<string> {
    const response = await callCarrier(
      this.carrier,
      {
        method: 'POST',
        url: this.settings.authUrl,
        form: {
          grant_type: 'password',
          username: this.settings.username,
          password: this.settings.password,
          client_id: this.settings.clientId,
          ...(this.settings.clientSecret ? { client_secret: this.settings.clientSecret } : {}),
        },
      },
      this.settings.timeoutMs,
    );
    const body = asRecord(response.body);
    const value = asString(body?.access_token);
    if (!value) throw new CarrierRejected(this.carrier, response.status);
    const expiresIn = typeof body?.expires_in === 'number' ? body.expires_in : 300;
    this.token = { value, expiresAt: Date.now() + expiresIn * 1000 };
    return value;
  }
}

const TRACKING_STATES: Record<string, TrackingState> = {
  ANNOUNCED: 'announced',
  IN_TRANSIT: 'in-transit',
  DELIVERED: 'delivered',
  EXCEPTION: 'exception',
};

function toShipment(body: Record<string, unknown> | undefined): CarrierShipment | undefined {
  const shipmentId = asString(body?.shipmentID);
  if (!shipmentId) return undefined;
  const image = asString(body?.labelImage);
  return {
    carrierReference: shipmentId,
    trackingNumber: shipmentId,
    ...(image
      ? {
          label: {
            mediaType: asString(body?.labelMediatype) ?? 'application/pdf',
            content: Buffer.from(image, 'base64'),
          },
        }
      : {}),
  };
}
