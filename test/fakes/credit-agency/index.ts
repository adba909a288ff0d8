import {
  CreditAgencySimulator,
  type CreditAgencySimulatorOptions,
  type RecordedAgencyRequest,
} from '../../../src/modules/credit-check/simulator/credit-agency-simulator.js';

export const FAKE_AGENCY_API_KEY = 'fake-agency-key-0123456789';

/**
 * The credit agency for tests: the shipped simulator on an ephemeral loopback port, with a known API key.
 * `env` points the app's HTTP adapter at it; `requests` / `bodies()` are what the agency received.
 */
export interface FakeCreditAgency {
  url: string;
  apiKey: string;
  env: Record<string, string>;
  requests: readonly RecordedAgencyRequest[];
  /** The parsed JSON bodies of the checks received, oldest first. */
  bodies(): Record<string, unknown>[];
  /** The Art. 19 notices received (POST /v1/data-subject-notices), parsed, oldest first. */
  privacyNotices(): Record<string, unknown>[];
  clear(): void;
  stop(): Promise<void>;
}

export async function startFakeCreditAgency(
  options: CreditAgencySimulatorOptions = {},
): Promise<FakeCreditAgency> {
  const apiKey = options.apiKey ?? FAKE_AGENCY_API_KEY;
  const simulator = new CreditAgencySimulator({ ...options, apiKey });
  const url = await simulator.start(0, '127.0.0.1');
  return {
    url,
    apiKey,
    env: {
      CREDIT_AGENCY_URL: url,
      CREDIT_AGENCY_API_KEY: apiKey,
      CREDIT_AGENCY_NAME: 'Fake Auskunftei AG',
    },
    get requests() {
      return simulator.requests;
    },
    bodies: () =>
      simulator.requests.filter((r) => r.path === '/v1/checks').map((r) => r.body as Record<string, unknown>),
    privacyNotices: () =>
      simulator.requests
        .filter((r) => r.path === '/v1/data-subject-notices')
        .map((r) => r.body as Record<string, unknown>),
    clear: () => simulator.clear(),
    stop: () => simulator.stop(),
  };
}
