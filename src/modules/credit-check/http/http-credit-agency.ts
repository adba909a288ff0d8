import {
  CreditAgencyUnavailable,
  type CreditAgency,
  type CreditAgencyAnswer,
  type CreditAgencyRequest,
  type TrafficLight,
} from '../credit-agency.port.js';

/** Where the agency is and how the shop authenticates to it. */
export interface CreditAgencyEndpoint {
  baseUrl: string;
  apiKey: string;
}

export interface HttpCreditAgencyOptions {
  name: string;
  /** Resolved per request, so an in-process simulator may start lazily. */
  endpoint: () => Promise<CreditAgencyEndpoint>;
  configured: boolean;
  timeoutMs: number;
}

const TRAFFIC_LIGHTS: ReadonlySet<string> = new Set<TrafficLight>(['green', 'yellow', 'red']);

/**
 * The agency's HTTP JSON API (`POST {base}/v1/checks`, API key in `X-Api-Key`; the simulator documents
 * the wire format). The request body is exactly the disclosed payload, so what the Discloser checked is
 * what leaves. Errors name the failure only (status, timeout, network code), never a request value or
 * the agency's response body, which may echo the person's data.
 */
export class HttpCreditAgency implements CreditAgency {
  readonly name: string;
  readonly configured: boolean;

  constructor(private readonly options: HttpCreditAgencyOptions) {
    this.name = options.name;
    this.configured = options.configured;
  }

  async check(request: CreditAgencyRequest): Promise<CreditAgencyAnswer> {
    const { baseUrl, apiKey } = await this.options.endpoint();
    const url = `${baseUrl.replace(/\/+$/, '')}/v1/checks`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'user-agent': 'storefront-credit-check/1',
          ...(apiKey ? { 'x-api-key': apiKey } : {}),
        },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new CreditAgencyUnavailable(describeFetchFailure(error, this.options.timeoutMs), {
        cause: error,
      });
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      throw new CreditAgencyUnavailable(`the credit agency answered HTTP ${response.status}`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      throw new CreditAgencyUnavailable(
        describeFetchFailure(error, this.options.timeoutMs, 'an answer that is not JSON'),
      );
    }
    return parseAnswer(body);
  }

  async sendPrivacyNotice(notice: {
    noticeId: string;
    kind: 'erasure' | 'rectification' | 'restriction';
    references: string[];
    occurredAt: Date;
  }): Promise<void> {
    const { baseUrl, apiKey } = await this.options.endpoint();
    let response: Response;
    try {
      response = await fetch(`${baseUrl.replace(/\/+$/, '')}/v1/data-subject-notices`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'user-agent': 'storefront-credit-check/1',
          ...(apiKey ? { 'x-api-key': apiKey } : {}),
        },
        body: JSON.stringify({
          noticeId: notice.noticeId,
          type: notice.kind,
          legalBasis: 'Art. 19 GDPR',
          references: notice.references,
          occurredAt: notice.occurredAt.toISOString(),
        }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new CreditAgencyUnavailable(describeFetchFailure(error, this.options.timeoutMs), {
        cause: error,
      });
    }
    await response.body?.cancel().catch(() => undefined);
    if (response.status < 200 || response.status >= 300) {
      throw new CreditAgencyUnavailable(`the credit agency answered HTTP ${response.status}`);
    }
  }
}

function describeFetchFailure(error: unknown, timeoutMs: number, otherwise = 'no answer'): string {
  // By name, not instanceof: the timeout's DOMException may come from another realm.
  const name = (error as { name?: unknown } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return `the credit agency did not answer within ${timeoutMs} ms`;
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code)
    ? `the credit agency could not be reached (${code})`
    : `the credit agency gave ${otherwise}`;
}

/** The agency's answer, checked field by field: an answer the shop cannot read is no answer. */
export function parseAnswer(body: unknown): CreditAgencyAnswer {
  const unusable = (what: string): CreditAgencyUnavailable =>
    new CreditAgencyUnavailable(`the credit agency gave an unusable answer (${what})`);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw unusable('not an object');
  const answer = body as Record<string, unknown>;
  const agencyReference = answer.agencyReference;
  if (typeof agencyReference !== 'string' || agencyReference.length === 0 || agencyReference.length > 200)
    throw unusable('agencyReference');
  if (answer.dateOfBirthRequired === true) return { requiresDateOfBirth: true, agencyReference };
  const result = answer.result;
  if (typeof result !== 'string' || !TRAFFIC_LIGHTS.has(result)) throw unusable('result');
  const score = answer.score;
  if (score !== undefined && score !== null && (typeof score !== 'number' || !Number.isFinite(score)))
    throw unusable('score');
  return {
    result: result as TrafficLight,
    agencyReference,
    ...(typeof score === 'number' ? { score } : {}),
  };
}
