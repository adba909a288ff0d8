import { Injectable, Logger } from '@nestjs/common';
import { ActorContext, Discloser, PrivacyError } from '@app/privacy';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PaymentOutcomes, type OutcomeResult } from './payment-outcomes.js';
import {
  WebhookSignatureInvalid,
  type ProviderPayment,
  type RawWebhook,
  type WebhookEvent,
} from './payment-provider.port.js';
import { PaymentProviders } from './payment-providers.js';
import { PAYMENT_COLUMNS, providerIdempotencyKey, type PaymentRow } from './payment-records.js';
import { PAYMENT_ACTIVITY_ID } from './payments.declarations.js';
import { providerFailure, providerNotConfigured, webhookSignatureInvalid } from './payments.problems.js';

export interface WebhookAnswer {
  received: true;
  eventId: string;
  outcome: string;
}

/**
 * The providers' webhooks: verified on the exact bytes received (a bad signature is a 400 and changes
 * nothing), then applied through PaymentOutcomes (each event once; money only when the amount and
 * currency match; mismatches flagged for staff). Everything verified is answered 200, a flagged event
 * too: the provider must not keep retrying what staff now handle. An unexpected error is a 500, and the
 * provider's retry applies the event later (its id was not stored: the transaction rolled back).
 */
@Injectable()
export class PaymentWebhooks {
  private readonly logger = new Logger(PaymentWebhooks.name);

  constructor(
    private readonly providers: PaymentProviders,
    private readonly outcomes: PaymentOutcomes,
    private readonly discloser: Discloser,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async receive(providerId: 'stripe' | 'paypal', webhook: RawWebhook): Promise<WebhookAnswer> {
    const provider = this.providers.get(providerId);
    if (!provider) throw providerNotConfigured(providerId);
    let event: WebhookEvent;
    try {
      event = await provider.parseWebhook(webhook);
    } catch (error) {
      if (!(error instanceof WebhookSignatureInvalid)) throw error;
      // The reason stays in the log (no personal data in it); the sender learns only that it failed.
      this.logger.warn(error.message);
      throw webhookSignatureInvalid();
    }
    const result = await ActorContext.run({ type: 'system', id: `webhook:${providerId}` }, () =>
      this.apply(providerId, event),
    );
    if (result.outcome === 'flagged' || result.outcome === 'unknown-payment')
      this.logger.warn(
        `${providerId} event ${event.id} (${event.type}) flagged for staff: ${result.flagReason ?? result.outcome}`,
      );
    return {
      received: true,
      eventId: event.id,
      outcome: result.flagReason ? `flagged:${result.flagReason}` : result.outcome,
    };
  }

  private async apply(providerId: 'stripe' | 'paypal', event: WebhookEvent): Promise<OutcomeResult> {
    const about = { id: event.id, type: event.type };
    switch (event.kind) {
      case 'succeeded':
        if (!event.reference || event.receivedCents === undefined || !event.currency)
          return this.outcomes.noted(providerId, about, 'ignored');
        return this.outcomes.moneyReceived({
          provider: providerId,
          reference: event.reference,
          captureReference: event.captureReference,
          receivedCents: event.receivedCents,
          currency: event.currency,
          event: about,
          source: 'webhook',
        });
      case 'approved':
        return this.captureApproved(providerId, event);
      case 'failed':
      case 'cancelled':
        if (!event.reference) return this.outcomes.noted(providerId, about, 'ignored');
        return this.outcomes.paymentEnded({
          provider: providerId,
          reference: event.reference,
          status: event.kind,
          event: about,
        });
      case 'declined':
        // The customer may try again (another card): the payment stays open.
        return this.outcomes.noted(providerId, about, 'recorded', event.reference);
      case 'ignored':
        return this.outcomes.noted(providerId, about, 'ignored', event.reference);
    }
  }

  /**
   * The buyer approved at PayPal but the storefront may never call capture (a closed tab): capture here.
   * The capture is idempotent (the same PayPal-Request-Id as the storefront's), so both paths together
   * still take the money once.
   */
  private async captureApproved(
    providerId: 'stripe' | 'paypal',
    event: WebhookEvent,
  ): Promise<OutcomeResult> {
    const about = { id: event.id, type: event.type };
    if (await this.outcomes.seen(providerId, event.id)) return { outcome: 'duplicate' };
    const rows: PaymentRow[] = await this.dataSource.query(
      `select ${PAYMENT_COLUMNS} from payment where provider = $1 and provider_reference = $2`,
      [providerId, event.reference ?? ''],
    );
    const payment = rows[0];
    const provider = this.providers.get(providerId);
    if (!payment || payment.status !== 'pending' || !provider || !payment.provider_reference)
      return this.outcomes.noted(providerId, about, 'recorded', event.reference);
    const reference = payment.provider_reference;
    let captured: ProviderPayment;
    try {
      captured = await this.discloser.disclose({
        activityId: PAYMENT_ACTIVITY_ID,
        recipientId: provider.id,
        subjectId: payment.subject_id,
        payload: { paymentReference: reference },
        send: () =>
          provider.capture(
            reference,
            providerIdempotencyKey(payment.order_id, payment.idempotency_key, 'capture'),
          ),
      });
    } catch (error) {
      if (error instanceof PrivacyError) throw error;
      // Not stored as seen: the provider delivers the event again later and the capture (same key) is retried.
      this.logger.warn(`capture of payment ${payment.id} after ${event.type}: ${(error as Error).message}`);
      throw providerFailure(error);
    }
    if (captured.status !== 'succeeded' || captured.receivedCents === undefined)
      return this.outcomes.noted(providerId, about, 'recorded', reference);
    return this.outcomes.moneyReceived({
      provider: providerId,
      reference,
      captureReference: captured.captureReference,
      receivedCents: captured.receivedCents,
      currency: captured.currency,
      event: about,
      source: 'capture',
    });
  }
}
