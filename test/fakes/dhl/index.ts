import {
  DhlSimulator,
  type DhlSimulatorOptions,
} from '../../../src/modules/carrier-handoff/simulators/dhl-simulator.js';

/**
 * DHL for the e2e tests: the shipped simulator (src/modules/carrier-handoff/simulators, which speaks the
 * Parcel DE Shipping API v2 on the wire) on an ephemeral loopback port, with credentials of its own.
 * `env` points the shop's DHL adapter at it; `simulator` records every request, keeps the shipments it
 * created (`shipmentsFor(reference)`), and can be told to fail (`failNext`, `failFor`), to answer
 * slowly (`latencyMs`, `delayMs`), to hang (timeouts) or to hold its answers (`holdCreates`).
 */
export interface FakeDhl {
  simulator: DhlSimulator;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startFakeDhl(options: DhlSimulatorOptions = {}): Promise<FakeDhl> {
  const simulator = new DhlSimulator(options);
  await simulator.start();
  return { simulator, env: simulator.env(), stop: () => simulator.close() };
}
