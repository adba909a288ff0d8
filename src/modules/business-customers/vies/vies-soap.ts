/**
 * The wire format of VIES' checkVatService (WSDL
 * https://ec.europa.eu/taxation_customs/vies/checkVatService.wsdl): SOAP 1.1 over HTTP POST,
 * namespace urn:ec.europa.eu:taxud:vies:services:checkVat:types. The shop sends checkVatApprox with
 * its own VAT ID as requester, so that VIES answers a requestIdentifier (the consultation number
 * that proves the check was made).
 */
export const VIES_NAMESPACE = 'urn:ec.europa.eu:taxud:vies:services:checkVat:types';
export const SOAP_ENVELOPE = 'http://schemas.xmlsoap.org/soap/envelope/';

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function checkVatApproxRequest(input: {
  countryCode: string;
  vatNumber: string;
  requesterCountryCode: string;
  requesterVatNumber: string;
}): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE}" xmlns:urn="${VIES_NAMESPACE}">` +
    `<soapenv:Header/><soapenv:Body><urn:checkVatApprox>` +
    `<urn:countryCode>${escapeXml(input.countryCode)}</urn:countryCode>` +
    `<urn:vatNumber>${escapeXml(input.vatNumber)}</urn:vatNumber>` +
    `<urn:requesterCountryCode>${escapeXml(input.requesterCountryCode)}</urn:requesterCountryCode>` +
    `<urn:requesterVatNumber>${escapeXml(input.requesterVatNumber)}</urn:requesterVatNumber>` +
    `</urn:checkVatApprox></soapenv:Body></soapenv:Envelope>`
  );
}

/** The text of the first element with this local name, whatever its namespace prefix. */
export function elementText(xml: string, localName: string): string | null {
  const match = new RegExp(
    `<(?:[A-Za-z0-9_-]+:)?${localName}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[A-Za-z0-9_-]+:)?${localName}>`,
  ).exec(xml);
  if (!match) return null;
  return match[1]
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

export interface ParsedViesResponse {
  fault: string | null;
  valid: boolean | null;
  requestIdentifier: string | null;
  traderName: string | null;
  requestDate: string | null;
}

export function parseCheckVatApproxResponse(xml: string): ParsedViesResponse {
  const fault = elementText(xml, 'faultstring');
  const valid = elementText(xml, 'valid');
  const name = elementText(xml, 'traderName');
  return {
    fault,
    valid: valid === null ? null : valid === 'true',
    requestIdentifier: elementText(xml, 'requestIdentifier') || null,
    // VIES answers "---" where a member state does not disclose the name.
    traderName: name && name !== '---' ? name : null,
    requestDate: elementText(xml, 'requestDate'),
  };
}
