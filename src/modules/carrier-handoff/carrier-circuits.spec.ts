import { describe, expect, it } from '@jest/globals';
import { CarrierRejected, CarrierUnavailable } from './carrier.port.js';
import { CarrierCircuits } from './carrier-circuits.js';

const unavailable = (): Promise<never> => Promise.reject(new CarrierUnavailable('dhl', 'server-error', 503));

describe('the circuit breaker per carrier', () => {
  it('opens after the configured consecutive failures and then fails fast without calling the carrier', async () => {
    const circuits = new CarrierCircuits({ failures: 3, halfOpenAfterMs: 60_000 });
    for (let i = 0; i < 3; i += 1) {
      await expect(circuits.execute('dhl', unavailable)).rejects.toMatchObject({ reason: 'server-error' });
    }
    expect(circuits.state('dhl')).toBe('open');
    let called = false;
    await expect(
      circuits.execute('dhl', () => {
        called = true;
        return Promise.resolve('created');
      }),
    ).rejects.toMatchObject({ name: 'CarrierUnavailable', reason: 'circuit-open' });
    expect(called).toBe(false);
  });

  it('keeps one circuit per carrier: DHL being down does not stop dpd', async () => {
    const circuits = new CarrierCircuits({ failures: 1, halfOpenAfterMs: 60_000 });
    await expect(circuits.execute('dhl', unavailable)).rejects.toBeInstanceOf(CarrierUnavailable);
    expect(circuits.state('dhl')).toBe('open');
    await expect(circuits.execute('dpd', () => Promise.resolve('ok'))).resolves.toBe('ok');
    expect(circuits.state('dpd')).toBe('closed');
  });

  it('does not count a refused request (4xx) as a sign the carrier is down', async () => {
    const circuits = new CarrierCircuits({ failures: 1, halfOpenAfterMs: 60_000 });
    await expect(
      circuits.execute('hermes', () => Promise.reject(new CarrierRejected('hermes', 400))),
    ).rejects.toBeInstanceOf(CarrierRejected);
    expect(circuits.state('hermes')).toBe('closed');
  });

  it('lets one trial call through after the break and closes again when it succeeds', async () => {
    const circuits = new CarrierCircuits({ failures: 1, halfOpenAfterMs: 50 });
    await expect(circuits.execute('dpd', unavailable)).rejects.toBeInstanceOf(CarrierUnavailable);
    await new Promise((resolve) => setTimeout(resolve, 80));
    await expect(circuits.execute('dpd', () => Promise.resolve('ok'))).resolves.toBe('ok');
    expect(circuits.state('dpd')).toBe('closed');
  });
});
