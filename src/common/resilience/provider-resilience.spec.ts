import { describe, expect, it } from '@jest/globals';
import { ProviderCircuitOpen, ProviderResilience, ProviderTimeout } from './provider-resilience.js';

class HttpError extends Error {
  constructor(readonly statusCode: number) {
    super(`HTTP ${statusCode}`);
  }
}
const outage = (e: unknown): boolean => !(e instanceof HttpError) || e.statusCode >= 500;
const settings = {
  timeoutMs: 100,
  retries: 2,
  breakerFailures: 3,
  halfOpenAfterMs: 200,
  retryBaseDelayMs: 1,
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ProviderResilience', () => {
  it('retries an outage of a repeatable call at most `retries` times, then passes the error on', async () => {
    const r = new ProviderResilience('p', { ...settings, breakerFailures: 10 }, outage);
    let calls = 0;
    await expect(
      r.execute(() => {
        calls += 1;
        return Promise.reject(new HttpError(503));
      }, true),
    ).rejects.toThrow('HTTP 503');
    expect(calls).toBe(3);
  });

  it('sends a call that is not repeatable once, and never retries a refusal', async () => {
    const r = new ProviderResilience('p', { ...settings, breakerFailures: 10 }, outage);
    let calls = 0;
    const failing = (status: number) => () => {
      calls += 1;
      return Promise.reject(new HttpError(status));
    };
    await expect(r.execute(failing(503), false)).rejects.toThrow('HTTP 503');
    expect(calls).toBe(1);
    await expect(r.execute(failing(400), true)).rejects.toThrow('HTTP 400');
    expect(calls).toBe(2);
  });

  it('abandons an attempt after the timeout and succeeds on the retry', async () => {
    const r = new ProviderResilience('p', settings, outage);
    let calls = 0;
    const started = Date.now();
    const answer = await r.execute(async () => {
      calls += 1;
      if (calls === 1) await sleep(1000);
      return 'ok';
    }, true);
    expect(answer).toBe('ok');
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('answers ProviderTimeout when every attempt times out', async () => {
    const r = new ProviderResilience('p', { ...settings, retries: 0 }, outage);
    await expect(r.execute(() => sleep(500), true)).rejects.toBeInstanceOf(ProviderTimeout);
  });

  it('opens after consecutive outages (refusals do not count), fails fast, and closes after a good trial call', async () => {
    const r = new ProviderResilience('p', { ...settings, retries: 0 }, outage);
    for (let i = 0; i < 5; i++)
      await expect(r.execute(() => Promise.reject(new HttpError(404)), true)).rejects.toThrow('HTTP 404');
    expect(r.state).toBe('closed');
    for (let i = 0; i < 3; i++)
      await expect(r.execute(() => Promise.reject(new HttpError(500)), true)).rejects.toThrow('HTTP 500');
    expect(r.state).toBe('open');
    let called = false;
    const refused = r.execute(() => {
      called = true;
      return Promise.resolve('x');
    }, true);
    await expect(refused).rejects.toBeInstanceOf(ProviderCircuitOpen);
    await refused.catch((e: ProviderCircuitOpen) => expect(e.retryAfterSeconds).toBe(1));
    expect(called).toBe(false);
    await sleep(250);
    await expect(r.execute(() => Promise.resolve('back'), true)).resolves.toBe('back');
    expect(r.state).toBe('closed');
  });
});
