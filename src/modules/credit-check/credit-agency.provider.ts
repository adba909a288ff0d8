import {
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../../config/app-config.js';
import { CREDIT_AGENCY, CreditAgencyUnavailable, type CreditAgency } from './credit-agency.port.js';
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

export const creditAgencyProvider: Provider = {
  provide: CREDIT_AGENCY,
  inject: [CreditAgencyConnection, AppConfig],
  useFactory: (connection: CreditAgencyConnection, config: AppConfig): CreditAgency =>
    new HttpCreditAgency({
      name: connection.agencyName,
      configured: connection.mode !== 'none',
      endpoint: () => connection.endpoint(),
      timeoutMs: config.CREDIT_AGENCY_TIMEOUT_MS,
    }),
};
