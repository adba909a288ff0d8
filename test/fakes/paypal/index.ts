import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  PaypalSimulator,
  type PaypalSimulatorOptions,
} from '../../../src/modules/payments/simulators/paypal-simulator.js';
import type { RecordedRequest } from '../../../src/common/simulators/sim-http.js';

/**
 * PayPal for the e2e tests: the shipped simulator (src/modules/payments/simulators, which speaks
 * PayPal's wire format) on an ephemeral loopback port, with credentials and a webhook id of its own.
 * `env` points the real `@paypal/checkout-server-sdk` at it (PAYPAL_BASE_URL / PAYPAL_WEB_URL) and
 * lets the shop fetch the fake's signing certificate from 127.0.0.1 (PAYPAL_WEBHOOK_CERT_HOSTS) and
 * trust the fake's root CA (PAYPAL_WEBHOOK_ROOTS_FILE).
 */
export interface FakePaypal {
  simulator: PaypalSimulator;
  env: Record<string, string>;
  requests: readonly RecordedRequest[];
  setWebhookUrl(url: string): void;
  stop(): Promise<void>;
}

export async function startFakePaypal(options: Partial<PaypalSimulatorOptions> = {}): Promise<FakePaypal> {
  // A client id per fake: the SDK caches access tokens by client id, process-wide.
  const clientId = options.clientId ?? `fake-client-${randomBytes(8).toString('hex')}`;
  const clientSecret = options.clientSecret ?? randomBytes(24).toString('hex');
  const webhookId = options.webhookId ?? `WH${randomBytes(8).toString('hex').toUpperCase()}`;
  const simulator = new PaypalSimulator({ ...options, clientId, clientSecret, webhookId });
  const { baseUrl, webUrl } = await simulator.start();
  // The shop must trust the fake's root CA instead of PayPal's DigiCert roots.
  const folder = mkdtempSync(path.join(os.tmpdir(), 'fake-paypal-'));
  const rootsFile = path.join(folder, 'roots.pem');
  writeFileSync(rootsFile, simulator.rootCertificatePem);
  return {
    simulator,
    env: {
      PAYPAL_CLIENT_ID: clientId,
      PAYPAL_CLIENT_SECRET: clientSecret,
      PAYPAL_WEBHOOK_ID: webhookId,
      PAYPAL_BASE_URL: baseUrl,
      PAYPAL_WEB_URL: webUrl,
      PAYPAL_WEBHOOK_CERT_HOSTS: '127.0.0.1',
      PAYPAL_WEBHOOK_ROOTS_FILE: rootsFile,
    },
    requests: simulator.requests,
    setWebhookUrl(url) {
      simulator.webhookUrl = url;
    },
    async stop() {
      await simulator.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
