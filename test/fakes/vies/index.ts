import {
  ViesSimulator,
  type ViesSimulatedOutcome,
  type RecordedViesRequest,
} from '../../../src/modules/business-customers/vies/vies-simulator.js';

/** VIES for tests: the shipped simulator on an ephemeral loopback port; `env` points the app at it. */
export interface FakeVies {
  url: string;
  env: Record<string, string>;
  requests: readonly RecordedViesRequest[];
  set(vatId: string, outcome: ViesSimulatedOutcome): void;
  stop(): Promise<void>;
}

export async function startFakeVies(outcomes: Record<string, ViesSimulatedOutcome> = {}): Promise<FakeVies> {
  const simulator = new ViesSimulator({ outcomes });
  const url = await simulator.start(0, '127.0.0.1');
  return {
    url,
    env: { VIES_URL: url },
    get requests() {
      return simulator.requests;
    },
    set: (vatId, outcome) => simulator.set(vatId, outcome),
    stop: () => simulator.stop(),
  };
}
