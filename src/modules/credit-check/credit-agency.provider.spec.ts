import { describe, expect, it } from '@jest/globals';
import { AppConfig, validateConfig } from '../../config/app-config.js';
import { CreditAgencyConnection, SIMULATOR_AGENCY_NAME } from './credit-agency.provider.js';
import { CreditAgencyUnavailable } from './credit-agency.port.js';

/** Built without validateConfig: production requires keys of other modules that do not matter here. */
const connection = (settings: Partial<AppConfig>): CreditAgencyConnection =>
  new CreditAgencyConnection(Object.assign(new AppConfig(), settings));

describe('which credit agency the shop talks to', () => {
  it('runs the simulator in development when no agency is configured, under its own name', () => {
    const c = connection({ NODE_ENV: 'development' });
    expect(c.mode).toBe('simulator');
    expect(c.agencyName).toBe(SIMULATOR_AGENCY_NAME);
  });

  it('never falls back to the simulator in production: nothing can be sent', async () => {
    const c = connection({ NODE_ENV: 'production' });
    expect(c.mode).toBe('none');
    await expect(c.endpoint()).rejects.toBeInstanceOf(CreditAgencyUnavailable);
  });

  it('uses the configured agency, and refuses plain http for it in production', async () => {
    const configured = connection({
      CREDIT_AGENCY_URL: 'https://api.agency.example/shop',
      CREDIT_AGENCY_API_KEY: 'k',
      CREDIT_AGENCY_NAME: 'Auskunftei AG',
    });
    expect(configured.mode).toBe('agency');
    expect(configured.agencyName).toBe('Auskunftei AG');
    await expect(configured.endpoint()).resolves.toEqual({
      baseUrl: 'https://api.agency.example/shop',
      apiKey: 'k',
    });

    const plain = connection({ NODE_ENV: 'production', CREDIT_AGENCY_URL: 'http://api.agency.example' });
    expect(() => plain.onModuleInit()).toThrow(/https/);
  });

  it('refuses a CREDIT_AGENCY_URL that is not a URL, and a retention beyond the declared 90 days', () => {
    expect(() => validateConfig({ CREDIT_AGENCY_URL: 'agency.example' })).toThrow(/CREDIT_AGENCY_URL/);
    expect(() => validateConfig({ CREDIT_CHECK_RETENTION_DAYS: '120' })).toThrow(
      /CREDIT_CHECK_RETENTION_DAYS/,
    );
  });
});
