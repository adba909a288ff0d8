import { Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { CARRIERS, type CarrierAdapter, type CarrierId } from './carrier.port.js';
import { CarrierSelection } from './carrier-selection.js';
import { DhlAdapter } from './dhl/dhl.adapter.js';
import { DpdAdapter } from './dpd/dpd.adapter.js';
import { HermesAdapter } from './hermes/hermes.adapter.js';
import { joinUrl } from './http/carrier-http.js';
import type { Shipper } from './shipper.js';
import type { CarrierSimulator } from './simulators/carrier-simulator.js';
import { DhlSimulator } from './simulators/dhl-simulator.js';
import { DpdSimulator } from './simulators/dpd-simulator.js';
import { HermesSimulator } from './simulators/hermes-simulator.js';

/**
 * The carriers as configured at boot: an adapter per carrier with a base URL (the real API, or a fake
 * in tests), or, in development without one, an adapter pointed at an in-process simulator. A carrier
 * with neither has no adapter: its shipments are dead-lettered for staff ("not configured").
 */
export interface CarrierSetup {
  adapters: ReadonlyMap<CarrierId, CarrierAdapter>;
  simulators: ReadonlyMap<CarrierId, CarrierSimulator>;
  close(): Promise<void>;
}

export const CARRIER_SETUP = Symbol('CARRIER_SETUP');

const logger = new Logger('CarrierHandoff');

const BASE_URL_KEY: Record<CarrierId, 'DHL_BASE_URL' | 'HERMES_BASE_URL' | 'DPD_BASE_URL'> = {
  dhl: 'DHL_BASE_URL',
  hermes: 'HERMES_BASE_URL',
  dpd: 'DPD_BASE_URL',
};

/** What a production configuration must not contain; the app refuses to start with any of it. */
export function carrierProductionProblems(config: AppConfig): string[] {
  if (config.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  const selection = CarrierSelection.fromConfig(config.CARRIER_DEFAULT, config.CARRIER_COUNTRY_OVERRIDES);
  for (const carrier of selection.carriersInUse()) {
    if (!config[BASE_URL_KEY[carrier]]) {
      problems.push(
        `${BASE_URL_KEY[carrier]} is required: the shop ships with ${carrier} (CARRIER_DEFAULT / CARRIER_COUNTRY_OVERRIDES), ` +
          'and production never uses a carrier simulator',
      );
    }
  }
  for (const key of [
    'DHL_BASE_URL',
    'DHL_TRACKING_URL',
    'HERMES_BASE_URL',
    'HERMES_AUTH_URL',
    'DPD_BASE_URL',
  ] as const) {
    if (config[key] && !config[key].startsWith('https://'))
      problems.push(`${key} must be an https:// URL in production`);
  }
  return problems;
}

function shipperOf(config: AppConfig): Shipper {
  return {
    name: config.SHIPPER_NAME,
    street: config.SHIPPER_STREET,
    houseNumber: config.SHIPPER_HOUSE_NUMBER,
    postalCode: config.SHIPPER_POSTAL_CODE,
    city: config.SHIPPER_CITY,
    country: config.SHIPPER_COUNTRY,
  };
}

function adapterFor(carrier: CarrierId, env: AppConfig): CarrierAdapter {
  const timeoutMs = env.CARRIER_HTTP_TIMEOUT_MS;
  switch (carrier) {
    case 'dhl':
      return new DhlAdapter({
        baseUrl: env.DHL_BASE_URL,
        trackingUrl: env.DHL_TRACKING_URL || joinUrl(new URL(env.DHL_BASE_URL).origin, 'track/shipments'),
        apiKey: env.DHL_API_KEY,
        username: env.DHL_USERNAME,
        password: env.DHL_PASSWORD,
        billingNumber: env.DHL_BILLING_NUMBER,
        product: env.DHL_PRODUCT,
        shipper: shipperOf(env),
        timeoutMs,
      });
    case 'hermes':
      return new HermesAdapter({
        baseUrl: env.HERMES_BASE_URL,
        authUrl: env.HERMES_AUTH_URL || joinUrl(env.HERMES_BASE_URL, 'oauth2/access_token'),
        clientId: env.HERMES_CLIENT_ID,
        clientSecret: env.HERMES_CLIENT_SECRET,
        username: env.HERMES_USERNAME,
        password: env.HERMES_PASSWORD,
        timeoutMs,
      });
    case 'dpd':
      return new DpdAdapter({
        baseUrl: env.DPD_BASE_URL,
        partnerName: env.DPD_PARTNER_NAME,
        partnerToken: env.DPD_PARTNER_TOKEN,
        cloudUserId: env.DPD_CLOUD_USER_ID,
        userToken: env.DPD_USER_TOKEN,
        shipService: env.DPD_SHIP_SERVICE,
        timeoutMs,
      });
  }
}

const SIMULATORS: Record<CarrierId, () => CarrierSimulator> = {
  dhl: () => new DhlSimulator({ maxRecorded: 200 }),
  hermes: () => new HermesSimulator({ maxRecorded: 200 }),
  dpd: () => new DpdSimulator({ maxRecorded: 200 }),
};

export async function createCarrierSetup(config: AppConfig): Promise<CarrierSetup> {
  const problems = carrierProductionProblems(config);
  if (problems.length > 0) throw new Error(`Invalid carrier configuration: ${problems.join('; ')}`);
  const simulate = config.CARRIER_SIMULATORS === 'auto' && config.NODE_ENV !== 'production';
  const adapters = new Map<CarrierId, CarrierAdapter>();
  const simulators = new Map<CarrierId, CarrierSimulator>();
  try {
    for (const carrier of CARRIERS) {
      if (config[BASE_URL_KEY[carrier]]) {
        adapters.set(carrier, adapterFor(carrier, config));
      } else if (simulate) {
        const simulator = SIMULATORS[carrier]();
        await simulator.start();
        simulators.set(carrier, simulator);
        // The simulator's URL and credentials in place of the (empty) configured ones.
        adapters.set(carrier, adapterFor(carrier, { ...config, ...simulator.env() }));
        logger.warn(
          `${carrier}: no ${BASE_URL_KEY[carrier]} configured, so ${carrier} runs against an in-process SIMULATOR at ` +
            `${simulator.baseUrl}: labels are fake and no parcel will ship (development only)`,
        );
      }
    }
  } catch (error) {
    await Promise.all([...simulators.values()].map((s) => s.close()));
    throw error;
  }
  return {
    adapters,
    simulators,
    close: async () => {
      await Promise.all([...simulators.values()].map((s) => s.close()));
    },
  };
}
