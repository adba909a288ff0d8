/** What VIES answered about one VAT ID, with the evidence to keep. */
export interface ViesAnswer {
  outcome: 'valid' | 'invalid' | 'unavailable';
  /** The consultation number VIES gives a qualified request (requester's VAT ID sent): the evidence. */
  requestIdentifier: string | null;
  traderName: string | null;
  requestDate: string | null;
  /** The SOAP response as received (kept as evidence); null when no answer came. */
  responseBody: string | null;
  /** For `unavailable`: the fault VIES sent (MS_UNAVAILABLE, TIMEOUT, …) or the transport error. */
  fault?: string;
}

export interface ViesRequest {
  /** The VIES prefix (EL for Greece) and the number without it. */
  countryCode: string;
  vatNumber: string;
}

export interface ViesClient {
  check(request: ViesRequest): Promise<ViesAnswer>;
}

export const VIES_CLIENT = Symbol('VIES_CLIENT');
