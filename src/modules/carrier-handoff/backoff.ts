export interface BackoffSettings {
  /** The delay after the first failed attempt. */
  baseSeconds: number;
  maxSeconds: number;
}

/**
 * Seconds to wait after failed attempt number `attempt` (1-based): exponential, `base × 2^(attempt-1)`,
 * capped, with "equal jitter" (half fixed, half random) so that shipments failing together during an
 * outage do not all come back in the same second. `random` is injectable for tests.
 */
export function backoffSeconds(attempt: number, settings: BackoffSettings, random = Math.random): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(settings.maxSeconds, settings.baseSeconds * 2 ** exponent);
  return Math.max(1, Math.round(ceiling / 2 + (ceiling / 2) * random()));
}
