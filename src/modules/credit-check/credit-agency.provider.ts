import {
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../../config/app-config.js';
import {
  ProviderCircuitOpen,
  ProviderResilience,
  ProviderTimeout,
  type ResilienceSettings,
} from '../../common/resilience/provider-resilience.js';
import {
  CREDIT_AGENCY,
  CreditAgencyUnavailable,
  type CreditAgency,
  type CreditAgencyAnswer,
  type CreditAgencyRequest,
} from './credit-agency.port.js';
import { HttpCreditAgency, type CreditAgencyEndpoint } from './http/http-credit-agency.js';
import { CreditAgencySimulator } from './simulator/credit-agency-simulator.js';

export const SIMULATOR_AGENCY_NAME = 'Credit agency simulator (no real credit check)';

/**
 * Which agency the shop talks to:
 * - `agency`: CREDIT_AGENCY_URL is set;
 * - `simulator`: unset outside production: the simulator runs in this process on a loopback port,
 *   started at the first check (so a process that never checks never opens a port), and says so in the log;
 * - `none`: unset in production. Never the simulator there (it would approve nearly everyone): every
 *   check counts as failed, so credit-risk methods are declined and card or PayPal offered.
 */
@Injectable()
export class CreditAgencyConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('CreditAgency');
  readonly mode: 'agency' | 'simulator' | 'none';
  private simulator?: CreditAgencySimulator;
  private simulatorUrl?: Promise<string>;
  private readonly simulatorKey = randomBytes(24).toString('base64url');

  constructor(private readonly config: AppConfig) {
    this.mode = config.CREDIT_AGENCY_URL ? 'agency' : config.NODE_ENV === 'production' ? 'none' : 'simulator';
  }

  onModuleInit(): void {
    const { CREDIT_AGENCY_URL: url, NODE_ENV } = this.config;
    if (this.mode === 'agency' && NODE_ENV === 'production' && !url.startsWith('https://'))
      throw new Error(
        'CREDIT_AGENCY_URL must be an https:// URL in production: the request carries names and addresses',
      );
    if (this.mode === 'simulator')
      this.logger.warn(
        'CREDIT_AGENCY_URL is not set: credit checks go to the in-process credit agency SIMULATOR (no real credit check)',
      );
    else if (this.mode === 'none')
      this.logger.error(
        'CREDIT_AGENCY_URL is not set: no credit check can be made, so SEPA direct debit and invoice are declined (card and PayPal offered)',
      );
    else this.logger.log(`credit checks go to ${this.config.CREDIT_AGENCY_NAME}`);
  }

  get agencyName(): string {
    return this.mode === 'simulator' ? SIMULATOR_AGENCY_NAME : this.config.CREDIT_AGENCY_NAME;
  }

  async endpoint(): Promise<CreditAgencyEndpoint> {
    switch (this.mode) {
      case 'agency':
        return { baseUrl: this.config.CREDIT_AGENCY_URL, apiKey: this.config.CREDIT_AGENCY_API_KEY };
      case 'simulator':
        return { baseUrl: await this.startSimulator(), apiKey: this.simulatorKey };
      case 'none':
        throw new CreditAgencyUnavailable('no credit agency is configured (CREDIT_AGENCY_URL)');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.simulator?.stop();
  }

  private startSimulator(): Promise<string> {
    this.simulatorUrl ??= (async () => {
      this.simulator = new CreditAgencySimulator({ apiKey: this.simulatorKey });
      const url = await this.simulator.start(0, '127.0.0.1');
      this.logger.warn(`credit agency SIMULATOR listening on ${url} (no real credit check)`);
      return url;
    })().catch((error: unknown) => {
      this.simulatorUrl = undefined;
      throw new CreditAgencyUnavailable('the credit agency simulator could not start', { cause: error });
    });
    return this.simulatorUrl;
  }
}

/**
 * The agency behind a circuit breaker (PAYMENT_PROVIDER_BREAKER_*): after repeated failures the shop stops
 * asking it for a while, so a checkout waits for no timeout and is declined at once (card and PayPal
 * offered). A check is never retried: each inquiry may be recorded at the agency. An Art. 19 notice
 * carries its own id, which the agency deduplicates, so it is retried (PAYMENT_PROVIDER_RETRIES).
 */
export class ResilientCreditAgency implements CreditAgency {
  readonly resilience: ProviderResilience;

  constructor(
    private readonly inner: CreditAgency,
    settings: ResilienceSettings,
  ) {
    this.resilience = new ProviderResilience(
      'credit-agency',
      settings,
      (error) => error instanceof CreditAgencyUnavailable,
    );
  }

  get name(): string {
    return this.inner.name;
  }

  get configured(): boolean {
    return this.inner.configured;
  }

  check(request: CreditAgencyRequest): Promise<CreditAgencyAnswer> {
    return this.bounded(() => this.inner.check(request), false);
  }

  sendPrivacyNotice(notice: Parameters<CreditAgency['sendPrivacyNotice']>[0]): Promise<void> {
    return this.bounded(() => this.inner.sendPrivacyNotice(notice), true);
  }

  private async bounded<T>(call: () => Promise<T>, repeatable: boolean): Promise<T> {
    try {
      return await this.resilience.execute(call, repeatable);
    } catch (error) {
      if (error instanceof ProviderCircuitOpen)
        throw new CreditAgencyUnavailable(
          `the credit agency failed repeatedly; not asked for ${error.retryAfterSeconds} s (circuit open)`,
        );
      if (error instanceof ProviderTimeout) throw new CreditAgencyUnavailable(error.message);
      throw error;
    }
  }
}

export const creditAgencyProvider: Provider = {
  provide: CREDIT_AGENCY,
  inject: [CreditAgencyConnection, AppConfig],
  useFactory: (connection: CreditAgencyConnection, config: AppConfig): CreditAgency =>
    new ResilientCreditAgency(
      new HttpCreditAgency({
        name: connection.agencyName,
        configured: connection.mode !== 'none',
        endpoint: () => connection.endpoint(),
        timeoutMs: config.CREDIT_AGENCY_TIMEOUT_MS,
      }),
      {
        // The adapter's own timeout applies; this one only backs it up.
        timeoutMs: config.CREDIT_AGENCY_TIMEOUT_MS + 1000,
        retries: config.PAYMENT_PROVIDER_RETRIES,
        breakerFailures: config.PAYMENT_PROVIDER_BREAKER_FAILURES,
        halfOpenAfterMs: config.PAYMENT_PROVIDER_BREAKER_HALF_OPEN_SECONDS * 1000,
      },
    ),
};
