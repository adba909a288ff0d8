import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { elementText, SOAP_ENVELOPE, VIES_NAMESPACE } from './vies-soap.js';

/** What the simulator answers for a VAT ID: valid, invalid, or a SOAP fault such as MS_UNAVAILABLE. */
export type ViesSimulatedOutcome = 'valid' | 'invalid' | { fault: string };

export interface RecordedViesRequest {
  countryCode: string;
  vatNumber: string;
  requesterCountryCode: string | null;
  requesterVatNumber: string | null;
  rawBody: string;
}

export interface ViesSimulatorOptions {
  /** Outcomes by full VAT ID (ATU12345678); others follow the default rule. */
  outcomes?: Record<string, ViesSimulatedOutcome>;
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A stand-in for VIES' checkVatService on a loopback port, speaking its SOAP: used by default outside
 * production (logged as such), and by the tests as test/fakes/vies. Default rule: a number ending in
 * 0000 is not registered, every other one is valid; `outcomes` overrides per VAT ID.
 */
export class ViesSimulator {
  private server?: Server;
  readonly requests: RecordedViesRequest[] = [];
  private readonly outcomes: Map<string, ViesSimulatedOutcome>;

  constructor(options: ViesSimulatorOptions = {}) {
    this.outcomes = new Map(Object.entries(options.outcomes ?? {}));
  }

  set(vatId: string, outcome: ViesSimulatedOutcome): void {
    this.outcomes.set(vatId, outcome);
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const { status, body } = this.answer(req.method ?? '', raw);
        res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    return `http://${host}:${address.port}/taxation_customs/vies/services/checkVatService`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private answer(method: string, raw: string): { status: number; body: string } {
    if (method !== 'POST' || !raw.includes('checkVatApprox')) return fault('INVALID_REQUEST');
    const countryCode = elementText(raw, 'countryCode') ?? '';
    const vatNumber = elementText(raw, 'vatNumber') ?? '';
    this.requests.push({
      countryCode,
      vatNumber,
      requesterCountryCode: elementText(raw, 'requesterCountryCode'),
      requesterVatNumber: elementText(raw, 'requesterVatNumber'),
      rawBody: raw,
    });
    if (!/^[A-Z]{2}$/.test(countryCode) || vatNumber === '') return fault('INVALID_INPUT');
    const outcome =
      this.outcomes.get(`${countryCode}${vatNumber}`) ?? (vatNumber.endsWith('0000') ? 'invalid' : 'valid');
    if (typeof outcome === 'object') return fault(outcome.fault);
    const valid = outcome === 'valid';
    const today = new Date().toISOString().slice(0, 10);
    return {
      status: 200,
      body:
        `<env:Envelope xmlns:env="${SOAP_ENVELOPE}"><env:Header/><env:Body>` +
        `<ns2:checkVatApproxResponse xmlns:ns2="${VIES_NAMESPACE}">` +
        `<ns2:countryCode>${escapeXml(countryCode)}</ns2:countryCode>` +
        `<ns2:vatNumber>${escapeXml(vatNumber)}</ns2:vatNumber>` +
        `<ns2:requestDate>${today}+01:00</ns2:requestDate>` +
        `<ns2:valid>${valid}</ns2:valid>` +
        `<ns2:traderName>${valid ? `SIMULATED TRADER ${escapeXml(countryCode)}` : '---'}</ns2:traderName>` +
        `<ns2:traderCompanyType>---</ns2:traderCompanyType>` +
        `<ns2:traderAddress>${valid ? 'SIMULATED ADDRESS' : '---'}</ns2:traderAddress>` +
        `<ns2:requestIdentifier>${valid ? `WAPI${randomBytes(6).toString('hex').toUpperCase()}` : ''}</ns2:requestIdentifier>` +
        `</ns2:checkVatApproxResponse></env:Body></env:Envelope>`,
    };
  }
}

const fault = (code: string): { status: number; body: string } => ({
  status: 500,
  body:
    `<env:Envelope xmlns:env="${SOAP_ENVELOPE}"><env:Body><env:Fault>` +
    `<faultcode>env:Server</faultcode><faultstring>${escapeXml(code)}</faultstring>` +
    `</env:Fault></env:Body></env:Envelope>`,
});
