import type { AppConfig } from '../../config/app-config.js';
import type { BackoffSettings } from './backoff.js';
import type { CircuitSettings } from './carrier-circuits.js';
import { CarrierSelection } from './carrier-selection.js';
import type { Shipper } from './shipper.js';

/** The carrier handoff's configuration, read once from AppConfig (the keys are documented in .env.example). */
export interface HandoffSettings {
  selection: CarrierSelection;
  shipper: Shipper;
  /** Attempts before a shipment is dead-lettered (a staff retry grants as many again). */
  maxAttempts: number;
  backoff: BackoffSettings;
  /** pg-boss workers per process, jobs per fetch, idle polling interval. */
  concurrency: number;
  batchSize: number;
  pollIntervalSeconds: number;
  httpTimeoutMs: number;
  /**
   * How long a worker's claim on a shipment it is sending lasts. Longer than the calls one attempt can
   * make (token, lookup, create) take at most, so a claim that has run out belongs to a worker that
   * died: another may take the shipment over, looking it up at the carrier first.
   */
  leaseSeconds: number;
  parcelWeightGrams: number;
  labelRetentionDays: number;
  circuit: CircuitSettings;
  /** Days after delivery until partners receive no personal data of a shipment. */
  partnerPersonalDataDays: number;
}

export const HANDOFF_SETTINGS = Symbol('HANDOFF_SETTINGS');

export function handoffSettings(config: AppConfig): HandoffSettings {
  return {
    selection: CarrierSelection.fromConfig(config.CARRIER_DEFAULT, config.CARRIER_COUNTRY_OVERRIDES),
    shipper: {
      name: config.SHIPPER_NAME,
      street: config.SHIPPER_STREET,
      houseNumber: config.SHIPPER_HOUSE_NUMBER,
      postalCode: config.SHIPPER_POSTAL_CODE,
      city: config.SHIPPER_CITY,
      country: config.SHIPPER_COUNTRY,
    },
    maxAttempts: config.CARRIER_HANDOFF_MAX_ATTEMPTS,
    backoff: {
      baseSeconds: config.CARRIER_HANDOFF_RETRY_DELAY_SECONDS,
      maxSeconds: Math.max(
        config.CARRIER_HANDOFF_RETRY_DELAY_MAX_SECONDS,
        config.CARRIER_HANDOFF_RETRY_DELAY_SECONDS,
      ),
    },
    concurrency: config.CARRIER_HANDOFF_CONCURRENCY,
    batchSize: config.CARRIER_HANDOFF_BATCH_SIZE,
    pollIntervalSeconds: config.CARRIER_HANDOFF_POLL_INTERVAL_MS / 1000,
    httpTimeoutMs: config.CARRIER_HTTP_TIMEOUT_MS,
    leaseSeconds: Math.ceil((3 * config.CARRIER_HTTP_TIMEOUT_MS) / 1000) + 5,
    parcelWeightGrams: config.CARRIER_PARCEL_WEIGHT_GRAMS,
    labelRetentionDays: config.CARRIER_LABEL_RETENTION_DAYS,
    circuit: {
      failures: config.CARRIER_CIRCUIT_FAILURES,
      halfOpenAfterMs: config.CARRIER_CIRCUIT_HALF_OPEN_SECONDS * 1000,
    },
    partnerPersonalDataDays: config.PARTNER_PERSONAL_DATA_DAYS,
  };
}
