import { beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { AppConfig } from '../../config/app-config.js';
import { createPaymentsSetup, productionProblems } from './payments.setup.js';

const config = (values: Partial<AppConfig>): AppConfig => Object.assign(new AppConfig(), values);
const noServer = { httpAdapter: undefined } as unknown as HttpAdapterHost;

describe('payments configuration', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('refuses to start in production pointed at a local Stripe or PayPal, or trusting other certificate hosts', () => {
    expect(productionProblems(config({ NODE_ENV: 'production' }))).toEqual([]);
    expect(
      productionProblems(
        config({
          NODE_ENV: 'production',
          STRIPE_API_HOST: '127.0.0.1',
          STRIPE_API_PROTOCOL: 'http',
          PAYPAL_BASE_URL: 'http://127.0.0.1:4010',
          PAYPAL_WEBHOOK_CERT_HOSTS: '*.paypal.com,127.0.0.1',
        }),
      ),
    ).toEqual([
      'STRIPE_API_PROTOCOL must be https in production',
      'STRIPE_API_HOST must be a stripe.com host in production',
      'PAYPAL_BASE_URL must be an https:// paypal.com URL in production',
      'PAYPAL_WEBHOOK_CERT_HOSTS may name only paypal.com hosts in production',
    ]);
    // Development may point anywhere (that is how the fakes are reached).
    expect(productionProblems(config({ NODE_ENV: 'development', STRIPE_API_PROTOCOL: 'http' }))).toEqual([]);
  });

  it('throws at boot on such a production configuration', async () => {
    await expect(
      createPaymentsSetup(config({ NODE_ENV: 'production', STRIPE_API_PROTOCOL: 'http' }), noServer),
    ).rejects.toThrow(/Invalid payments configuration: STRIPE_API_PROTOCOL/);
  });

  it('never runs the simulators in production: a provider without keys is unavailable there', async () => {
    const setup = await createPaymentsSetup(
      config({ NODE_ENV: 'production', PAYMENT_IBAN_KEY: 'a'.repeat(64) }),
      noServer,
    );
    expect(setup.stripe).toBeUndefined();
    expect(setup.paypal).toBeUndefined();
    expect(setup.simulators).toEqual({});
    await setup.close();
  });

  it('runs both simulators in development when no keys are set', async () => {
    const setup = await createPaymentsSetup(config({ NODE_ENV: 'development' }), noServer);
    try {
      expect(setup.stripe).toBeDefined();
      expect(setup.paypal).toBeDefined();
      expect(setup.simulators.stripe).toBeDefined();
      expect(setup.simulators.paypal).toBeDefined();
    } finally {
      await setup.close();
    }
  });
});
