import { randomBytes } from 'node:crypto';
import type { SimRequest, SimResponse } from '../../../common/simulators/sim-http.js';
import { CarrierSimulator, simulatedLabel, type SimulatedShipment } from './carrier-simulator.js';

const API = '/api/v1';

export interface DpdSimulatorOptions {
  partnerName?: string;
  partnerToken?: string;
  cloudUserId?: string;
  userToken?: string;
  maxRecorded?: number;
}

type Json = Record<string, unknown>;

const record = (value: unknown): Json | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() ? value : undefined;

/**
 * dpd Cloud Web Service as far as the shop uses it, on the wire: `POST /setOrder` (OrderAction
 * `startOrder`, OrderSettings, OrderDataList with ShipAddress and ParcelData; answers `Ack`,
 * `ErrorDataList` and `LabelResponse` with the parcel numbers and the label PDF), the modelled lookup
 * `GET /getOrder?YourInternalID=` and `POST /cancelOrder` (see dpd/README.md), and
 * `GET /getParcelLifeCycle`. Like dpd, it refuses an order with HTTP 200 and `Ack: false`, and checks
 * the partner and user credentials in the headers (401).
 */
export class DpdSimulator extends CarrierSimulator {
  readonly partnerName: string;
  readonly partnerToken: string;
  readonly cloudUserId: string;
  readonly userToken: string;

  constructor(options: DpdSimulatorOptions = {}) {
    super('dpd', options.maxRecorded);
    this.partnerName = options.partnerName ?? 'storefront-sim';
    this.partnerToken = options.partnerToken ?? randomBytes(12).toString('hex');
    this.cloudUserId = options.cloudUserId ?? String(100_000 + Math.floor(Math.random() * 800_000));
    this.userToken = options.userToken ?? randomBytes(12).toString('hex');
    this.server
      .route('POST', `${API}/setOrder`, (r) =>
        this.authorized(r, () => this.operate('create', () => this.create(r))),
      )
      .route('GET', `${API}/getOrder`, (r) =>
        this.authorized(r, () => this.operate('lookup', () => this.lookup(r))),
      )
      .route('POST', `${API}/cancelOrder`, (r) =>
        this.authorized(r, () => this.operate('cancel', () => this.cancel(r))),
      )
      .route('GET', `${API}/getParcelLifeCycle`, (r) =>
        this.authorized(r, () => this.operate('track', () => this.track(r))),
      )
      .route('POST', `${API}/privacy-notices`, (r) =>
        this.authorized(r, () => Promise.resolve(this.receivePrivacyNotice(r.body))),
      );
  }

  env(): Record<string, string> {
    return {
      DPD_BASE_URL: `${this.baseUrl}${API}`,
      DPD_PARTNER_NAME: this.partnerName,
      DPD_PARTNER_TOKEN: this.partnerToken,
      DPD_CLOUD_USER_ID: this.cloudUserId,
      DPD_USER_TOKEN: this.userToken,
    };
  }

  createRequests(): Json[] {
    return this.server.received('POST', `${API}/setOrder`).map((r) => record(r.body) ?? {});
  }

  private async authorized(request: SimRequest, next: () => Promise<SimResponse>): Promise<SimResponse> {
    const h = request.headers;
    const valid =
      h['partnercredentials-name'] === this.partnerName &&
      h['partnercredentials-token'] === this.partnerToken &&
      h['usercredentials-clouduserid'] === this.cloudUserId &&
      h['usercredentials-token'] === this.userToken &&
      h.version === '100';
    if (!valid)
      return {
        status: 401,
        json: { Ack: false, ErrorDataList: [{ ErrorID: 1, ErrorCode: 'LOGIN_FAILED' }] },
      };
    return next();
  }

  private create(request: SimRequest): SimResponse {
    const body = record(request.body);
    const orders = Array.isArray(body?.OrderDataList) ? body.OrderDataList.map(record) : [];
    const errors: Json[] = [];
    if (body?.OrderAction !== 'startOrder') errors.push(this.error('OrderAction must be startOrder'));
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text(record(body?.OrderSettings)?.ShipDate) ?? '')) {
      errors.push(this.error('OrderSettings.ShipDate must be yyyy-mm-dd'));
    }
    if (orders.length !== 1) errors.push(this.error('exactly one order per request'));
    const order = orders[0];
    const address = record(order?.ShipAddress);
    const parcel = record(order?.ParcelData);
    for (const field of ['Name', 'Street', 'ZipCode', 'City']) {
      if (!text(address?.[field])) errors.push(this.error(`ShipAddress.${field} is required`));
    }
    if (!/^[A-Z]{3}$/.test(text(address?.Country) ?? ''))
      errors.push(this.error('ShipAddress.Country must be alpha-3'));
    if (typeof parcel?.Weight !== 'number' || parcel.Weight <= 0)
      errors.push(this.error('ParcelData.Weight (kg) is required'));
    if (!text(parcel?.ShipService)) errors.push(this.error('ParcelData.ShipService is required'));
    if (errors.length > 0) return { status: 200, json: { Ack: false, ErrorDataList: errors } };
    const shipment = this.recordShipment(
      text(parcel?.YourInternalID) ?? '',
      body,
      this.parcelNumber('0998', 14),
    );
    return {
      status: 200,
      json: {
        Ack: true,
        ErrorDataList: [],
        LabelResponse: {
          LabelPDF: simulatedLabel('dpd', shipment.number).toString('base64'),
          LabelDataList: [{ YourInternalID: shipment.reference, ParcelNo: shipment.number }],
        },
      },
    };
  }

  private lookup(request: SimRequest): SimResponse {
    const shipment = this.latest(request.query.get('YourInternalID') ?? '');
    if (!shipment)
      return { status: 404, json: { Ack: false, ErrorDataList: [this.error('no order with this id')] } };
    return {
      status: 200,
      json: {
        Ack: true,
        OrderDataList: [{ YourInternalID: shipment.reference, ParcelNo: shipment.number }],
        LabelPDF: simulatedLabel('dpd', shipment.number).toString('base64'),
      },
    };
  }

  private cancel(request: SimRequest): SimResponse {
    const shipment = this.byNumber(text(record(request.body)?.ParcelNo) ?? '');
    if (!shipment)
      return { status: 200, json: { Ack: false, ErrorDataList: [this.error('unknown parcel')] } };
    shipment.cancelled = true;
    return { status: 200, json: { Ack: true, ErrorDataList: [] } };
  }

  private track(request: SimRequest): SimResponse {
    const shipment: SimulatedShipment | undefined = this.byNumber(request.query.get('ParcelNo') ?? '');
    if (!shipment)
      return { status: 200, json: { Ack: false, ErrorDataList: [this.error('unknown parcel')] } };
    const current = { announced: 'ACCEPTED', 'in-transit': 'ON_THE_ROAD', delivered: 'DELIVERED' }[
      shipment.tracking
    ];
    return {
      status: 200,
      json: {
        Ack: true,
        ErrorDataList: [],
        ParcelLifeCycleResponse: {
          ParcelLifeCycleData: { StatusInfo: [{ Status: current, IsCurrentStatus: true }] },
        },
      },
    };
  }

  private error(message: string): Json {
    return { ErrorID: 100, ErrorCode: 'VALIDATION', ErrorMsgShort: message, ErrorMsgLong: message };
  }
}
