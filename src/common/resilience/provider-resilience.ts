import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  IsolatedCircuitError,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from 'cockatiel';

/** How calls to one external provider are bounded (timeouts, breaker, retries). */
export interface ResilienceSettings {
  /** Each attempt is abandoned after this long (the caller gets an error; the provider's answer is ignored). */
  timeoutMs: number;
  /** Further attempts after the first, for calls that are safe to repeat; 0: none. */
  retries: number;
  /** Consecutive outage failures that open the breaker. */
  breakerFailures: number;
  /** How long the breaker stays open before one trial call may close it again. */
  halfOpenAfterMs: number;
  /** Delay before the first retry (doubled each time, with jitter, at most 8×). */
  retryBaseDelayMs?: number;
}

/** The breaker is open: the provider was not called. `retryAfterSeconds` is when a trial call may be made. */
export class ProviderCircuitOpen extends Error {
  constructor(
    readonly provider: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`${provider}: circuit open after repeated failures, not called`);
    this.name = 'ProviderCircuitOpen';
  }
}

/** An attempt took longer than the configured timeout. */
export class ProviderTimeout extends Error {
  constructor(
    readonly provider: string,
    readonly timeoutMs: number,
  ) {
    super(`${provider} did not answer within ${timeoutMs} ms`);
    this.name = 'ProviderTimeout';
  }
}

export type BreakerStateName = 'closed' | 'open' | 'half-open' | 'isolated';

const STATE_NAMES: Record<CircuitState, BreakerStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * Timeouts, a circuit breaker and bounded retries (cockatiel) around the calls to one provider.
 * `isOutage` says which errors mean "the provider is unwell" (timeouts, 5xx, network): only those count
 * for the breaker and only those are retried; a refusal (a 4xx) is passed on at once. Retries happen only
 * where the caller says the call is safe to repeat (a read, or a write carrying an idempotency key the
 * provider honours). Per process on purpose: each instance learns the provider's health from its own calls.
 */
export class ProviderResilience {
  private readonly breaker: CircuitBreakerPolicy;
  private readonly once: IPolicy;
  private readonly repeated: IPolicy;
  private openedAt = 0;

  constructor(
    readonly provider: string,
    private readonly settings: ResilienceSettings,
    isOutage: (error: unknown) => boolean,
  ) {
    const outage = (error: unknown): boolean => error instanceof ProviderTimeout || isOutage(error);
    this.breaker = circuitBreaker(handleWhen(outage), {
      halfOpenAfter: settings.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(settings.breakerFailures),
    });
    this.breaker.onBreak(() => {
      this.openedAt = Date.now();
    });
    const perAttempt = timeout(settings.timeoutMs, TimeoutStrategy.Aggressive);
    this.once = wrap(this.breaker, perAttempt);
    const base = settings.retryBaseDelayMs ?? 100;
    this.repeated = wrap(
      retry(handleWhen(outage), {
        maxAttempts: settings.retries,
        backoff: new ExponentialBackoff({ initialDelay: base, maxDelay: base * 8 }),
      }),
      this.breaker,
      perAttempt,
    );
  }

  /**
   * Runs `call` under the policies. `repeatable`: the call may be sent again after an outage error.
   * Throws ProviderCircuitOpen when the breaker is open, ProviderTimeout when an attempt timed out.
   */
  async execute<T>(call: (signal: AbortSignal) => Promise<T>, repeatable: boolean): Promise<T> {
    try {
      return await (repeatable ? this.repeated : this.once).execute(({ signal }) => call(signal));
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError)
        throw new ProviderCircuitOpen(this.provider, this.retryAfterSeconds());
      if (error instanceof TaskCancelledError)
        throw new ProviderTimeout(this.provider, this.settings.timeoutMs);
      throw error;
    }
  }

  get state(): BreakerStateName {
    return STATE_NAMES[this.breaker.state];
  }

  private retryAfterSeconds(): number {
    const left = this.openedAt + this.settings.halfOpenAfterMs - Date.now();
    return Math.max(1, Math.ceil(left / 1000));
  }
}
