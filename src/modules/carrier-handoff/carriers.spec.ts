import { describe, expect, it } from '@jest/globals';
import { validateConfig } from '../../config/app-config.js';
import { carrierProductionProblems, createCarrierSetup } from './carriers.js';

const production = (env: Record<string, string>) =>
  validateConfig({
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://shop@db/shop',
    AUTH_TOKEN_SECRET: 'x'.repeat(40),
    ORDER_TOKEN_SECRET: 'y'.repeat(40),
    PAYMENT_IBAN_KEY: 'a'.repeat(64),
    PARTNER_WEBHOOK_SECRET_KEY: 'b'.repeat(64),
    SEPA_CREDITOR_ID: 'DE02ZZZ01234567890',
    PRIVACY_DISCLOSURE_HASH_KEY: 'c'.repeat(64),
    DEVICE_KEKS: `k1:${'d'.repeat(64)}`,
    DEVICE_KEK_ID: 'k1',
    ...env,
  });

const DHL = {
  DHL_BASE_URL: 'https://api-eu.dhl.com/parcel/de/shipping/v2',
  DHL_API_KEY: 'key',
  DHL_USERNAME: 'user',
  DHL_PASSWORD: 'secret',
  DHL_BILLING_NUMBER: '33333333330102',
};

describe('the carrier configuration', () => {
  it('refuses, in production, a carrier the shop may choose that has no API configured (never a simulator)', () => {
    expect(carrierProductionProblems(production({ CARRIER_DEFAULT: 'dhl' }))).toEqual([
      expect.stringMatching(/^DHL_BASE_URL is required: the shop ships with dhl/),
    ]);
    expect(carrierProductionProblems(production({ ...DHL, CARRIER_COUNTRY_OVERRIDES: 'AT:dpd' }))).toEqual([
      expect.stringMatching(/^DPD_BASE_URL is required: the shop ships with dpd/),
    ]);
    expect(carrierProductionProblems(production(DHL))).toEqual([]);
  });

  it('refuses a carrier URL without TLS in production', () => {
    expect(
      carrierProductionProblems(
        production({ ...DHL, DHL_BASE_URL: 'http://api-eu.dhl.com/parcel/de/shipping/v2' }),
      ),
    ).toEqual(['DHL_BASE_URL must be an https:// URL in production']);
  });

  it('starts the production app with the configured adapters only and no simulator', async () => {
    const setup = await createCarrierSetup(production(DHL));
    try {
      expect([...setup.adapters.keys()]).toEqual(['dhl']);
      expect(setup.simulators.size).toBe(0);
    } finally {
      await setup.close();
    }
  });

  it('runs every carrier without a URL against an in-process simulator in development', async () => {
    const setup = await createCarrierSetup(validateConfig({}));
    try {
      expect([...setup.simulators.keys()].sort()).toEqual(['dhl', 'dpd', 'hermes']);
      expect([...setup.adapters.keys()].sort()).toEqual(['dhl', 'dpd', 'hermes']);
    } finally {
      await setup.close();
    }
  });

  it('runs none with CARRIER_SIMULATORS=off: an unconfigured carrier then has no adapter', async () => {
    const setup = await createCarrierSetup(validateConfig({ CARRIER_SIMULATORS: 'off', ...DHL }));
    try {
      expect([...setup.adapters.keys()]).toEqual(['dhl']);
    } finally {
      await setup.close();
    }
  });
});
