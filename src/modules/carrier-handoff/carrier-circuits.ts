import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleType,
  IsolatedCircuitError,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { CarrierUnavailable, type CarrierId } from './carrier.port.js';

export interface CircuitSettings {
  /** Consecutive failed calls that open the circuit. */
  failures: number;
  /** How long it stays open before one trial call may close it again. */
  halfOpenAfterMs: number;
}

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * One circuit breaker (cockatiel) per carrier: after `failures` consecutive calls that found the carrier
 * unavailable (5xx, timeouts, network), calls to it fail fast as `CarrierUnavailable('circuit-open')`
 * instead of piling up on a carrier that is down; after `halfOpenAfterMs` one call may try again. A
 * carrier's refusal of a request (CarrierRejected, a 4xx) says nothing about its health and does not
 * count. Per process on purpose: each instance learns the carrier's health from its own calls, and
 * nothing another instance needs is kept here.
 */
export class CarrierCircuits {
  private readonly breakers = new Map<CarrierId, CircuitBreakerPolicy>();

  constructor(private readonly settings: CircuitSettings) {}

  async execute<T>(carrier: CarrierId, call: () => Promise<T>): Promise<T> {
    try {
      return await this.breaker(carrier).execute(call);
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        throw new CarrierUnavailable(carrier, 'circuit-open');
      }
      throw error;
    }
  }

  state(carrier: CarrierId): CircuitStateName {
    const breaker = this.breakers.get(carrier);
    return breaker ? STATE_NAMES[breaker.state] : 'closed';
  }

  private breaker(carrier: CarrierId): CircuitBreakerPolicy {
    let breaker = this.breakers.get(carrier);
    if (!breaker) {
      breaker = circuitBreaker(handleType(CarrierUnavailable), {
        halfOpenAfter: this.settings.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(this.settings.failures),
      });
      this.breakers.set(carrier, breaker);
    }
    return breaker;
  }
}
