import { describe, expect, it } from '@jest/globals';
import { randomUUID, sign } from 'node:crypto';
import { X509Certificate } from 'node:crypto';
import {
  createCertificate,
  createCertificateChain,
  createSelfSignedCertificate,
} from '../simulators/self-signed-certificate.js';
import { PAYPAL_TRUSTED_ROOTS } from './paypal-roots.js';
import {
  PaypalLocalVerifier,
  certUrlProblem,
  keyUsageBits,
  hostAllowed,
  transmissionMessage,
} from './paypal-webhook-signature.js';

const WEBHOOK_ID = '1JE4291016473214C';
const CERT_URL = 'https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77';
const { chainPem: pem, rootPem, privateKey } = createCertificateChain('messageverificationcerts.paypal.com');

function signed(
  body: string,
  options: { webhookId?: string; certUrl?: string; algo?: string; key?: typeof privateKey } = {},
) {
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
      'paypal-transmission-sig': sign('sha256', Buffer.from(message), options.key ?? privateKey).toString(
        'base64',
      ),
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
    trustedRoots: [rootPem],
  });

/** A verifier trusting the test root, served `served` at the certificate URL. */
const serving = (served: string, trustedRoots: readonly string[] = [rootPem]) =>
  new PaypalLocalVerifier({
    webhookId: WEBHOOK_ID,
    certHosts: ['*.paypal.com'],
    fetchCertificate: () => Promise.resolve(served),
    trustedRoots,
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

  describe('the certificate chain, to PayPal’s roots', () => {
    const body2 = JSON.stringify({ id: 'WH-2' });

    it('refuses a self-signed certificate for a PayPal host (a forger without a CA)', async () => {
      const forged = createSelfSignedCertificate('messageverificationcerts.paypal.com');
      const { headers, rawBody } = signed(body2, { key: forged.privateKey });
      await expect(serving(forged.pem).problem(headers, rawBody)).resolves.toMatch(
        /does not chain to a trusted root/,
      );
    });

    it('refuses a chain that ends at another root', async () => {
      const other = createCertificateChain('messageverificationcerts.paypal.com');
      const { headers, rawBody } = signed(body2, { key: other.privateKey });
      await expect(serving(other.chainPem).problem(headers, rawBody)).resolves.toMatch(/trusted root/);
      // …and the shipped verifier (DigiCert roots) refuses the test chain too.
      const { headers: h2, rawBody: b2 } = signed(body2);
      await expect(serving(pem, PAYPAL_TRUSTED_ROOTS).problem(h2, b2)).resolves.toMatch(/trusted root/);
    });

    it('refuses the signing certificate served without its intermediate', async () => {
      const leafOnly = pem.slice(0, pem.indexOf('-----END CERTIFICATE-----') + 26);
      const { headers, rawBody } = signed(body2);
      await expect(serving(leafOnly).problem(headers, rawBody)).resolves.toMatch(/trusted root/);
    });

    it('refuses a signing certificate whose key usage does not allow signatures', async () => {
      for (const keyUsage of ['encipherment', 'none'] as const) {
        const chain = createCertificateChain('messageverificationcerts.paypal.com', { keyUsage });
        const { headers, rawBody } = signed(body2, { key: chain.privateKey });
        await expect(serving(chain.chainPem, [chain.rootPem]).problem(headers, rawBody)).resolves.toMatch(
          /key usage/,
        );
      }
    });

    it('refuses a CA certificate as the signing certificate', async () => {
      const ca = createCertificate('messageverificationcerts.paypal.com', { ca: true });
      const { headers, rawBody } = signed(body2, { key: ca.privateKey });
      await expect(serving(ca.pem, [ca.pem]).problem(headers, rawBody)).resolves.toMatch(/CA certificate/);
    });

    it('vendors DigiCert roots that are CAs allowed to sign certificates', () => {
      expect(PAYPAL_TRUSTED_ROOTS.length).toBeGreaterThanOrEqual(3);
      for (const root of PAYPAL_TRUSTED_ROOTS) {
        const certificate = new X509Certificate(root);
        expect(certificate.subject).toMatch(/CN=DigiCert /);
        expect(certificate.ca).toBe(true);
        expect((keyUsageBits(certificate) ?? 0) & 0x04).toBe(0x04);
      }
    });
  });
});
