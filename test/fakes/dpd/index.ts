import {
  DpdSimulator,
  type DpdSimulatorOptions,
} from '../../../src/modules/carrier-handoff/simulators/dpd-simulator.js';

/**
 * dpd for the e2e tests: the shipped Cloud Web Service simulator (setOrder, lookup, cancellation,
 * parcel life cycle) on an ephemeral loopback port. See test/fakes/dhl for what the simulator records
 * and how it is told to fail.
 */
export interface FakeDpd {
  simulator: DpdSimulator;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startFakeDpd(options: DpdSimulatorOptions = {}): Promise<FakeDpd> {
  const simulator = new DpdSimulator(options);
  await simulator.start();
  return { simulator, env: simulator.env(), stop: () => simulator.close() };
}
