import { randomBytes } from 'node:crypto';
import type { SimRequest, SimResponse } from '../../../common/simulators/sim-http.js';
import { CarrierSimulator, simulatedLabel, type SimulatedShipment } from './carrier-simulator.js';

const API = '/parcel/de/shipping/v2';

export interface DhlSimulatorOptions {
  apiKey?: string;
  username?: string;
  password?: string;
  billingNumber?: string;
  maxRecorded?: number;
}

type Json = Record<string, unknown>;

const record = (value: unknown): Json | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() ? value : undefined;

/**
 * DHL Parcel DE Shipping API v2 as far as the shop uses it, on the wire: `POST /orders` (JSON body
 * with `profile` and `shipments[]`, answers `status` and `items[]` with `shipmentNo`, `sstatus` and the
 * label as `label.b64`), `GET /orders?refNo=` (the modelled lookup, see dhl/README.md) and
 * `?shipment=`, `DELETE /orders?shipment=`, and DHL's tracking API at `/track/shipments`. It checks the
 * `dhl-api-key` header and basic auth like DHL does (401), and the mandatory fields and their formats
 * (400 with validation messages that, like DHL's, quote the field).
 */
export class DhlSimulator extends CarrierSimulator {
  readonly apiKey: string;
  readonly username: string;
  readonly password: string;
  readonly billingNumber: string;

  constructor(options: DhlSimulatorOptions = {}) {
    super('dhl', options.maxRecorded);
    this.apiKey = options.apiKey ?? `dhl-sim-${randomBytes(8).toString('hex')}`;
    this.username = options.username ?? 'sim-user';
    this.password = options.password ?? randomBytes(12).toString('hex');
    this.billingNumber = options.billingNumber ?? '33333333330102';
    this.server
      .route('POST', `${API}/orders`, (r) =>
        this.authorized(r, () => this.operate('create', () => this.create(r))),
      )
      .route('GET', `${API}/orders`, (r) =>
        this.authorized(r, () => this.operate('lookup', () => this.lookup(r))),
      )
      .route('DELETE', `${API}/orders`, (r) =>
        this.authorized(r, () => this.operate('cancel', () => this.cancel(r))),
      )
      .route('POST', `${API}/privacy-notices`, (r) =>
        this.authorized(r, () => Promise.resolve(this.receivePrivacyNotice(r.body))),
      )
      .route('GET', '/track/shipments', (r) => this.operate('track', () => this.track(r)));
  }

  env(): Record<string, string> {
    return {
      DHL_BASE_URL: `${this.baseUrl}${API}`,
      DHL_API_KEY: this.apiKey,
      DHL_USERNAME: this.username,
      DHL_PASSWORD: this.password,
      DHL_BILLING_NUMBER: this.billingNumber,
    };
  }

  /** The parsed bodies of the create calls, oldest first. */
  createRequests(): Json[] {
    return this.server.received('POST', `${API}/orders`).map((r) => record(r.body) ?? {});
  }

  private async authorized(request: SimRequest, next: () => Promise<SimResponse>): Promise<SimResponse> {
    const expected = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    if (request.headers['dhl-api-key'] !== this.apiKey || request.headers.authorization !== expected) {
      return { status: 401, json: { status: { title: 'Unauthorized', statusCode: 401 } } };
    }
    return next();
  }

  private create(request: SimRequest): SimResponse {
    const body = record(request.body);
    const shipments = Array.isArray(body?.shipments) ? body.shipments.map(record) : [];
    if (!body || text(body.profile) === undefined || shipments.length === 0 || shipments.length > 30) {
      return this.badRequest(['profile and 1 to 30 shipments are required']);
    }
    const items = shipments.map((shipment) => {
      const problems = this.validate(shipment);
      if (problems.length > 0) {
        return {
          sstatus: { title: 'Bad Request', statusCode: 400 },
          validationMessages: problems.map((p) => ({ validationMessage: p, validationState: 'Error' })),
        };
      }
      const created = this.recordShipment(
        text(shipment?.refNo) ?? '',
        shipment,
        this.parcelNumber('00340434', 20),
      );
      return this.item(created, true);
    });
    const failed = items.filter((i) => i.sstatus.statusCode !== 200).length;
    const status = failed === 0 ? 200 : failed === items.length ? 400 : 207;
    return {
      status,
      json: { status: { title: status === 200 ? 'OK' : 'Bad Request', statusCode: status }, items },
    };
  }

  private lookup(request: SimRequest): SimResponse {
    const refNo = request.query.get('refNo');
    const numbers = request.query.getAll('shipment');
    const found = refNo ? [this.latest(refNo)] : numbers.map((n) => this.byNumber(n));
    const items = found.filter((s): s is SimulatedShipment => s !== undefined).map((s) => this.item(s, true));
    if (items.length === 0) return { status: 404, json: { status: { title: 'Not Found', statusCode: 404 } } };
    return { status: 200, json: { status: { title: 'OK', statusCode: 200 }, items } };
  }

  private cancel(request: SimRequest): SimResponse {
    const number = request.query.get('shipment') ?? '';
    const shipment = this.byNumber(number);
    if (!shipment) {
      return {
        status: 400,
        json: {
          status: { title: 'Bad Request', statusCode: 400 },
          items: [{ shipmentNo: number, sstatus: { statusCode: 400 } }],
        },
      };
    }
    shipment.cancelled = true;
    return {
      status: 200,
      json: {
        status: { title: 'OK', statusCode: 200 },
        items: [{ shipmentNo: number, sstatus: { title: 'OK', statusCode: 200 } }],
      },
    };
  }

  private track(request: SimRequest): SimResponse {
    if (request.headers['dhl-api-key'] !== this.apiKey)
      return { status: 401, json: { title: 'Unauthorized' } };
    const shipment = this.byNumber(request.query.get('trackingNumber') ?? '');
    if (!shipment) return { status: 404, json: { title: 'No shipment with given tracking number found.' } };
    const statusCode = { announced: 'pre-transit', 'in-transit': 'transit', delivered: 'delivered' }[
      shipment.tracking
    ];
    return {
      status: 200,
      json: {
        shipments: [
          {
            id: shipment.number,
            service: 'parcel-de',
            status: { statusCode, timestamp: new Date().toISOString() },
          },
        ],
      },
    };
  }

  private validate(shipment: Json | undefined): string[] {
    const problems: string[] = [];
    const consignee = record(shipment?.consignee);
    const shipper = record(shipment?.shipper);
    const weight = record(record(shipment?.details)?.weight);
    if (!text(shipment?.product)) problems.push('product is required');
    if (text(shipment?.billingNumber) !== this.billingNumber)
      problems.push('billingNumber is not valid for this user');
    const refNo = text(shipment?.refNo);
    if (refNo !== undefined && (refNo.length < 8 || refNo.length > 35))
      problems.push('refNo must have 8 to 35 characters');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text(shipment?.shipDate) ?? ''))
      problems.push('shipDate must be yyyy-mm-dd');
    for (const [name, party] of [
      ['shipper', shipper],
      ['consignee', consignee],
    ] as const) {
      for (const field of ['name1', 'addressStreet', 'postalCode', 'city']) {
        if (!text(party?.[field])) problems.push(`${name}.${field} is required`);
      }
      if (!/^[A-Z]{3}$/.test(text(party?.country) ?? ''))
        problems.push(`${name}.country must be ISO 3166-1 alpha-3`);
    }
    if (
      weight?.uom !== 'g' ||
      typeof weight.value !== 'number' ||
      weight.value <= 0 ||
      weight.value > 31_500
    ) {
      problems.push('details.weight must be 1 to 31500 g');
    }
    return problems;
  }

  private item(
    shipment: SimulatedShipment,
    withLabel: boolean,
  ): {
    shipmentNo: string;
    sstatus: { title: string; statusCode: number };
    shipmentRefNo: string;
    label?: object;
  } {
    return {
      shipmentNo: shipment.number,
      sstatus: { title: 'OK', statusCode: 200 },
      shipmentRefNo: shipment.reference,
      ...(withLabel
        ? {
            label: {
              b64: simulatedLabel('dhl', shipment.number).toString('base64'),
              fileFormat: 'PDF',
              printFormat: 'A4',
            },
          }
        : {}),
    };
  }

  private badRequest(problems: string[]): SimResponse {
    return {
      status: 400,
      json: { status: { title: 'Bad Request', statusCode: 400, detail: problems.join('; ') } },
    };
  }
}
