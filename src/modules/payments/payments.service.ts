import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Discloser, PrivacyError, ProcessingGuard } from '@app/privacy';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '@app/core';
import { ProblemException } from '../../common/problem/problem.js';
import { CREDIT_APPROVAL, type CreditApproval } from './credit-approval.port.js';
import { OrderGateway, PAYABLE_STATUSES, isPaid, type PayableOrder } from './order-gateway.js';
import { PAYMENT_METHOD_REGISTRY } from './payment-methods.js';
import { PaymentOutcomes } from './payment-outcomes.js';
import type { PaymentDisclosure, ProviderPayment } from './payment-provider.port.js';
import { PaymentProviders } from './payment-providers.js';
import {
  PAYMENT_COLUMNS,
  actionFields,
  isUniqueViolation,
  keyedAndOpen,
  openPayment,
  paymentByKey,
  paymentView,
  paymentsOfOrder,
  providerIdempotencyKey,
  returned,
  type PaymentRow,
  type PaymentView,
} from './payment-records.js';
import { PAYMENT_ACTIVITY_ID } from './payments.declarations.js';
import {
  creditCheckUnavailable,
  creditReviewPending,
  field,
  noOpenPayment,
  orderAlreadyPaid,
  orderNotPayable,
  paymentFailed,
  paymentMethodDeclined,
  paymentNotApproved,
  providerRejected,
  providerFailure,
  providerUnavailable,
} from './payments.problems.js';
import { PAYMENTS_SETUP, type PaymentsSetup } from './payments.setup.js';
import { maskIban, newMandateReference, parseIban } from './sepa/iban.js';

/** How long a request waits for another that is creating the same payment at the provider right now. */
const CREATION_WAIT_MS = 5000;

/** The same alphabet and length as order placement's Idempotency-Key. */
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,200}$/;

export interface SepaMandateInput {
  iban: string;
  accountHolder: string;
  accepted: boolean;
}

export interface StartPaymentInput {
  idempotencyKey?: string;
  sepaMandate?: SepaMandateInput;
  /** Only for a credit check that asked for it; passed on to the check, never stored here. */
  dateOfBirth?: string;
}

export interface StartedPayment {
  payment: PaymentView;
  /** false when an earlier request (same key, or the open payment of the order) is answered again. */
  created: boolean;
}

/** A provider's answer to a request it will never accept as it stands (not a timeout, not a 5xx). */
function isDefinitiveRefusal(error: unknown): boolean {
  const status = (error as { statusCode?: number } | undefined)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 409 && status !== 429;
}

/**
 * Starting, resuming and capturing the payment of an order. A payment row is written before the
 * provider is called (the partial unique index allows one open payment per order), the provider gets
 * an idempotency key derived from the order and the client's key, and every retry, concurrent request
 * or crash in between ends at the same provider object: nothing is created or charged twice.
 */
@Injectable()
export class PaymentsService {
  private readonly logger = new Logger(PaymentsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(PAYMENTS_SETUP) private readonly setup: PaymentsSetup,
    private readonly providers: PaymentProviders,
    private readonly outcomes: PaymentOutcomes,
    private readonly orders: OrderGateway,
    private readonly discloser: Discloser,
    private readonly guard: ProcessingGuard,
    @Optional() @Inject(CREDIT_APPROVAL) private readonly credit?: CreditApproval,
  ) {}

  async start(order: PayableOrder, input: StartPaymentInput): Promise<StartedPayment> {
    const entry = PAYMENT_METHOD_REGISTRY[order.paymentMethod];
    if (input.idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(input.idempotencyKey))
      throw field('Idempotency-Key', 'must be 8 to 200 characters: letters, digits, "-", "_", ":" or "."');
    if (order.paymentMethod !== 'sepa_debit' && input.sepaMandate)
      throw field(
        'sepaMandate',
        `is only for SEPA direct debit; this order is paid by ${order.paymentMethod}`,
      );
    if (!entry.needsCreditApproval && input.dateOfBirth)
      throw field('dateOfBirth', 'is asked only by the credit check of SEPA direct debit and invoice');

    const key = input.idempotencyKey ?? randomUUID();
    if (!PAYABLE_STATUSES.includes(order.status)) {
      // A retry of a payment that went through answers that payment; anything else is refused.
      const { keyed } = await keyedAndOpen(this.dataSource.manager, order.id, key);
      if (keyed) return { payment: await this.resume(keyed, order), created: false };
      throw isPaid(order.status)
        ? orderAlreadyPaid(order.number)
        : orderNotPayable(order.number, order.status);
    }
    if (entry.recipient) {
      // A provider that is not configured is answered before anything is written.
      this.providers.forMethod(order.paymentMethod);
      // The common case first: a new payment. Only when the key or the order's open payment exists already
      // (the insert writes nothing then) is the earlier payment read and answered.
      const row = await this.insertPayment(order, key, { provider: entry.provider });
      if (row) return { payment: await this.createAtProvider(row, order), created: true };
    }
    const { keyed, open } = await keyedAndOpen(this.dataSource.manager, order.id, key);
    if (keyed) return { payment: await this.resume(keyed, order), created: false };
    if (open?.method === order.paymentMethod)
      return { payment: await this.resume(open, order), created: false };
    if (open) await this.abandon(open);

    if (entry.needsCreditApproval) await this.requireCreditApproval(order, input.dateOfBirth);
    switch (entry.provider) {
      case 'stripe':
      case 'paypal':
        return this.startAtProvider(order, key);
      case 'sepa':
        return this.startSepaDebit(order, key, input.sepaMandate);
      case 'invoice':
        return this.startInvoice(order, key);
    }
  }

  /** The order's payments, newest first. */
  async list(order: PayableOrder): Promise<PaymentView[]> {
    const rows = await paymentsOfOrder(this.dataSource.manager, order.id);
    return Promise.all(rows.map((row) => this.describe(row, order)));
  }

  /**
   * Takes the money the buyer approved at PayPal (for a card it only asks Stripe for the state, in case
   * its webhook is late). Answers the payment as it is afterwards.
   */
  async capture(order: PayableOrder): Promise<PaymentView> {
    const rows = await paymentsOfOrder(this.dataSource.manager, order.id);
    const open = rows.find(
      (r) => r.status === 'pending' && (r.provider === 'paypal' || r.provider === 'stripe'),
    );
    if (!open?.provider_reference) {
      const paid = rows.find((r) => r.status === 'succeeded');
      if (paid) return this.describe(paid, order);
      throw noOpenPayment(order.number);
    }
    const provider = this.providers.forMethod(open.method);
    const reference = open.provider_reference;
    const remote = await this.call(() =>
      this.discloser.disclose({
        activityId: PAYMENT_ACTIVITY_ID,
        recipientId: provider.id,
        subjectId: open.subject_id,
        payload: { paymentReference: reference },
        send: () =>
          provider.capture(reference, providerIdempotencyKey(open.order_id, open.idempotency_key, 'capture')),
      }),
    );
    const settled = await this.settleFromProvider(open, remote, 'capture');
    if (settled.status === 'succeeded') return this.describe(settled, order);
    if (remote.status === 'requires-action') throw paymentNotApproved(remote.action.approvalUrl);
    if (remote.status === 'failed' || remote.status === 'cancelled') throw paymentFailed();
    return paymentView(settled, { captureRequired: remote.status === 'approved' });
  }

  /**
   * Applies a provider's answer that says the money is in (a capture, or a retrieve that finds a
   * succeeded PaymentIntent whose webhook has not arrived): the same path as the webhook, so the order
   * is marked paid once whichever comes first.
   */
  private async settleFromProvider(
    row: PaymentRow,
    remote: ProviderPayment,
    source: 'capture' | 'sync',
  ): Promise<PaymentRow> {
    if (remote.status === 'succeeded' && remote.receivedCents !== undefined) {
      const result = await this.outcomes.moneyReceived({
        provider: row.provider,
        paymentId: row.id,
        captureReference: remote.captureReference,
        receivedCents: remote.receivedCents,
        currency: remote.currency,
        source,
      });
      return result.payment ?? row;
    }
    if (remote.status === 'failed' || remote.status === 'cancelled') {
      const result = await this.outcomes.paymentEnded({
        provider: row.provider,
        reference: row.provider_reference ?? '',
        status: remote.status,
      });
      return result.payment ?? row;
    }
    return row;
  }

  private async requireCreditApproval(order: PayableOrder, dateOfBirth?: string): Promise<void> {
    if (!this.credit) throw creditCheckUnavailable();
    const answer = await this.credit.requireApproval({
      id: order.id,
      subjectId: order.subjectId,
      totalCents: order.totalCents,
      currency: order.currency,
      paymentMethod: order.paymentMethod,
      billing: {
        firstName: order.billing.firstName,
        lastName: order.billing.lastName,
        street: order.billing.street,
        houseNumber: order.billing.houseNumber,
        postalCode: order.billing.postalCode,
        city: order.billing.city,
        country: order.billing.country,
      },
      ...(dateOfBirth ? { dateOfBirth } : {}),
    });
    switch (answer.status) {
      case 'approved':
      case 'not-required':
        return;
      case 'review-requested':
        throw creditReviewPending(answer);
      default:
        throw paymentMethodDeclined(answer);
    }
  }

  /** The payment row first (with the order moved to awaiting_payment), then the provider. */
  private async startAtProvider(order: PayableOrder, key: string): Promise<StartedPayment> {
    const row = await this.insertPayment(order, key, {
      provider: PAYMENT_METHOD_REGISTRY[order.paymentMethod].provider,
    });
    if (!row) return this.afterLostRace(order, key);
    return { payment: await this.createAtProvider(row, order), created: true };
  }

  private async createAtProvider(row: PaymentRow, order: PayableOrder): Promise<PaymentView> {
    const provider = this.providers.forMethod(row.method);
    const payload: PaymentDisclosure = {
      amountCents: row.amount_cents,
      currency: row.currency.trim(),
      orderNumber: order.number,
      orderId: row.order_id,
    };
    let created: ProviderPayment;
    try {
      created = await this.discloser.disclose({
        activityId: PAYMENT_ACTIVITY_ID,
        recipientId: provider.id,
        subjectId: row.subject_id,
        payload,
        send: (p) =>
          provider.create({
            ...p,
            idempotencyKey: providerIdempotencyKey(row.order_id, row.idempotency_key),
          }),
      });
    } catch (error) {
      if (error instanceof PrivacyError || isDefinitiveRefusal(error)) {
        // Refused for good (a restriction, the provider rejecting the request): the order may be paid otherwise.
        await this.dataSource.query(
          `update payment set status = 'failed', updated_at = now() where id = $1 and status = 'creating'`,
          [row.id],
        );
        if (error instanceof PrivacyError) throw error;
        this.logger.warn(`${provider.id} refused to create payment ${row.id}: ${(error as Error).message}`);
        throw providerRejected();
      }
      // Maybe created, maybe not: the row stays `creating`; a retry sends the same key and gets the same object.
      this.logger.warn(
        `${provider.id} did not answer creating payment ${row.id}: ${(error as Error).message}`,
      );
      throw providerFailure(error);
    }
    const rows = returned<PaymentRow>(
      await this.dataSource.query(
        `update payment set provider_reference = $2, status = 'pending', updated_at = now()
          where id = $1 and status = 'creating'
        returning ${PAYMENT_COLUMNS}`,
        [row.id, created.reference],
      ),
    );
    return paymentView(
      rows[0] ?? { ...row, provider_reference: created.reference, status: 'pending' },
      actionFields(created.action),
    );
  }

  private async startSepaDebit(
    order: PayableOrder,
    key: string,
    mandate?: SepaMandateInput,
  ): Promise<StartedPayment> {
    if (!mandate)
      throw field('sepaMandate', 'is required for SEPA direct debit (iban, accountHolder, accepted)');
    if (mandate.accepted !== true)
      throw field('sepaMandate.accepted', 'must be true: the mandate text must be accepted');
    const parsed = parseIban(mandate.iban);
    if ('problem' in parsed)
      throw field(
        'sepaMandate.iban',
        parsed.problem === 'not-sepa' ? 'is not an account in the SEPA area' : 'is not a valid IBAN',
      );
    await this.guard.assertMayProcess(PAYMENT_ACTIVITY_ID, order.subjectId);
    const mandateId = randomUUID();
    const reference = newMandateReference(order.number);
    const signedAt = new Date();
    const { ibanCipher, creditorId } = this.setup;
    const row = await this.insertPayment(order, key, { provider: 'sepa', reference }, async (m, payment) => {
      await m.query(
        `insert into sepa_mandate (id, payment_id, order_id, subject_id, mandate_reference, creditor_id,
                                   iban_encrypted, iban_key_id, iban_masked, account_holder, signed_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          mandateId,
          payment.id,
          order.id,
          order.subjectId,
          reference,
          creditorId,
          ibanCipher.encrypt(parsed.iban, mandateId),
          ibanCipher.keyId,
          maskIban(parsed.iban),
          mandate.accountHolder.trim(),
          signedAt,
        ],
      );
    });
    if (!row) return this.afterLostRace(order, key);
    return { payment: await this.describe(row, order), created: true };
  }

  private async startInvoice(order: PayableOrder, key: string): Promise<StartedPayment> {
    await this.guard.assertMayProcess(PAYMENT_ACTIVITY_ID, order.subjectId);
    const row = await this.insertPayment(order, key, { provider: 'invoice' });
    if (!row) return this.afterLostRace(order, key);
    return { payment: await this.describe(row, order), created: true };
  }

  /**
   * Writes the payment (open: `creating` at a provider, `pending` for the shop's own methods) and moves
   * the order to awaiting_payment, in one transaction. Answers undefined when another request holds the
   * key or the order's open payment already (nothing was written).
   */
  private async insertPayment(
    order: PayableOrder,
    key: string,
    how: { provider: PaymentRow['provider']; reference?: string },
    more?: (m: EntityManager, payment: PaymentRow) => Promise<void>,
  ): Promise<PaymentRow | undefined> {
    const status = how.provider === 'stripe' || how.provider === 'paypal' ? 'creating' : 'pending';
    try {
      return await this.dataSource.transaction(async (m) => {
        const rows: PaymentRow[] = await m.query(
          `insert into payment (order_id, subject_id, provider, method, provider_reference, status, amount_cents, currency, idempotency_key)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           on conflict do nothing
           returning ${PAYMENT_COLUMNS}`,
          [
            order.id,
            order.subjectId,
            how.provider,
            order.paymentMethod,
            how.reference ?? null,
            status,
            order.totalCents,
            order.currency,
            key,
          ],
        );
        const row = rows[0];
        if (!row) return undefined;
        await more?.(m, row);
        await this.orders.awaitPayment(order, m);
        return row;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  /** Another request won the race for this key or this order's open payment: answer what it wrote. */
  private async afterLostRace(order: PayableOrder, key: string): Promise<StartedPayment> {
    const winner =
      (await paymentByKey(this.dataSource.manager, order.id, key)) ??
      (await openPayment(this.dataSource.manager, order.id));
    if (!winner) throw providerUnavailable();
    return { payment: await this.resume(winner, order), created: false };
  }

  /** Answers an existing payment again: a provider payment is re-read (or re-created with its key if the first try broke off). */
  private async resume(row: PaymentRow, order: PayableOrder): Promise<PaymentView> {
    if (row.status !== 'creating') return this.describe(row, order);
    const settled = await this.whileCreating(row);
    if (settled.status !== 'creating') return this.describe(settled, order);
    return this.createAtProvider(settled, order);
  }

  /**
   * A payment another request is creating right now: wait for it (briefly) instead of calling the provider
   * a second time. A row left `creating` for longer is a broken-off attempt, which the caller redoes with
   * the same provider key.
   */
  private async whileCreating(row: PaymentRow): Promise<PaymentRow> {
    const until = Math.min(
      new Date(row.updated_at).getTime() + CREATION_WAIT_MS,
      Date.now() + CREATION_WAIT_MS,
    );
    let current = row;
    while (current.status === 'creating' && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      const rows: PaymentRow[] = await this.dataSource.query(
        `select ${PAYMENT_COLUMNS} from payment where id = $1`,
        [row.id],
      );
      if (!rows[0]) return current;
      current = rows[0];
    }
    return current;
  }

  /** What the storefront needs to continue an open payment, read from the provider or the mandate. */
  private async describe(row: PaymentRow, order: PayableOrder): Promise<PaymentView> {
    if (row.provider === 'invoice') return paymentView(row, { transferReference: order.number });
    if (row.provider === 'sepa') {
      const mandates: {
        mandate_reference: string;
        creditor_id: string;
        iban_masked: string;
        signed_at: Date;
      }[] = await this.dataSource.query(
        'select mandate_reference, creditor_id, iban_masked, signed_at from sepa_mandate where payment_id = $1',
        [row.id],
      );
      const mandate = mandates[0];
      return paymentView(
        row,
        mandate
          ? {
              mandate: {
                reference: mandate.mandate_reference,
                creditorId: mandate.creditor_id,
                ibanMasked: mandate.iban_masked,
                signedAt: new Date(mandate.signed_at).toISOString(),
              },
            }
          : {},
      );
    }
    if (row.status !== 'pending' || !row.provider_reference) return paymentView(row);
    const provider = this.providers.forMethod(row.method);
    const remote = await this.call(() => provider.retrieve(row.provider_reference ?? ''));
    const current = await this.settleFromProvider(row, remote, 'sync');
    if (current.status !== 'pending') return paymentView(current);
    return paymentView(current, {
      ...actionFields(remote.action),
      ...(remote.status === 'approved' ? { captureRequired: true } : {}),
    });
  }

  /** An open payment of another method (the order's method changed): it will not be used any more. */
  private async abandon(row: PaymentRow): Promise<void> {
    await this.dataSource.query(
      `update payment set status = 'cancelled', updated_at = now() where id = $1 and status in ('creating', 'pending')`,
      [row.id],
    );
  }

  /** Provider calls outside a disclosure: a failure is a 502 problem, never a raw error. */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ProblemException || error instanceof DomainError || error instanceof PrivacyError)
        throw error;
      this.logger.warn(`payment provider call failed: ${(error as Error).message}`);
      throw providerFailure(error);
    }
  }
}
