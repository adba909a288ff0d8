import { randomBytes } from 'node:crypto';
import type { SimRequest, SimResponse } from '../../../common/simulators/sim-http.js';
import { CarrierSimulator, simulatedLabel, type SimulatedShipment } from './carrier-simulator.js';

export interface HermesSimulatorOptions {
  clientId?: string;
  clientSecret?: string;
  username?: string;
  password?: string;
  /** Seconds a token lives (the adapter renews shortly before). */
  tokenTtlSeconds?: number;
  maxRecorded?: number;
}

type Json = Record<string, unknown>;

const record = (value: unknown): Json | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() ? value : undefined;

/**
 * Hermes HSI as far as the shop uses it, on the wire: the OAuth2 password grant
 * (`POST /oauth2/access_token`, form fields), `POST /shipmentorders/labels` (JSON with
 * `clientReference`, `receiverName`, `receiverAddress`, optional `receiverContact`, `parcel`; answers
 * `shipmentID` and the label as `labelImage`), the modelled lookup `GET /shipmentorders?clientReference=`,
 * `DELETE /shipmentorders/:id` and `GET /shipmentinfo` (see hermes/README.md). Bearer tokens are
 * checked and expire.
 */
export class HermesSimulator extends CarrierSimulator {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly username: string;
  readonly password: string;
  private readonly tokens = new Map<string, number>();
  private readonly tokenTtlSeconds: number;

  constructor(options: HermesSimulatorOptions = {}) {
    super('hermes', options.maxRecorded);
    this.clientId = options.clientId ?? `hermes-sim-${randomBytes(6).toString('hex')}`;
    this.clientSecret = options.clientSecret ?? randomBytes(12).toString('hex');
    this.username = options.username ?? 'sim-user';
    this.password = options.password ?? randomBytes(12).toString('hex');
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 3600;
    this.server
      .route('POST', '/oauth2/access_token', (r) => this.token(r))
      .route('POST', '/shipmentorders/labels', (r) =>
        this.authorized(r, () => this.operate('create', () => this.create(r))),
      )
      .route('GET', '/shipmentorders', (r) =>
        this.authorized(r, () => this.operate('lookup', () => this.lookup(r))),
      )
      .route('DELETE', '/shipmentorders/:id', (r) =>
        this.authorized(r, () => this.operate('cancel', () => this.cancel(r))),
      )
      .route('GET', '/shipmentinfo', (r) =>
        this.authorized(r, () => this.operate('track', () => this.track(r))),
      )
      .route('POST', '/privacy-notices', (r) =>
        this.authorized(r, () => Promise.resolve(this.receivePrivacyNotice(r.body))),
      );
  }

  env(): Record<string, string> {
    return {
      HERMES_BASE_URL: this.baseUrl,
      HERMES_AUTH_URL: `${this.baseUrl}/oauth2/access_token`,
      HERMES_CLIENT_ID: this.clientId,
      HERMES_CLIENT_SECRET: this.clientSecret,
      HERMES_USERNAME: this.username,
      HERMES_PASSWORD: this.password,
    };
  }

  createRequests(): Json[] {
    return this.server.received('POST', '/shipmentorders/labels').map((r) => record(r.body) ?? {});
  }

  /** Revokes every token (the adapter must fetch a new one and repeat the call). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  private token(request: SimRequest): SimResponse {
    const form = record(request.body);
    const valid =
      form?.grant_type === 'password' &&
      form.client_id === this.clientId &&
      form.client_secret === this.clientSecret &&
      form.username === this.username &&
      form.password === this.password;
    if (!valid) return { status: 401, json: { error: 'invalid_grant' } };
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, Date.now() + this.tokenTtlSeconds * 1000);
    return {
      status: 200,
      json: { access_token: token, token_type: 'bearer', expires_in: this.tokenTtlSeconds },
    };
  }

  private async authorized(request: SimRequest, next: () => Promise<SimResponse>): Promise<SimResponse> {
    const match = /^Bearer (\S+)$/.exec(String(request.headers.authorization ?? ''));
    const expires = match ? this.tokens.get(match[1]) : undefined;
    if (!expires || expires < Date.now()) return { status: 401, json: { error: 'invalid_token' } };
    return next();
  }

  private create(request: SimRequest): SimResponse {
    const body = record(request.body);
    const name = record(body?.receiverName);
    const address = record(body?.receiverAddress);
    const parcel = record(body?.parcel);
    const problems: { code: string; message: string }[] = [];
    if (!text(name?.lastname)) problems.push({ code: 'e0101', message: 'receiverName.lastname is required' });
    for (const field of ['street', 'zipCode', 'town']) {
      if (!text(address?.[field]))
        problems.push({ code: 'e0102', message: `receiverAddress.${field} is required` });
    }
    if (!/^[A-Z]{2}$/.test(text(address?.countryCode) ?? '')) {
      problems.push({ code: 'e0103', message: 'receiverAddress.countryCode must be ISO 3166-1 alpha-2' });
    }
    if (typeof parcel?.parcelWeight !== 'number' || parcel.parcelWeight <= 0) {
      problems.push({ code: 'e0104', message: 'parcel.parcelWeight (g) is required' });
    }
    if (problems.length > 0) return { status: 400, json: { listOfResultCodes: problems } };
    const shipment = this.recordShipment(
      text(body?.clientReference) ?? '',
      body,
      this.parcelNumber('H1', 14),
    );
    return { status: 200, json: this.order(shipment) };
  }

  private lookup(request: SimRequest): SimResponse {
    const shipment = this.latest(request.query.get('clientReference') ?? '');
    if (!shipment)
      return { status: 404, json: { listOfResultCodes: [{ code: 'e0404', message: 'not found' }] } };
    return { status: 200, json: { shipmentOrders: [this.order(shipment)] } };
  }

  private cancel(request: SimRequest): SimResponse {
    const shipment = this.byNumber(request.params.id);
    if (!shipment)
      return { status: 404, json: { listOfResultCodes: [{ code: 'e0404', message: 'not found' }] } };
    shipment.cancelled = true;
    return { status: 200, json: { listOfResultCodes: [] } };
  }

  private track(request: SimRequest): SimResponse {
    const shipment = this.byNumber(request.query.get('shipmentID') ?? '');
    if (!shipment)
      return { status: 404, json: { listOfResultCodes: [{ code: 'e0404', message: 'not found' }] } };
    const code = { announced: 'ANNOUNCED', 'in-transit': 'IN_TRANSIT', delivered: 'DELIVERED' }[
      shipment.tracking
    ];
    return {
      status: 200,
      json: {
        shipmentinfo: [
          { shipmentID: shipment.number, status: { code, timestamp: new Date().toISOString() } },
        ],
      },
    };
  }

  private order(shipment: SimulatedShipment): Json {
    return {
      listOfResultCodes: [],
      shipmentID: shipment.number,
      clientReference: shipment.reference,
      labelImage: simulatedLabel('hermes', shipment.number).toString('base64'),
      labelMediatype: 'application/pdf',
    };
  }
}
