import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config.js';
import { HttpViesClient } from './http-vies-client.js';
import { ViesSimulator } from './vies-simulator.js';
import type { ViesAnswer, ViesClient, ViesRequest } from './vies.port.js';

/**
 * Which VIES the shop asks:
 * - `vies`: VIES_URL is set;
 * - `simulator`: unset outside production: the simulator on a loopback port, started at the first check;
 * - `none`: unset in production: every check is `unavailable`, so no VAT ID is confirmed (VAT is charged).
 */
@Injectable()
export class ViesConnection implements ViesClient, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Vies');
  readonly mode: 'vies' | 'simulator' | 'none';
  private simulator?: ViesSimulator;
  private simulatorUrl?: Promise<string>;
  private readonly client: HttpViesClient;

  constructor(private readonly config: AppConfig) {
    this.mode = config.VIES_URL ? 'vies' : config.NODE_ENV === 'production' ? 'none' : 'simulator';
    this.client = new HttpViesClient(async () => ({
      url: this.mode === 'vies' ? config.VIES_URL : await this.startSimulator(),
      requesterCountryCode: config.SELLER_VAT_ID.slice(0, 2),
      requesterVatNumber: config.SELLER_VAT_ID.slice(2),
      timeoutMs: config.VIES_TIMEOUT_MS,
    }));
  }

  onModuleInit(): void {
    if (this.mode === 'simulator')
      this.logger.warn('VIES_URL is not set: VAT IDs are checked by the in-process VIES SIMULATOR');
    else if (this.mode === 'none')
      this.logger.error('VIES_URL is not set: no VAT ID can be confirmed, so every delivery is taxed');
  }

  async check(request: ViesRequest): Promise<ViesAnswer> {
    if (this.mode === 'none') {
      return {
        outcome: 'unavailable',
        requestIdentifier: null,
        traderName: null,
        requestDate: null,
        responseBody: null,
        fault: 'VIES_NOT_CONFIGURED',
      };
    }
    return this.client.check(request);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.simulator?.stop();
  }

  private startSimulator(): Promise<string> {
    if (!this.simulatorUrl) {
      this.simulator = new ViesSimulator();
      this.simulatorUrl = this.simulator.start(0, '127.0.0.1');
    }
    return this.simulatorUrl;
  }
}
