import { randomBytes } from 'node:crypto';
import {
  StripeSimulator,
  type StripeSimulatorOptions,
} from '../../../src/modules/payments/simulators/stripe-simulator.js';
import type { RecordedRequest } from '../../../src/common/simulators/sim-http.js';

/**
 * Stripe for the e2e tests: the shipped simulator (src/modules/payments/simulators, which speaks
 * Stripe's wire format) on an ephemeral loopback port with keys of its own. `env` points the real
 * `stripe` SDK at it (STRIPE_API_HOST/PORT/PROTOCOL); `requests` is everything it received.
 */
export interface FakeStripe {
  simulator: StripeSimulator;
  secretKey: string;
  webhookSecret: string;
  env: Record<string, string>;
  requests: readonly RecordedRequest[];
  /** Where the fake posts its signed events (the app's webhook route, once the app listens). */
  setWebhookUrl(url: string): void;
  stop(): Promise<void>;
}

export async function startFakeStripe(options: Partial<StripeSimulatorOptions> = {}): Promise<FakeStripe> {
  const secretKey = options.secretKey ?? `sk_test_fake_${randomBytes(12).toString('hex')}`;
  const webhookSecret = options.webhookSecret ?? `whsec_fake_${randomBytes(16).toString('hex')}`;
  const simulator = new StripeSimulator({ autoConfirmMs: 0, ...options, secretKey, webhookSecret });
  const address = await simulator.start();
  return {
    simulator,
    secretKey,
    webhookSecret,
    env: {
      STRIPE_SECRET_KEY: secretKey,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_API_HOST: address.host,
      STRIPE_API_PORT: String(address.port),
      STRIPE_API_PROTOCOL: address.protocol,
    },
    requests: simulator.requests,
    setWebhookUrl(url) {
      simulator.webhookUrl = url;
    },
    stop: () => simulator.close(),
  };
}
