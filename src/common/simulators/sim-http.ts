import { Agent, createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * The small HTTP server under both payment simulators (and so under test/fakes): routes, the exact
 * bytes of each body, and a record of every request received, so a test can assert field by field
 * what left the shop. Plain node:http on purpose: the simulators speak the providers' wire formats,
 * not the shop's framework.
 */

export interface RecordedRequest {
  at: Date;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The body parsed as the provider parses it (Stripe: nested form fields; PayPal: JSON or form). */
  body: unknown;
}

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  body: unknown;
  params: Record<string, string>;
}

export interface SimResponse {
  status: number;
  json?: unknown;
  html?: string;
  text?: string;
  headers?: Record<string, string>;
}

/**
 * A fault the simulator plays for tests of the shop's resilience: matching requests wait `delayMs` (then
 * are answered normally, unless `status` is set) or are answered `status` with a provider-style error body.
 * `times` bounds how many requests it applies to (unbounded when absent).
 */
export interface SimFault {
  method?: string;
  path?: RegExp;
  delayMs?: number;
  status?: number;
  times?: number;
}

export type SimHandler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: SimHandler;
}

const MAX_BODY = 1024 * 1024;

function compile(path: string): { pattern: RegExp; keys: string[] } {
  const keys: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      keys.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), keys };
}

export class SimServer {
  private readonly routes: Route[] = [];
  private readonly server: Server;
  private address?: AddressInfo;
  /** Every request received, oldest first (bounded by `maxRecorded`, oldest dropped). */
  readonly requests: RecordedRequest[] = [];
  private faults: SimFault[] = [];
  private readonly faultTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly parseBody: (raw: Buffer, contentType: string | undefined) => unknown,
    private readonly maxRecorded = 1000,
  ) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) req.destroy();
        else chunks.push(chunk);
      });
      req.on('end', () => {
        void this.handle(req.method ?? 'GET', req.url ?? '/', req.headers, Buffer.concat(chunks)).then(
          (answer) => {
            const headers: Record<string, string> = { ...answer.headers };
            let payload = '';
            if (answer.json !== undefined) {
              headers['content-type'] ??= 'application/json';
              payload = JSON.stringify(answer.json);
            } else if (answer.html !== undefined) {
              headers['content-type'] ??= 'text/html; charset=utf-8';
              payload = answer.html;
            } else if (answer.text !== undefined) {
              headers['content-type'] ??= 'text/plain; charset=utf-8';
              payload = answer.text;
            }
            res.writeHead(answer.status, headers);
            res.end(payload);
          },
        );
      });
    });
    // The simulators run inside the app process too: never keep it alive on their own.
    this.server.unref();
  }

  /** Plays `fault` on the matching requests from now on (see SimFault); `clearFaults` ends all. */
  injectFault(fault: SimFault): void {
    this.faults.push({ ...fault });
  }

  clearFaults(): void {
    this.faults = [];
  }

  route(method: string, path: string, handler: SimHandler): this {
    this.routes.push({ method, ...compile(path), handler });
    return this;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    this.address = this.server.address() as AddressInfo;
    return this.baseUrl;
  }

  get baseUrl(): string {
    if (!this.address) throw new Error('the simulator is not listening');
    const host = this.address.family === 'IPv6' ? `[${this.address.address}]` : this.address.address;
    return `http://${host}:${this.address.port}`;
  }

  get port(): number {
    if (!this.address) throw new Error('the simulator is not listening');
    return this.address.port;
  }

  async close(): Promise<void> {
    for (const timer of this.faultTimers) clearTimeout(timer);
    this.faultTimers.clear();
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The recorded requests to `method path` (exact path), oldest first. */
  received(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
    );
  }

  private async handle(
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    rawBody: Buffer,
  ): Promise<SimResponse> {
    const parsed = new URL(url, 'http://simulator');
    let body: unknown;
    try {
      body = rawBody.length > 0 ? this.parseBody(rawBody, headers['content-type']) : undefined;
    } catch {
      body = undefined;
    }
    this.requests.push({
      at: new Date(),
      method,
      path: parsed.pathname,
      query: Object.fromEntries(parsed.searchParams),
      headers,
      rawBody: rawBody.toString('utf8'),
      body,
    });
    if (this.requests.length > this.maxRecorded)
      this.requests.splice(0, this.requests.length - this.maxRecorded);
    const fault = this.faults.find(
      (f) =>
        (f.method === undefined || f.method === method) &&
        (f.path === undefined || f.path.test(parsed.pathname)),
    );
    if (fault) {
      if (fault.times !== undefined && --fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
      if (fault.delayMs)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.faultTimers.delete(timer);
            resolve();
          }, fault.delayMs);
          this.faultTimers.add(timer);
        });
      if (fault.status !== undefined)
        return {
          status: fault.status,
          json: { error: { type: 'api_error', name: 'INTERNAL_SERVER_ERROR', message: 'simulated outage' } },
        };
    }
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const match = route.pattern.exec(parsed.pathname);
      if (!match) continue;
      const params = Object.fromEntries(route.keys.map((k, i) => [k, decodeURIComponent(match[i + 1])]));
      try {
        return await route.handler({
          method,
          path: parsed.pathname,
          query: parsed.searchParams,
          headers,
          rawBody,
          body,
          params,
        });
      } catch (error) {
        return { status: 500, json: { error: error instanceof Error ? error.message : String(error) } };
      }
    }
    return { status: 404, json: { error: `no simulator route for ${method} ${parsed.pathname}` } };
  }
}

/** Stripe's form encoding: `metadata[order_id]=1&payment_method_types[0]=card` → nested objects and arrays. */
export function parseNestedForm(raw: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const path = key.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((segment, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d*$/.test(path[i + 1]);
      const slot = Array.isArray(node) ? (segment === '' ? node.length : Number(segment)) : segment;
      const container = node as Record<string | number, unknown>;
      if (last) {
        container[slot] = value;
      } else {
        container[slot] ??= nextIsIndex ? [] : {};
        node = container[slot] as Record<string, unknown> | unknown[];
      }
    });
  }
  return root;
}

/** The leaf paths of a parsed body (`metadata.order_id`, `payment_method_types.0`): what a test compares to an allow-list. */
export function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return prefix ? [prefix] : [];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  if (entries.length === 0) return prefix ? [prefix] : [];
  return entries.flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

const webhookAgents = { http: new Agent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/**
 * Posts a webhook as the provider does and answers the receiver's status and body. Plain node:http
 * with kept-alive connections: the simulators run inside the app, so each delivery should cost little.
 */
export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs = 30_000,
): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : request)(
      target,
      {
        method: 'POST',
        agent: secure ? webhookAgents.https : webhookAgents.http,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('webhook delivery timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
