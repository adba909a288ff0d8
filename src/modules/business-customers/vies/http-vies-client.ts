import { createHash } from 'node:crypto';
import type { ViesAnswer, ViesClient, ViesRequest } from './vies.port.js';
import { checkVatApproxRequest, parseCheckVatApproxResponse } from './vies-soap.js';

export interface ViesEndpoint {
  url: string;
  /** The shop's own VAT ID, split as VIES takes it (DE + 123456789). */
  requesterCountryCode: string;
  requesterVatNumber: string;
  timeoutMs: number;
}

/** VIES over its SOAP interface. A timeout, an HTTP error or a SOAP fault is `unavailable`, never `invalid`. */
export class HttpViesClient implements ViesClient {
  constructor(private readonly endpoint: () => Promise<ViesEndpoint>) {}

  async check(request: ViesRequest): Promise<ViesAnswer> {
    const endpoint = await this.endpoint();
    const body = checkVatApproxRequest({
      ...request,
      requesterCountryCode: endpoint.requesterCountryCode,
      requesterVatNumber: endpoint.requesterVatNumber,
    });
    let text: string;
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '' },
        body,
        signal: AbortSignal.timeout(endpoint.timeoutMs),
      });
      text = await response.text();
      if (!response.ok && !text.includes('faultstring')) {
        return unavailable(`HTTP ${response.status}`, null);
      }
    } catch (error) {
      return unavailable(error instanceof Error ? error.name : 'transport error', null);
    }
    const parsed = parseCheckVatApproxResponse(text);
    if (parsed.fault) {
      // INVALID_INPUT: VIES refuses the number as such (wrong format for the state): it is not valid.
      if (parsed.fault === 'INVALID_INPUT') return { ...answer(parsed, text), outcome: 'invalid' };
      return unavailable(parsed.fault, text);
    }
    if (parsed.valid === null) return unavailable('no <valid> in the answer', text);
    return { ...answer(parsed, text), outcome: parsed.valid ? 'valid' : 'invalid' };
  }
}

const answer = (parsed: ReturnType<typeof parseCheckVatApproxResponse>, body: string) => ({
  requestIdentifier: parsed.requestIdentifier,
  traderName: parsed.traderName,
  requestDate: parsed.requestDate,
  responseBody: body,
});

const unavailable = (fault: string, body: string | null): ViesAnswer => ({
  outcome: 'unavailable',
  requestIdentifier: null,
  traderName: null,
  requestDate: null,
  responseBody: body,
  fault,
});

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
