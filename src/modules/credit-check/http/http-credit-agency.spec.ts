import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type AddressInfo } from 'node:net';
import { CreditAgencyUnavailable, type CreditAgencyRequest } from '../credit-agency.port.js';
import { CreditAgencySimulator } from '../simulator/credit-agency-simulator.js';
import { HttpCreditAgency, parseAnswer } from './http-credit-agency.js';

/** A loopback port nobody listens on (the OS picked it, then it was closed again). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const person: CreditAgencyRequest = {
  reference: '5a4c1d1e-8f0b-4b53-9d3c-0c8f3b7a2f10',
  firstName: 'Erika',
  lastName: 'Mustermann',
  street: 'Siemensring',
  houseNumber: '98',
  postalCode: '47877',
  city: 'Willich',
  country: 'DE',
};

describe('the HTTP credit agency adapter', () => {
  const simulator = new CreditAgencySimulator({ apiKey: 'right-key', slowMs: 2_000 });
  let url: string;
  const agency = (apiKey = 'right-key', timeoutMs = 1_000): HttpCreditAgency =>
    new HttpCreditAgency({
      name: 'Simulator',
      configured: true,
      endpoint: () => Promise.resolve({ baseUrl: `${url}/`, apiKey }),
      timeoutMs,
    });

  beforeAll(async () => {
    url = await simulator.start();
  });
  afterAll(async () => {
    await simulator.stop();
  });

  it('sends the request as JSON with the API key and reads the traffic light', async () => {
    simulator.clear();
    await expect(agency().check(person)).resolves.toMatchObject({ result: 'green', score: 97.8 });
    const [request] = simulator.requests;
    expect(request.path).toBe('/v1/checks');
    expect(request.headers['x-api-key']).toBe('right-key');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toEqual(person);
  });

  it('reads red, yellow and a demand for the date of birth', async () => {
    await expect(agency().check({ ...person, lastName: 'Rotmann' })).resolves.toMatchObject({
      result: 'red',
    });
    await expect(agency().check({ ...person, lastName: 'Gelbert' })).resolves.toMatchObject({
      result: 'yellow',
    });
    await expect(agency().check({ ...person, lastName: 'Geburtig' })).resolves.toMatchObject({
      requiresDateOfBirth: true,
    });
  });

  it('reports failures by status, timeout or network code only, never with a value of the request', async () => {
    const nowhere = `http://127.0.0.1:${await closedPort()}`;
    const failures: (() => Promise<unknown>)[] = [
      () => agency('wrong-key').check(person),
      () => agency().check({ ...person, lastName: 'Fehlermann' }),
      () => agency('right-key', 300).check({ ...person, lastName: 'Langsam' }),
      () =>
        new HttpCreditAgency({
          name: 'Nowhere',
          configured: true,
          endpoint: () => Promise.resolve({ baseUrl: nowhere, apiKey: '' }),
          timeoutMs: 1_000,
        }).check(person),
    ];
    const messages: string[] = [];
    for (const failure of failures) {
      const error = await failure().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CreditAgencyUnavailable);
      messages.push((error as Error).message);
    }
    expect(messages[0]).toMatch(/HTTP 401/);
    expect(messages[1]).toMatch(/HTTP 503/);
    expect(messages[2]).toMatch(/did not answer within 300 ms/);
    expect(messages[3]).toMatch(/could not be reached \(ECONNREFUSED\)/);
    for (const message of messages) expect(message).not.toMatch(/Erika|Mustermann|Siemensring|Willich|47877/);
  });

  it('refuses an answer it cannot read instead of guessing', () => {
    expect(() => parseAnswer({ agencyReference: 'A1', result: 'amber' })).toThrow(CreditAgencyUnavailable);
    expect(() => parseAnswer({ result: 'green' })).toThrow(CreditAgencyUnavailable);
    expect(() => parseAnswer({ agencyReference: 'A1', result: 'green', score: 'high' })).toThrow(
      CreditAgencyUnavailable,
    );
    expect(parseAnswer({ agencyReference: 'A1', result: 'green', score: null })).toEqual({
      agencyReference: 'A1',
      result: 'green',
    });
  });
});
