import { describe, expect, it } from '@jest/globals';
import { X509Certificate, sign, verify } from 'node:crypto';
import { createSelfSignedCertificate } from './self-signed-certificate.js';

describe('self-signed certificate for the PayPal simulator', () => {
  const { pem, privateKey } = createSelfSignedCertificate('messageverificationcerts.simulator.local', {
    days: 30,
  });
  const certificate = new X509Certificate(pem);

  it('is a certificate OpenSSL parses, naming its subject and signed by its own key', () => {
    expect(certificate.subject).toContain('CN=messageverificationcerts.simulator.local');
    expect(certificate.issuer).toBe(certificate.subject);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
  });

  it('is valid from now for the days asked', () => {
    const from = new Date(certificate.validFrom).getTime();
    const to = new Date(certificate.validTo).getTime();
    expect(from).toBeLessThanOrEqual(Date.now());
    expect(Math.round((to - from) / 86_400_000)).toBe(30);
  });

  it('carries the public key of the private key it comes with', () => {
    const signature = sign('sha256', Buffer.from('transmission'), privateKey);
    expect(verify('sha256', Buffer.from('transmission'), certificate.publicKey, signature)).toBe(true);
  });
});
