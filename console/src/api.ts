/**
 * The one way the console talks to the backend: the existing staff API, same origin.
 *
 * The staff login answers with a short-lived bearer token only (no refresh token, no cookie), so the
 * token lives in this module's memory and nowhere else: not in localStorage or sessionStorage, not in a
 * cookie. A reload or an expired token means signing in again; the API enforces roles and masking, the
 * console only reflects what it is given.
 */
export type StaffRole = 'fulfilment' | 'support' | 'privacy-officer' | 'admin';

export interface Session {
  role: StaffRole;
  expiresAt: number;
}

let token: string | null = null;
let onSessionEnd: (() => void) | null = null;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly fields: { field: string; reason: string }[] = [],
  ) {
    super(detail ?? title);
  }
}

export function whenSessionEnds(callback: () => void): void {
  onSessionEnd = callback;
}

export function signOut(): void {
  token = null;
}

export async function signIn(email: string, password: string): Promise<Session> {
  const body = await request<{ accessToken: string; expiresIn: number; role: StaffRole }>(
    'POST',
    '/api/v1/admin/auth/login',
    { email, password },
    false,
  );
  token = body.accessToken;
  return { role: body.role, expiresAt: Date.now() + body.expiresIn * 1000 };
}

async function failure(response: Response): Promise<ApiError> {
  let problem: { title?: string; detail?: string; errors?: { field: string; reason: string }[] } = {};
  try {
    problem = (await response.json()) as typeof problem;
  } catch {
    // Not a problem document: the status says enough.
  }
  return new ApiError(
    response.status,
    problem.title ?? response.statusText,
    problem.detail,
    Array.isArray(problem.errors) ? problem.errors : [],
  );
}

async function send(method: string, path: string, body: unknown, authenticated: boolean): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (authenticated && token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (response.status === 401 && authenticated) {
    token = null;
    onSessionEnd?.();
  }
  if (!response.ok) throw await failure(response);
  return response;
}

export async function request<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  authenticated = true,
): Promise<T> {
  const response = await send(method, path, body, authenticated);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as T;
}

export const get = <T>(path: string): Promise<T> => request<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}): Promise<T> => request<T>('POST', path, body);

/** A GET answered with text (the Art. 30 record as Markdown, for instance). */
export async function getText(path: string): Promise<string> {
  return (await send('GET', path, undefined, true)).text();
}

export const query = (params: Record<string, string | number | boolean | undefined>): string => {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
};
