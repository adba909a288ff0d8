import countries from 'i18n-iso-countries';
import { CarrierRejected, CarrierUnavailable, type CarrierId } from '../carrier.port.js';

export interface CarrierRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON, or as form fields (application/x-www-form-urlencoded) when `form` is set. */
  json?: unknown;
  form?: Record<string, string>;
  /** Statuses answered with their JSON body instead of an error (e.g. 404 for a lookup that found nothing). */
  accept?: readonly number[];
}

export interface CarrierResponse {
  status: number;
  body: unknown;
}

/**
 * One HTTP call of a carrier's API, classified for the handoff: 2xx (and `accept`ed statuses) answer
 * the parsed JSON body; 5xx, 408, 429, timeouts and network errors are CarrierUnavailable (try again
 * later); any other 4xx is CarrierRejected (staff must look). The errors name the failure only, never a
 * request value or the carrier's response text, which may echo the recipient's address.
 */
export async function callCarrier(
  carrier: CarrierId,
  request: CarrierRequest,
  timeoutMs: number,
): Promise<CarrierResponse> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': 'storefront-carrier-handoff/1',
    ...request.headers,
  };
  let body: string | undefined;
  if (request.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(request.form).toString();
  } else if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  }
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new CarrierUnavailable(carrier, isTimeout(error) ? 'timeout' : 'network');
  }
  const accepted =
    (response.status >= 200 && response.status < 300) || request.accept?.includes(response.status);
  if (!accepted) {
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 500) throw new CarrierUnavailable(carrier, 'server-error', response.status);
    if (response.status === 429) throw new CarrierUnavailable(carrier, 'throttled', response.status);
    if (response.status === 408) throw new CarrierUnavailable(carrier, 'timeout', response.status);
    throw new CarrierRejected(carrier, response.status);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new CarrierUnavailable(carrier, isTimeout(error) ? 'timeout' : 'network', response.status);
  }
  if (text.length === 0) return { status: response.status, body: null };
  try {
    return { status: response.status, body: JSON.parse(text) as unknown };
  } catch {
    throw new CarrierUnavailable(carrier, 'bad-answer', response.status);
  }
}

// By name, not instanceof: the timeout's DOMException may come from another realm.
function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

/** Basic auth header value. */
export const basicAuth = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;

/** `base` without trailing slashes, joined with `path`. */
export const joinUrl = (base: string, path: string): string =>
  `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;

/** A plain object, or undefined: for reading carriers' JSON answers without trusting their shape. */
export const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

export const asString = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/** ISO 3166-1 alpha-3 for an alpha-2 code (DHL and dpd want alpha-3); throws on an unknown code. */
export function alpha3(alpha2: string): string {
  const code = countries.alpha2ToAlpha3(alpha2.toUpperCase());
  if (!code) throw new Error(`no ISO 3166-1 alpha-3 code for "${alpha2}"`);
  return code;
}

const SHIP_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The shipping day in the shop's time zone, YYYY-MM-DD (labels are dated by the warehouse's calendar). */
export const shipDay = (now = new Date()): string => SHIP_DAY.format(now);
