import { randomInt } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { SimServer, type RecordedRequest, type SimResponse } from '../../../common/simulators/sim-http.js';
import type { CarrierId } from '../carrier.port.js';

/**
 * The base of the carrier simulators (dhl, hermes, dpd): a local HTTP server that speaks the carrier's
 * wire format (each subclass), keeps the shipments it created, records every request it received
 * (SimServer), and can be told to misbehave, so tests and the benchmark can drive the handoff through
 * outages, timeouts and slow answers. The e2e tests start them from test/fakes/<carrier>; `npm start`
 * without carrier URLs runs them inside the app (carrier-simulators.ts), logged as simulators.
 */

export type CarrierOperation = 'create' | 'lookup' | 'cancel' | 'track';

export interface Fault {
  /** Answer with this status (e.g. 503) instead of the real answer. */
  status?: number;
  /** Never answer (until the simulator is closed or `releaseHeld()`): the client times out. */
  hang?: boolean;
  /** Answer this much later than usual. */
  delayMs?: number;
  /**
   * Act first (create the shipment), then answer with the fault: the carrier did the work but the shop
   * never learns it, the case a retry must not turn into a second shipment.
   */
  afterActing?: boolean;
  /** Which operations the fault hits (default: create). */
  operations?: readonly CarrierOperation[];
}

export interface SimulatedShipment {
  carrier: CarrierId;
  /** The carrier's shipment id / parcel number. */
  number: string;
  /** The shop's reference (order number), as the request carried it. */
  reference: string;
  createdAt: Date;
  cancelled: boolean;
  tracking: 'announced' | 'in-transit' | 'delivered';
  /** The request body that created it, as parsed. */
  request: unknown;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** JSON and HTML form bodies (the OAuth token endpoint): what carriers' APIs accept. */
function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  const text = raw.toString('utf8');
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  return JSON.parse(text) as unknown;
}

/** A tiny, valid-looking PDF naming only the shipment number: a label, minus the person. */
export function simulatedLabel(carrier: CarrierId, number: string): Buffer {
  return Buffer.from(
    `%PDF-1.4\n% ${carrier} carrier simulator: label of shipment ${number}; not a real label\n%%EOF\n`,
    'utf8',
  );
}

export abstract class CarrierSimulator {
  readonly server: SimServer;
  /** Every shipment created, in order; a duplicate for one reference shows as two entries. */
  readonly shipments: SimulatedShipment[] = [];
  /** Added to every answer (the benchmark uses 20 ms, like a carrier on a good day). */
  latencyMs = 0;
  /** The Art. 19 notices received (POST …/privacy-notices), parsed, oldest first. */
  readonly privacyNotices: Record<string, unknown>[] = [];
  /** Told about each shipment as it is created (before the answer leaves). */
  onCreate?: (shipment: SimulatedShipment) => void;

  private readonly closing = new AbortController();
  private faults: { remaining: number; fault: Fault }[] = [];
  private faultWindow?: { until: number; fault: Fault };
  private holdRelease?: AbortController;

  protected constructor(
    readonly carrier: CarrierId,
    maxRecorded = 1000,
  ) {
    this.server = new SimServer(parseBody, maxRecorded);
    // Every request in flight waits on this signal (latency, faults): many at once is the normal case.
    setMaxListeners(0, this.closing.signal);
  }

  /** Configuration (environment variables) that points the shop's adapter at this simulator. */
  abstract env(): Record<string, string>;

  get requests(): readonly RecordedRequest[] {
    return this.server.requests;
  }

  get baseUrl(): string {
    return this.server.baseUrl;
  }

  start(port = 0, host = '127.0.0.1'): Promise<string> {
    return this.server.listen(port, host);
  }

  async close(): Promise<void> {
    this.closing.abort();
    await this.server.close();
  }

  /** The next `count` calls of the fault's operations answer with the fault. */
  failNext(count: number, fault: Fault): this {
    this.faults.push({ remaining: count, fault });
    return this;
  }

  /** Every call of the fault's operations answers with it for `ms` from now. */
  failFor(ms: number, fault: Fault): this {
    this.faultWindow = { until: Date.now() + ms, fault };
    return this;
  }

  /** Back to normal: no pending faults, nothing held. */
  recover(): this {
    this.faults = [];
    this.faultWindow = undefined;
    this.releaseHeld();
    return this;
  }

  /**
   * From now on, create the shipment but hold the answer until `releaseHeld()`: the moment a worker
   * can be killed between the carrier's work and the shop's commit.
   */
  holdCreates(): this {
    this.holdRelease ??= new AbortController();
    return this;
  }

  releaseHeld(): void {
    this.holdRelease?.abort();
    this.holdRelease = undefined;
  }

  /** The live (not cancelled) shipments under a reference. */
  shipmentsFor(reference: string): SimulatedShipment[] {
    return this.shipments.filter((s) => s.reference === reference && !s.cancelled);
  }

  setTracking(number: string, tracking: SimulatedShipment['tracking']): void {
    const shipment = this.shipments.find((s) => s.number === number);
    if (shipment) shipment.tracking = tracking;
  }

  /** Runs one API operation with latency, faults and holds applied around the carrier's `work`. */
  protected async operate(operation: CarrierOperation, work: () => SimResponse): Promise<SimResponse> {
    await sleep(this.latencyMs, this.closing.signal);
    const fault = this.takeFault(operation);
    if (fault?.delayMs) await sleep(fault.delayMs, this.closing.signal);
    if (fault && !fault.afterActing) {
      const failed = await this.applyFault(fault);
      if (failed) return failed;
    }
    const response = work();
    if (fault?.afterActing) {
      const failed = await this.applyFault(fault);
      if (failed) return failed;
    }
    if (operation === 'create' && this.holdRelease) await sleep(2 ** 31 - 1, this.holdSignal());
    return response;
  }

  /** The modelled data-protection contact: records an Art. 19 notice and acknowledges it. */
  protected receivePrivacyNotice(body: unknown): SimResponse {
    const notice =
      body !== null && typeof body === 'object' && !Array.isArray(body)
        ? (body as Record<string, unknown>)
        : undefined;
    if (!notice || typeof notice.noticeId !== 'string' || !Array.isArray(notice.parcelNumbers)) {
      return { status: 400, json: { error: 'noticeId and parcelNumbers are required' } };
    }
    if (!this.privacyNotices.some((n) => n.noticeId === notice.noticeId)) this.privacyNotices.push(notice);
    return { status: 202, json: { received: notice.noticeId } };
  }

  protected recordShipment(reference: string, request: unknown, number: string): SimulatedShipment {
    const shipment: SimulatedShipment = {
      carrier: this.carrier,
      number,
      reference,
      createdAt: new Date(),
      cancelled: false,
      tracking: 'announced',
      request,
    };
    this.shipments.push(shipment);
    this.onCreate?.(shipment);
    return shipment;
  }

  protected latest(reference: string): SimulatedShipment | undefined {
    return this.shipmentsFor(reference).at(-1);
  }

  protected byNumber(number: string): SimulatedShipment | undefined {
    return this.shipments.find((s) => s.number === number && !s.cancelled);
  }

  /** A parcel number of `digits` digits, unique within this simulator. */
  protected parcelNumber(prefix: string, digits: number): string {
    for (;;) {
      let n = prefix;
      while (n.length < digits) n += String(randomInt(10));
      if (!this.shipments.some((s) => s.number === n)) return n;
    }
  }

  private takeFault(operation: CarrierOperation): Fault | undefined {
    const hits = (f: Fault): boolean => (f.operations ?? ['create']).includes(operation);
    const queued = this.faults.find((f) => f.remaining > 0 && hits(f.fault));
    if (queued) {
      queued.remaining -= 1;
      this.faults = this.faults.filter((f) => f.remaining > 0);
      return queued.fault;
    }
    if (this.faultWindow && this.faultWindow.until > Date.now() && hits(this.faultWindow.fault)) {
      return this.faultWindow.fault;
    }
    return undefined;
  }

  private async applyFault(fault: Fault): Promise<SimResponse | undefined> {
    if (fault.hang) {
      await sleep(2 ** 31 - 1, this.closing.signal);
      return { status: 503, json: { error: 'the simulator was closed while hanging' } };
    }
    if (fault.status) return { status: fault.status, json: { error: `simulated failure ${fault.status}` } };
    return undefined;
  }

  private holdSignal(): AbortSignal {
    const hold = this.holdRelease;
    return hold ? AbortSignal.any([hold.signal, this.closing.signal]) : this.closing.signal;
  }
}
