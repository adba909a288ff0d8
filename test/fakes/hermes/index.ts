import {
  HermesSimulator,
  type HermesSimulatorOptions,
} from '../../../src/modules/carrier-handoff/simulators/hermes-simulator.js';

/**
 * Hermes for the e2e tests: the shipped HSI simulator (OAuth2 password grant, shipment orders with
 * labels, lookup, cancellation, tracking) on an ephemeral loopback port. See test/fakes/dhl for what
 * the simulator records and how it is told to fail.
 */
export interface FakeHermes {
  simulator: HermesSimulator;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startFakeHermes(options: HermesSimulatorOptions = {}): Promise<FakeHermes> {
  const simulator = new HermesSimulator(options);
  await simulator.start();
  return { simulator, env: simulator.env(), stop: () => simulator.close() };
}
