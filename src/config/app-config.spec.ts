import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { AppConfig, ConfigurationError, validateConfig } from './app-config.js';

describe('configuration', () => {
  it('starts with no settings at all (the embedded default)', () => {
    const config = validateConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.MIGRATIONS_RUN).toBe(true);
  });

  it('converts numbers and booleans from their string form', () => {
    const config = validateConfig({ PORT: '8080', MIGRATIONS_RUN: 'false', TRUST_PROXY: '1' });
    expect(config).toMatchObject({ PORT: 8080, MIGRATIONS_RUN: false, TRUST_PROXY: true });
  });

  it('names the key and what it expects when a value is wrong', () => {
    expect(() => validateConfig({ LOG_LEVEL: 'loud' })).toThrow(
      new ConfigurationError(
        'LOG_LEVEL',
        'one of the following values: fatal, error, warn, info, debug, trace, silent',
        'loud',
      ),
    );
  });

  it('requires DATABASE_URL in production and masks what was given', () => {
    expect(() => validateConfig({ NODE_ENV: 'production' })).toThrow(
      /DATABASE_URL must be a postgres:\/\/ connection URL \(it is not set\)/,
    );
    expect(() => validateConfig({ DATABASE_URL: 'mysql://root:hunter2@db/x' })).toThrow(/\(got "mys…"\)/);
  });

  it('documents every key in .env.example', () => {
    const documented = readFileSync('.env.example', 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => line.split('=')[0]);
    const keys = [
      ...Object.keys(new AppConfig()),
      'DATABASE_URL',
      'PRIVACY_ADMIN_TOKEN',
      'PRIVACY_DPO_CONTACT',
    ];
    expect([...new Set(keys)].sort()).toEqual([...new Set(documented)].sort());
  });
});
