import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TrafficLight } from '../credit-agency.port.js';

/**
 * A credit agency that runs in-process: it speaks the same HTTP JSON API as the agency the HTTP adapter
 * talks to, so development and tests go through the real adapter over a real socket. It never makes a
 * real credit assessment; its answers follow fixed rules on the last name:
 *
 * | last name starts with | answer                                                           |
 * |-----------------------|------------------------------------------------------------------|
 * | `Rot`                 | red, score 31.5                                                  |
 * | `Gelb`                | yellow, score 72.4                                               |
 * | `Geburt`              | needs the date of birth; with one: green, score 95.1             |
 * | `Fehler`              | HTTP 503 (the agency is down)                                    |
 * | `Langsam`             | answers green only after `slowMs` (to exceed the adapter's timeout) |
 * | anything else         | green, score 97.8                                                |
 *
 * `rules` run first and can change any of this (e.g. red for a postcode).
 *
 * The API (what a real agency adapter maps to):
 *   POST /v1/checks   X-Api-Key: <key>   Content-Type: application/json
 *   { reference, firstName, lastName, street, houseNumber?, postalCode, city, country, dateOfBirth? }
 *   200 { agencyReference, result?: 'green'|'yellow'|'red', score?: number, dateOfBirthRequired?: boolean }
 *   400 malformed or unknown field, 401 wrong key, 503 unavailable.
 *
 * Every request is recorded (method, path, headers, raw and parsed body) so tests can prove what left
 * the shop. The recording lives in memory and only for this process: it is a test instrument.
 */

/** A person as the simulator's rules see a request. */
export interface SimulatorRequest {
  reference: string;
  firstName: string;
  lastName: string;
  street: string;
  houseNumber?: string;
  postalCode: string;
  city: string;
  country: string;
  dateOfBirth?: string;
}

export type SimulatorOutcome =
  { result: TrafficLight; score?: number } | 'date-of-birth-required' | 'unavailable' | 'slow';

/** A rule answers for the requests it recognises and leaves the others (undefined) to the next rule. */
export type SimulatorRule = (request: SimulatorRequest) => SimulatorOutcome | undefined;

export interface CreditAgencySimulatorOptions {
  /** The key the simulator expects in `X-Api-Key`; without one any key (or none) is accepted. */
  apiKey?: string;
  /** Checked before the built-in rules. */
  rules?: SimulatorRule[];
  /** How long a `slow` answer takes (ms). */
  slowMs?: number;
}

export interface RecordedAgencyRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body as received. */
  rawBody: string;
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: unknown;
  receivedAt: Date;
}

export const SIMULATOR_FIELDS: readonly string[] = [
  'reference',
  'firstName',
  'lastName',
  'street',
  'houseNumber',
  'postalCode',
  'city',
  'country',
  'dateOfBirth',
];
const REQUIRED_FIELDS = ['reference', 'firstName', 'lastName', 'street', 'postalCode', 'city', 'country'];
const MAX_BODY_BYTES = 16 * 1024;

const startsWith = (value: string, prefix: string): boolean =>
  value.trim().toLowerCase().startsWith(prefix.toLowerCase());

/** The built-in rules of the table above. */
export const DEFAULT_SIMULATOR_RULES: readonly SimulatorRule[] = [
  (r) => (startsWith(r.lastName, 'Rot') ? { result: 'red', score: 31.5 } : undefined),
  (r) => (startsWith(r.lastName, 'Gelb') ? { result: 'yellow', score: 72.4 } : undefined),
  (r) =>
    startsWith(r.lastName, 'Geburt')
      ? r.dateOfBirth
        ? { result: 'green', score: 95.1 }
        : 'date-of-birth-required'
      : undefined,
  (r) => (startsWith(r.lastName, 'Fehler') ? 'unavailable' : undefined),
  (r) => (startsWith(r.lastName, 'Langsam') ? 'slow' : undefined),
  () => ({ result: 'green', score: 97.8 }),
];

export class CreditAgencySimulator {
  private server?: Server;
  private readonly recorded: RecordedAgencyRequest[] = [];
  private readonly pendingTimers = new Set<NodeJS.Timeout>();
  private readonly rules: SimulatorRule[];

  constructor(private readonly options: CreditAgencySimulatorOptions = {}) {
    this.rules = [...(options.rules ?? []), ...DEFAULT_SIMULATOR_RULES];
  }

  /** Listens on `host`:`port` (0: a free port) and answers the base URL. */
  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    if (this.server) return this.url;
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    return this.url;
  }

  get url(): string {
    if (!this.server) throw new Error('the credit agency simulator is not running');
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  /** Every request received so far, oldest first. */
  get requests(): readonly RecordedAgencyRequest[] {
    return this.recorded;
  }

  clear(): void {
    this.recorded.length = 0;
  }

  async stop(): Promise<void> {
    for (const timer of this.pendingTimers) clearTimeout(timer);
    this.pendingTimers.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let rawBody: string;
    try {
      rawBody = await readBody(req);
    } catch {
      return send(res, 413, { error: 'body-too-large' });
    }
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    this.recorded.push({
      method: req.method ?? '',
      path: req.url ?? '',
      headers: { ...req.headers },
      rawBody,
      body,
      receivedAt: new Date(),
    });

    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'POST' && path === '/v1/data-subject-notices') {
      // Art. 19 notices (modelled on the agencies' partner interfaces for erasure and correction).
      if (this.options.apiKey !== undefined && req.headers['x-api-key'] !== this.options.apiKey)
        return send(res, 401, { error: 'unauthorized' });
      const notice = body as { noticeId?: unknown; references?: unknown } | undefined;
      if (typeof notice?.noticeId !== 'string' || !Array.isArray(notice.references))
        return send(res, 400, { error: 'noticeId and references are required' });
      return send(res, 202, { received: notice.noticeId });
    }
    if (req.method !== 'POST' || path !== '/v1/checks') return send(res, 404, { error: 'not-found' });
    if (this.options.apiKey !== undefined && req.headers['x-api-key'] !== this.options.apiKey)
      return send(res, 401, { error: 'unauthorized' });
    const request = parseRequest(body);
    if (typeof request === 'string') return send(res, 400, { error: request });

    const outcome = this.outcomeFor(request);
    const agencyReference = `SIM-${randomUUID()}`;
    if (outcome === 'unavailable') return send(res, 503, { error: 'unavailable' });
    if (outcome === 'date-of-birth-required')
      return send(res, 200, { agencyReference, dateOfBirthRequired: true });
    if (outcome === 'slow') {
      const timer = setTimeout(() => {
        this.pendingTimers.delete(timer);
        send(res, 200, { agencyReference, result: 'green', score: 97.8 });
      }, this.options.slowMs ?? 30_000);
      this.pendingTimers.add(timer);
      return;
    }
    return send(res, 200, {
      agencyReference,
      result: outcome.result,
      ...(outcome.score === undefined ? {} : { score: outcome.score }),
    });
  }

  private outcomeFor(request: SimulatorRequest): SimulatorOutcome {
    for (const rule of this.rules) {
      const outcome = rule(request);
      if (outcome !== undefined) return outcome;
    }
    return { result: 'green' };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The request, or the reason it is refused (a strict agency refuses what it does not know). */
function parseRequest(body: unknown): SimulatorRequest | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body-not-a-json-object';
  const record = body as Record<string, unknown>;
  if (Object.keys(record).some((k) => !SIMULATOR_FIELDS.includes(k))) return 'unknown-field';
  if (Object.values(record).some((v) => typeof v !== 'string')) return 'field-not-a-string';
  if (REQUIRED_FIELDS.some((k) => typeof record[k] !== 'string' || record[k] === '')) return 'missing-field';
  return record as unknown as SimulatorRequest;
}

function send(res: ServerResponse, status: number, body: object): void {
  if (res.headersSent || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}
