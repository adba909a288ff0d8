import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PAYMENT_METHOD_REGISTRY } from './payment-methods.js';
import type { PaymentMethod, PaymentProvider } from './payment-provider.port.js';
import { methodUnavailable } from './payments.problems.js';
import { PAYMENTS_SETUP, type PaymentsSetup } from './payments.setup.js';

/** The provider adapters the configuration set up, keyed by provider id, and their simulators' lifetime. */
@Injectable()
export class PaymentProviders implements OnApplicationShutdown {
  constructor(@Inject(PAYMENTS_SETUP) private readonly setup: PaymentsSetup) {}

  get(id: string): PaymentProvider | undefined {
    if (id === 'stripe') return this.setup.stripe;
    if (id === 'paypal') return this.setup.paypal;
    return undefined;
  }

  /** The adapter that takes `method`, or a 503 problem when that provider is not configured. */
  forMethod(method: PaymentMethod): PaymentProvider {
    const provider = this.get(PAYMENT_METHOD_REGISTRY[method].provider);
    if (!provider) throw methodUnavailable(method);
    return provider;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.setup.close();
  }
}
