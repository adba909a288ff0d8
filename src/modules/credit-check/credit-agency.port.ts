/**
 * The credit agency, an independent controller (recipient), behind a port owned by this module. The
 * adapter in use speaks the agency's HTTP JSON API (`http/`); the simulator (`simulator/`) serves the
 * same API for development and tests.
 */
export const CREDIT_AGENCY = Symbol('CREDIT_AGENCY');

/**
 * What the agency receives, in the shop's vocabulary. These names are the registry's allow-list for
 * the recipient `credit-agency` (credit-check.declarations.ts); the Discloser refuses any other.
 */
export interface CreditAgencyRequest {
  /** The shop's credit-check id: lets the agency and the shop refer to one check without naming the person. */
  reference: string;
  firstName: string;
  lastName: string;
  street: string;
  houseNumber?: string;
  postalCode: string;
  city: string;
  country: string;
  /** Only on a second request, after the agency answered that it needs it. */
  dateOfBirth?: string;
}

export type TrafficLight = 'green' | 'yellow' | 'red';

export type CreditAgencyAnswer =
  | {
      result: TrafficLight;
      /** The agency's score, where it gives one (its own scale). */
      score?: number;
      agencyReference: string;
      requiresDateOfBirth?: false;
    }
  | {
      /** The agency cannot identify the person by name and address alone: it gives no result. */
      requiresDateOfBirth: true;
      agencyReference: string;
      result?: undefined;
      score?: undefined;
    };

export interface CreditAgency {
  /** The agency's name as stored with each check and shown in the Art. 15 answer. */
  readonly name: string;
  /** False when no agency is configured: nothing can be sent, every check counts as failed. */
  readonly configured: boolean;
  /** Throws CreditAgencyUnavailable when the agency cannot be asked or gives no usable answer. */
  check(request: CreditAgencyRequest): Promise<CreditAgencyAnswer>;
  /**
   * Art. 19 GDPR: tells the agency that the person behind these checks (its references) had their
   * data erased, rectified or restricted. Throws CreditAgencyUnavailable when it cannot be told now.
   */
  sendPrivacyNotice(notice: {
    noticeId: string;
    kind: 'erasure' | 'rectification' | 'restriction';
    references: string[];
    occurredAt: Date;
  }): Promise<void>;
}

/**
 * The agency could not be asked or gave no usable answer. The message names the failure (HTTP status,
 * timeout), never a value of the request: it reaches logs.
 */
export class CreditAgencyUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CreditAgencyUnavailable';
  }
}
