import { describe, expect, it } from '@jest/globals';
import { randomUUID, sign } from 'node:crypto';
import { createSelfSignedCertificate } from '../simulators/self-signed-certificate.js';
import {
  PaypalLocalVerifier,
  certUrlProblem,
  hostAllowed,
  transmissionMessage,
} from './paypal-webhook-signature.js';

const WEBHOOK_ID = '1JE4291016473214C';
const CERT_URL = 'https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77';
const { pem, privateKey } = createSelfSignedCertificate('messageverificationcerts.paypal.com');

function signed(body: string, options: { webhookId?: string; certUrl?: string; algo?: string } = {}) {
  const transmissionId = randomUUID();
  const transmissionTime = new Date().toISOString();
  const rawBody = Buffer.from(body);
  const message = transmissionMessage(
    transmissionId,
    transmissionTime,
    options.webhookId ?? WEBHOOK_ID,
    rawBody,
  );
  return {
    rawBody,
    headers: {
      'paypal-transmission-id': transmissionId,
      'paypal-transmission-time': transmissionTime,
      'paypal-transmission-sig': sign('sha256', Buffer.from(message), privateKey).toString('base64'),
      'paypal-cert-url': options.certUrl ?? CERT_URL,
      'paypal-auth-algo': options.algo ?? 'SHA256withRSA',
    },
  };
}

const fetched: string[] = [];
const verifier = (now?: Date) =>
  new PaypalLocalVerifier({
    webhookId: WEBHOOK_ID,
    certHosts: ['*.paypal.com'],
    fetchCertificate: (url) => {
      fetched.push(url);
      return Promise.resolve(pem);
    },
    now: now ? () => now : undefined,
  });

describe('PayPal webhook signature, checked locally', () => {
  const body = JSON.stringify({ id: 'WH-1', event_type: 'PAYMENT.CAPTURE.COMPLETED' });

  it('accepts a message signed over id|time|webhookId|crc32(body) with the certificate’s key', async () => {
    const { headers, rawBody } = signed(body);
    await expect(verifier().problem(headers, rawBody)).resolves.toBeNull();
  });

  it('signs the CRC-32 of the exact bytes as an unsigned decimal', () => {
    // crc32("The quick brown fox jumps over the lazy dog") = 0x414FA339
    expect(
      transmissionMessage('t', 'time', 'wh', Buffer.from('The quick brown fox jumps over the lazy dog')),
    ).toBe('t|time|wh|1095738169');
  });

  it('refuses a body changed by one byte', async () => {
    const { headers } = signed(body);
    await expect(verifier().problem(headers, Buffer.from(body.replace('WH-1', 'WH-2')))).resolves.toBe(
      'signature does not match',
    );
  });

  it('refuses a message signed for another webhook id', async () => {
    const { headers, rawBody } = signed(body, { webhookId: 'OTHER' });
    await expect(verifier().problem(headers, rawBody)).resolves.toBe('signature does not match');
  });

  it('fetches certificates only from PayPal hosts over https', async () => {
    fetched.length = 0;
    for (const certUrl of [
      'https://paypal.com.evil.example/cert.pem',
      'https://evilpaypal.com/cert.pem',
      'http://api.paypal.com/cert.pem',
      'https://user:pw@api.paypal.com/cert.pem',
    ]) {
      const { headers, rawBody } = signed(body, { certUrl });
      await expect(verifier().problem(headers, rawBody)).resolves.not.toBeNull();
    }
    expect(fetched).toEqual([]);
  });

  it('allows plain http only for a loopback simulator the configuration names', () => {
    expect(certUrlProblem('http://127.0.0.1:4010/certs/sim.pem', ['127.0.0.1'])).toBeNull();
    expect(certUrlProblem('http://127.0.0.1:4010/certs/sim.pem', ['*.paypal.com'])).toMatch(/not allowed/);
    expect(certUrlProblem('http://10.0.0.5/certs/sim.pem', ['10.0.0.5'])).toMatch(/https/);
    expect(hostAllowed('api.sandbox.paypal.com', ['*.paypal.com'])).toBe(true);
  });

  it('refuses another algorithm, a missing header and an expired certificate', async () => {
    const wrongAlgo = signed(body, { algo: 'SHA1withRSA' });
    await expect(verifier().problem(wrongAlgo.headers, wrongAlgo.rawBody)).resolves.toMatch(/algorithm/);
    const { headers, rawBody } = signed(body);
    const withoutSig: Record<string, string | undefined> = {
      ...headers,
      'paypal-transmission-sig': undefined,
    };
    await expect(verifier().problem(withoutSig, rawBody)).resolves.toBe('missing transmissionSig');
    const inTwoYears = new Date(Date.now() + 2 * 365 * 86_400_000);
    await expect(verifier(inTwoYears).problem(headers, rawBody)).resolves.toMatch(/validity/);
  });

  it('refuses a certificate issued for a host that is not allowed, even when served from an allowed one', async () => {
    const foreign = createSelfSignedCertificate('attacker.example');
    const v = new PaypalLocalVerifier({
      webhookId: WEBHOOK_ID,
      certHosts: ['*.paypal.com'],
      fetchCertificate: () => Promise.resolve(foreign.pem),
    });
    const { headers, rawBody } = signed(body);
    await expect(v.problem(headers, rawBody)).resolves.toMatch(/subject/);
  });
});
