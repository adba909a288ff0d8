import { Logger } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { AppConfig } from '../../config/app-config.js';
import { PaypalProvider } from './paypal/paypal.provider.js';
import { PAYPAL_CERT_HOSTS, hostAllowed } from './paypal/paypal-webhook-signature.js';
import { IbanCipher } from './sepa/iban.js';
import { PaypalSimulator } from './simulators/paypal-simulator.js';
import { StripeSimulator } from './simulators/stripe-simulator.js';
import { StripeProvider } from './stripe/stripe.provider.js';
import { ResilientPaymentProvider } from './resilient-provider.js';
import type { ResilienceSettings } from '../../common/resilience/provider-resilience.js';

/**
 * How the payments module is wired at boot, from the configuration: the provider adapters with their
 * keys, or (development, no keys) the in-process simulators they are pointed at; the IBAN key; the
 * creditor id. Production refuses to start with anything that is only for local testing.
 */
export interface PaymentsSetup {
  stripe?: ResilientPaymentProvider;
  paypal?: ResilientPaymentProvider;
  simulators: { stripe?: StripeSimulator; paypal?: PaypalSimulator };
  ibanCipher: IbanCipher;
  creditorId: string;
  close(): Promise<void>;
}

export const PAYMENTS_SETUP = Symbol('PAYMENTS_SETUP');

export const STRIPE_WEBHOOK_PATH = '/api/v1/webhooks/stripe';
export const PAYPAL_WEBHOOK_PATH = '/api/v1/webhooks/paypal';

const logger = new Logger('Payments');

/** Things a production configuration must not contain; thrown at boot. */
export function productionProblems(config: AppConfig): string[] {
  if (config.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  if (config.STRIPE_API_PROTOCOL !== 'https')
    problems.push('STRIPE_API_PROTOCOL must be https in production');
  if (config.STRIPE_API_HOST && !hostAllowed(config.STRIPE_API_HOST, ['*.stripe.com']))
    problems.push('STRIPE_API_HOST must be a stripe.com host in production');
  for (const key of ['PAYPAL_BASE_URL', 'PAYPAL_WEB_URL'] as const) {
    const url = new URL(config[key]);
    if (url.protocol !== 'https:' || !hostAllowed(url.hostname, PAYPAL_CERT_HOSTS))
      problems.push(`${key} must be an https:// paypal.com URL in production`);
  }
  const certHosts = config.PAYPAL_WEBHOOK_CERT_HOSTS.split(',').map((h) => h.trim());
  if (
    certHosts.some((h) => !(h === '*.paypal.com' || hostAllowed(h.replace(/^\*\./, ''), PAYPAL_CERT_HOSTS)))
  )
    problems.push('PAYPAL_WEBHOOK_CERT_HOSTS may name only paypal.com hosts in production');
  if (config.PAYPAL_WEBHOOK_ROOTS_FILE)
    problems.push(
      'PAYPAL_WEBHOOK_ROOTS_FILE must be empty in production (the vendored PayPal roots are used)',
    );
  return problems;
}

/** The URL the app's own webhook route answers on, once the HTTP server listens (loopback for a wildcard bind). */
function ownUrl(adapterHost: HttpAdapterHost, path: string): () => string | undefined {
  return () => {
    const server = adapterHost.httpAdapter?.getHttpServer() as
      { address(): AddressInfo | string | null } | undefined;
    const address = server?.address();
    if (!address || typeof address === 'string') return undefined;
    const wildcard = address.address === '0.0.0.0' || address.address === '::';
    const host = wildcard
      ? '127.0.0.1'
      : address.family === 'IPv6'
        ? `[${address.address}]`
        : address.address;
    return `http://${host}:${address.port}${path}`;
  };
}

/** Timeouts, breaker and retries of the Stripe and PayPal calls (PAYMENT_PROVIDER_*). */
export function resilienceSettings(config: AppConfig): ResilienceSettings {
  return {
    timeoutMs: config.PAYMENT_PROVIDER_TIMEOUT_MS,
    retries: config.PAYMENT_PROVIDER_RETRIES,
    breakerFailures: config.PAYMENT_PROVIDER_BREAKER_FAILURES,
    halfOpenAfterMs: config.PAYMENT_PROVIDER_BREAKER_HALF_OPEN_SECONDS * 1000,
  };
}

export async function createPaymentsSetup(
  config: AppConfig,
  adapterHost: HttpAdapterHost,
): Promise<PaymentsSetup> {
  const problems = productionProblems(config);
  if (problems.length > 0) throw new Error(`Invalid payments configuration: ${problems.join('; ')}`);
  const simulate = config.PAYMENT_SIMULATORS === 'auto' && config.NODE_ENV !== 'production';
  const simulators: PaymentsSetup['simulators'] = {};
  const simulated: string[] = [];

  const resilience = resilienceSettings(config);
  let stripe: StripeProvider | undefined;
  if (config.STRIPE_SECRET_KEY) {
    stripe = new StripeProvider({
      timeoutMs: resilience.timeoutMs,
      secretKey: config.STRIPE_SECRET_KEY,
      webhookSecret: config.STRIPE_WEBHOOK_SECRET,
      ...(config.STRIPE_API_HOST ? { host: config.STRIPE_API_HOST } : {}),
      ...(config.STRIPE_API_PORT ? { port: config.STRIPE_API_PORT } : {}),
      protocol: config.STRIPE_API_PROTOCOL,
    });
  } else if (simulate) {
    const secretKey = `sk_test_simulator_${randomBytes(12).toString('hex')}`;
    const webhookSecret = `whsec_simulator_${randomBytes(24).toString('hex')}`;
    const simulator = new StripeSimulator({
      secretKey,
      webhookSecret,
      webhookUrl: ownUrl(adapterHost, STRIPE_WEBHOOK_PATH),
      autoConfirmMs: config.PAYMENT_SIMULATOR_AUTOCONFIRM_MS,
      maxRecorded: 200,
      onDelivery: (d) =>
        d.status >= 200 && d.status < 300
          ? logger.debug(`stripe simulator delivered ${d.type} (${d.eventId}): ${d.status}`)
          : logger.warn(`stripe simulator could not deliver ${d.type} (${d.eventId}): ${d.status}`),
    });
    const address = await simulator.start();
    simulators.stripe = simulator;
    stripe = new StripeProvider({
      timeoutMs: resilience.timeoutMs,
      secretKey,
      webhookSecret,
      host: address.host,
      port: address.port,
      protocol: 'http',
    });
    // The log redacts IP addresses: the port is what a reader needs (the simulators listen on loopback only).
    simulated.push(`card (Stripe) simulator on loopback port ${address.port}`);
  }

  let paypal: PaypalProvider | undefined;
  if (config.PAYPAL_CLIENT_ID) {
    paypal = new PaypalProvider({
      clientId: config.PAYPAL_CLIENT_ID,
      clientSecret: config.PAYPAL_CLIENT_SECRET,
      baseUrl: config.PAYPAL_BASE_URL,
      webUrl: config.PAYPAL_WEB_URL,
      webhookId: config.PAYPAL_WEBHOOK_ID,
      verification: config.PAYPAL_WEBHOOK_VERIFICATION,
      certHosts: config.PAYPAL_WEBHOOK_CERT_HOSTS.split(',').map((h) => h.trim()),
      ...(config.PAYPAL_WEBHOOK_ROOTS_FILE
        ? { trustedRoots: [readFileSync(config.PAYPAL_WEBHOOK_ROOTS_FILE, 'utf8')] }
        : {}),
      ...(config.PAYPAL_RETURN_URL ? { returnUrl: config.PAYPAL_RETURN_URL } : {}),
      ...(config.PAYPAL_CANCEL_URL ? { cancelUrl: config.PAYPAL_CANCEL_URL } : {}),
    });
  } else if (simulate) {
    // A client id of its own per process: the SDK caches tokens per client id across clients.
    const clientId = `simulator-${randomBytes(8).toString('hex')}`;
    const clientSecret = randomBytes(24).toString('hex');
    const webhookId = `SIMWEBHOOK${randomBytes(6).toString('hex').toUpperCase()}`;
    const simulator = new PaypalSimulator({
      clientId,
      clientSecret,
      webhookId,
      webhookUrl: ownUrl(adapterHost, PAYPAL_WEBHOOK_PATH),
      maxRecorded: 200,
      onDelivery: (d) =>
        d.status >= 200 && d.status < 300
          ? logger.debug(`paypal simulator delivered ${d.type} (${d.eventId}): ${d.status}`)
          : logger.warn(`paypal simulator could not deliver ${d.type} (${d.eventId}): ${d.status}`),
    });
    const address = await simulator.start();
    simulators.paypal = simulator;
    paypal = new PaypalProvider({
      clientId,
      clientSecret,
      baseUrl: address.baseUrl,
      webUrl: address.webUrl,
      webhookId,
      verification: 'local',
      certHosts: [new URL(address.baseUrl).hostname],
      trustedRoots: [simulator.rootCertificatePem],
      ...(config.PAYPAL_RETURN_URL ? { returnUrl: config.PAYPAL_RETURN_URL } : {}),
      ...(config.PAYPAL_CANCEL_URL ? { cancelUrl: config.PAYPAL_CANCEL_URL } : {}),
    });
    simulated.push(
      `PayPal simulator on loopback port ${new URL(address.baseUrl).port} (opening an approval link approves)`,
    );
  }

  if (simulated.length > 0) {
    logger.warn(
      `payments run against local SIMULATORS, no real money moves: ${simulated.join('; ')}. ` +
        'Set STRIPE_SECRET_KEY / PAYPAL_CLIENT_ID to use the real providers (PAYMENT_SIMULATORS=off disables this).',
    );
  }
  if (!stripe) logger.warn('card payments are unavailable: STRIPE_SECRET_KEY is not set');
  if (!paypal) logger.warn('PayPal payments are unavailable: PAYPAL_CLIENT_ID is not set');

  let ibanCipher: IbanCipher;
  if (config.PAYMENT_IBAN_KEY) {
    ibanCipher = IbanCipher.fromConfig(config.PAYMENT_IBAN_KEY);
  } else {
    // Development only (production requires the key): IBANs stored now are unreadable after a restart.
    ibanCipher = new IbanCipher(randomBytes(32));
    logger.warn(
      'PAYMENT_IBAN_KEY is not set: SEPA IBANs are encrypted with a random key for this process only',
    );
  }

  return {
    ...(stripe ? { stripe: new ResilientPaymentProvider(stripe, resilience) } : {}),
    ...(paypal ? { paypal: new ResilientPaymentProvider(paypal, resilience) } : {}),
    simulators,
    ibanCipher,
    creditorId: config.SEPA_CREDITOR_ID,
    async close() {
      await Promise.all([simulators.stripe?.close(), simulators.paypal?.close()]);
    },
  };
}
