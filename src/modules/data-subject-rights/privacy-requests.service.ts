import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  ConflictError,
  DomainError,
  InvalidInputError,
  NotFoundError,
  RuleViolationError,
  UnitOfWork,
} from '@app/core';
import {
  AccessAnswerComposer,
  ALL_ACTIVITIES,
  AuditLog,
  ConsentLedger,
  evidenceRetentionPolicies,
  JobQueue,
  PrivacyRegistryService,
  RetentionPolicies,
  RightsRegistry,
  RightsService,
  SubjectControls,
  type AccessAnswer,
  type BlockedRecord,
  type ErasureContext,
  type ErasureOutcome,
  type ErasureReport,
  type ExportSection,
  type PersonalDataEraser,
  type PersonalDataExporter,
  type Rectification,
} from '@app/privacy';
import type { EntityManager } from 'typeorm';
import { RateLimiter } from '../../common/throttle/rate-limiter.js';
import { normaliseEmail } from '../../common/subjects.js';
import { AppConfig } from '../../config/app-config.js';
import { InquiriesRights } from '../inquiries/index.js';
import { NoticeCatalogue, NotificationOutbox, type NoticeData } from '../notifications/index.js';
import { OrderReader, OrderSecrets } from '../orders/index.js';
import { DATA_SUBJECT_RIGHTS, REQUEST_PROOF_YEARS } from './data-subject-rights.declarations.js';
import { EVIDENCE_PERIODS, PRIVACY_EVIDENCE } from './privacy-evidence.declarations.js';
import {
  REQUEST_NOTICES,
  REQUEST_RECIPIENT,
  requestNotices,
  requestRecipientResolver,
  type RefusalReason,
} from './data-subject-rights.notices.js';
import type { PrivacyRequestDto, StaffRecordedRequestDto } from './privacy-request.dto.js';
import {
  OPEN_STATUSES,
  PrivacyRequestStore,
  toRecord,
  type PrivacyRequestRecord,
  type RequestRow,
  type RequestStatus,
} from './privacy-request.store.js';
import { portabilityArchive } from './portability-archive.js';
import { ReceiptSubjects } from './receipt-subjects.js';
import { RecipientNotices, type RecipientNoticeView } from './recipient-notices.js';
import { RequestCodes } from './request-codes.js';

const ACTIVITY = DATA_SUBJECT_RIGHTS.id;

/** The job that runs scheduled erasures and retries failed steps. */
export const DUE_STEPS_JOB = 'data-subject-rights.due-steps';

/** Unverified requests lapse after this; the person simply asks again. */
const VERIFICATION_WINDOW_DAYS = 7;

/** What the person receives for each kind of request. */
export type PrivacyRequestResult =
  | { type: 'access'; answer: AccessAnswer }
  | { type: 'portability'; download: { url: string; expiresAt: Date } }
  | { type: 'erasure'; stage: 'awaiting-confirmation' }
  | { type: 'erasure'; stage: 'scheduled'; waitUntil: Date | null }
  | { type: 'erasure'; stage: 'completed'; report: ErasureSummary; recipientsNotified: number }
  | { type: 'restriction'; restricted: true; activity: string | null; recipientsNotified: number }
  | { type: 'lift-restriction'; liftOn: Date }
  | { type: 'objection'; objectedTo: string }
  | { type: 'consent-withdrawal'; purpose: string; withdrawn: boolean };

export interface ErasureSummary {
  complete: boolean;
  erased: number;
  anonymised: number;
  kept: { recordType: string; statute: string; until: Date }[];
}

/** The same answer for every email, known or not: nothing is revealed before verification. */
export interface IntakeReceipt {
  requestId: string;
  status: 'awaiting-verification';
  detail: string;
}

/** The step could not be done now and is retried by the due-steps job. */
export class StepDeferred extends DomainError {
  constructor(detail: string) {
    super('unavailable', 'step-deferred', 'Retried automatically', {
      detail,
      headers: { 'retry-after': '600' },
    });
  }
}

/** The subject of a request made with a reference no analysis carries (it is never verified). */
const UNKNOWN_RECEIPT_SUBJECT = 'receipt:unknown';

const RECEIPT_INTAKE_DETAIL =
  'If the reference is right and an email address was given with the analysis, a six-digit code is on its way there; ' +
  'enter it to continue. If no address was given, our privacy officer checks your identity with you (keep your ' +
  'receipt). Nothing is disclosed or changed before.';

const INVALID_CODE = (): InvalidInputError =>
  new InvalidInputError(
    [{ field: 'code', reason: 'is wrong, expired or already used' }],
    'The code is wrong, expired or already used. Ask for a new one by making the request again.',
    'invalid-code',
  );

/**
 * Requests under Arts. 15-21 from everyone: account holders (signed in), guests and inquirers (by
 * the email address they used, verified by a one-time code before anything is disclosed or changed,
 * Art. 12(6)), and requests staff record from a letter, a call or an email, with how identity was
 * checked. Each request is due one month after receipt (Art. 12(3)), can be extended by staff with
 * a reason (the person is told), refused with a reason and the right to complain (Art. 12(4), (5)),
 * and every step is an event. Erasure needs a fresh confirmation code, waits for orders still being
 * delivered or within their withdrawal period (then runs from the due-steps job), and is followed by
 * the Art. 19 notices to every recipient of the person's data.
 */
@Injectable()
export class PrivacyRequests implements OnModuleInit, PersonalDataExporter, PersonalDataEraser {
  readonly name = 'data-subject-rights';
  private readonly logger = new Logger('PrivacyRequests');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly store: PrivacyRequestStore,
    private readonly codes: RequestCodes,
    private readonly composer: AccessAnswerComposer,
    private readonly rights: RightsService,
    private readonly rightsRegistry: RightsRegistry,
    private readonly controls: SubjectControls,
    private readonly registry: PrivacyRegistryService,
    private readonly audit: AuditLog,
    private readonly retention: RetentionPolicies,
    private readonly jobs: JobQueue,
    private readonly outbox: NotificationOutbox,
    private readonly catalogue: NoticeCatalogue,
    private readonly recipients: RecipientNotices,
    private readonly orderSecrets: OrderSecrets,
    private readonly orders: OrderReader,
    private readonly inquiries: InquiriesRights,
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
    private readonly consents: ConsentLedger,
    private readonly receipts: ReceiptSubjects,
  ) {}

  async onModuleInit(): Promise<void> {
    this.rightsRegistry.registerExporter(this);
    this.rightsRegistry.registerEraser(this);
    this.rightsRegistry.onRectification((r) => this.recordRectification(r));
    this.retention.register({
      id: 'data-subject-rights.requests',
      activityId: ACTIVITY,
      recordType: 'privacy_request',
      table: 'privacy_request',
      idColumn: 'id',
      subjectColumn: 'subject_id',
      timestampColumn: 'received_at',
      afterDays: REQUEST_PROOF_YEARS * 365,
    });
    for (const policy of evidenceRetentionPolicies(PRIVACY_EVIDENCE.id, EVIDENCE_PERIODS)) {
      this.retention.register(policy);
    }
    for (const template of requestNotices(
      this.config.PRIVACY_CONTROLLER_NAME,
      this.config.PRIVACY_SUPERVISORY_AUTHORITY,
      (salt) => this.codes.digits(salt),
    )) {
      this.catalogue.registerTemplate(template);
    }
    this.catalogue.registerRecipients(
      REQUEST_RECIPIENT,
      requestRecipientResolver(() => this.catalogue.resolver('customer')),
    );
    this.jobs.declareQueue(DUE_STEPS_JOB, { retryLimit: 2, expireInSeconds: 600 });
    await this.jobs.work(DUE_STEPS_JOB, async () => {
      await this.runDueSteps();
    });
    await this.jobs.schedule(
      DUE_STEPS_JOB,
      this.config.PRIVACY_REQUEST_STEPS_CRON,
      {},
      { tz: 'Europe/Berlin' },
    );
  }

  // ---------------------------------------------------------------- intake

  /** A signed-in customer's request: identity is the account; erasure still asks for a confirmation code. */
  async submitForCustomer(
    customerId: string,
    dto: PrivacyRequestDto,
  ): Promise<{ request: PrivacyRequestRecord; result: PrivacyRequestResult }> {
    this.assertApplicable(dto);
    const subjectId = `customer:${customerId}`;
    const subjectIds = [subjectId, ...(await this.subjectsOfAccount(customerId))];
    const row = await this.uow.transaction(() =>
      this.store.create({
        subjectId,
        subjectIds: [...new Set(subjectIds)],
        type: dto.type,
        status: 'received',
        channel: 'account',
        contactEmail: null,
        activityId: dto.activity ?? null,
        consentPurpose: dto.purpose ?? null,
        reason: dto.reason ?? null,
        lang: dto.lang ?? 'de',
        identityCheck: null,
        recordedBy: null,
        verified: true,
      }),
    );
    return this.carryOut(row);
  }

  /**
   * A request by email address, from anyone: a code goes to that address and nothing else happens
   * until it comes back. The answer is the same whether the shop holds data for the address or not.
   */
  async submitByEmail(dto: PrivacyRequestDto & { email: string }, clientIp: string): Promise<IntakeReceipt> {
    this.assertApplicable(dto);
    const email = normaliseEmail(dto.email);
    const detail =
      'If the address is right, a six-digit code is on its way there. Enter it to continue; nothing is disclosed or changed before.';
    await this.limiter.enforce(
      {
        scope: 'privacy-request:client',
        key: clientIp,
        max: this.config.PRIVACY_REQUEST_RATE_LIMIT_MAX * 4,
        windowSeconds: this.config.PRIVACY_REQUEST_RATE_LIMIT_WINDOW_SECONDS,
      },
      'Too many requests were sent from your network. Please try again later.',
    );
    await this.limiter.enforce(
      {
        scope: 'privacy-request:address',
        key: email,
        max: this.config.PRIVACY_REQUEST_RATE_LIMIT_MAX,
        windowSeconds: this.config.PRIVACY_REQUEST_RATE_LIMIT_WINDOW_SECONDS,
      },
      'Too many requests for this address. Please try again later.',
    );
    // The guest subject id exists for every address (a keyed hash): no lookup, nothing to tell apart.
    const subjectId = await this.orderSecrets.guestSubject(email);
    const row = await this.uow.transaction(async () => {
      const created = await this.store.create({
        subjectId,
        subjectIds: [subjectId],
        type: dto.type,
        status: 'awaiting-verification',
        channel: 'email',
        contactEmail: email,
        activityId: dto.activity ?? null,
        consentPurpose: dto.purpose ?? null,
        reason: dto.reason ?? null,
        lang: dto.lang ?? 'de',
        identityCheck: null,
        recordedBy: null,
        verified: false,
      });
      await this.sendCode(created, 'verify');
      return created;
    });
    return { requestId: row.id, status: 'awaiting-verification', detail };
  }

  /**
   * A request by the receipt reference of a device analysis (a patient has no account). The code goes
   * to the address the shop holds for that person; when it holds none, the request waits for staff to
   * check the person's identity. An unknown reference is recorded too (it lapses like any unverified
   * request). All three do the same work and answer the same: nothing tells them apart from outside.
   */
  async submitByReceipt(
    dto: PrivacyRequestDto & { receiptReference: string },
    clientIp: string,
  ): Promise<IntakeReceipt> {
    this.assertApplicable(dto);
    const reference = dto.receiptReference.toUpperCase();
    await this.limiter.enforce(
      {
        scope: 'privacy-request:client',
        key: clientIp,
        max: this.config.PRIVACY_REQUEST_RATE_LIMIT_MAX * 4,
        windowSeconds: this.config.PRIVACY_REQUEST_RATE_LIMIT_WINDOW_SECONDS,
      },
      'Too many requests were sent from your network. Please try again later.',
    );
    await this.limiter.enforce(
      {
        scope: 'privacy-request:receipt',
        key: reference,
        max: this.config.PRIVACY_REQUEST_RATE_LIMIT_MAX,
        windowSeconds: this.config.PRIVACY_REQUEST_RATE_LIMIT_WINDOW_SECONDS,
      },
      'Too many requests for this reference. Please try again later.',
    );
    const subject = await this.receipts.resolve(dto.receiptReference);
    const email = subject?.email ? normaliseEmail(subject.email) : null;
    const row = await this.uow.transaction(async () => {
      const created = await this.store.create({
        subjectId: subject?.subjectId ?? UNKNOWN_RECEIPT_SUBJECT,
        subjectIds: subject ? [subject.subjectId] : [],
        type: dto.type,
        status: subject && !email ? 'awaiting-identity-check' : 'awaiting-verification',
        channel: 'receipt',
        contactEmail: email,
        activityId: dto.activity ?? null,
        consentPurpose: dto.purpose ?? null,
        reason: dto.reason ?? null,
        lang: dto.lang ?? 'de',
        identityCheck: null,
        recordedBy: null,
        verified: false,
      });
      // The same writes in every case (a code and its notice; without an address the notice finds
      // no recipient and nothing is sent), so the time taken does not tell the cases apart either.
      await this.sendCode(created, 'verify');
      if (subject && !email) await this.store.event(created.id, 'identity-check-needed');
      return created;
    });
    return { requestId: row.id, status: 'awaiting-verification', detail: RECEIPT_INTAKE_DETAIL };
  }

  /**
   * Staff checked the identity of a person who made a request with a receipt reference the shop holds
   * no address for (in the practice, by letter with a copy of the receipt, …): the request is then
   * carried out and its result handed to staff to pass on. An erasure still needs its confirmation.
   */
  async confirmIdentity(
    requestId: string,
    identityCheck: string,
    staffId: string,
  ): Promise<{ request: PrivacyRequestRecord; result: PrivacyRequestResult }> {
    const row = await this.uow.transaction(async () => {
      const found = await this.store.get(requestId, true);
      if (!found) throw new NotFoundError('The request');
      if (found.status !== 'awaiting-identity-check') {
        throw new ConflictError(
          'no-identity-check-pending',
          'The request is not waiting for an identity check.',
        );
      }
      const checked = await this.store.update(requestId, {
        status: 'received',
        verified_at: new Date(),
        identity_check: identityCheck,
        recorded_by: staffId,
      });
      await this.store.event(requestId, 'verified', { method: 'identity checked by staff' });
      return checked;
    });
    return this.carryOut(row);
  }

  /** A request received by letter, phone or email, recorded by staff with how identity was checked. */
  async recordForPerson(
    dto: StaffRecordedRequestDto,
    staffId: string,
  ): Promise<{ request: PrivacyRequestRecord; result: PrivacyRequestResult }> {
    this.assertApplicable(dto);
    const receivedAt = new Date(dto.receivedAt);
    if (receivedAt.getTime() > Date.now()) {
      throw new InvalidInputError([{ field: 'receivedAt', reason: 'must not be in the future' }]);
    }
    let email: string | null;
    let subjectId: string;
    let subjectIds: string[];
    if (dto.receiptReference !== undefined) {
      // A patient: staff are told plainly whether the reference is known (they checked the person).
      const subject = await this.receipts.resolve(dto.receiptReference);
      if (!subject) {
        throw new InvalidInputError([
          { field: 'receiptReference', reason: 'no device analysis carries this reference' },
        ]);
      }
      email = subject.email ? normaliseEmail(subject.email) : null;
      subjectId = subject.subjectId;
      subjectIds = [subject.subjectId];
    } else {
      if (dto.email === undefined) {
        throw new InvalidInputError([
          { field: 'email', reason: 'is required: the address the shop holds for the person' },
        ]);
      }
      email = normaliseEmail(dto.email);
      subjectId = await this.orderSecrets.guestSubject(email);
      subjectIds = [subjectId, ...(await this.inquiries.subjectsByEmail(email))];
    }
    const row = await this.uow.transaction(() =>
      this.store.create({
        subjectId,
        subjectIds,
        type: dto.type,
        status: 'received',
        channel: dto.receivedVia,
        contactEmail: email,
        activityId: dto.activity ?? null,
        consentPurpose: dto.purpose ?? null,
        reason: dto.reason ?? null,
        lang: dto.lang ?? 'de',
        identityCheck: dto.identityCheck,
        recordedBy: staffId,
        receivedAt,
        verified: true,
      }),
    );
    return this.carryOut(row);
  }

  /** The code from the email: on success the request is carried out (access answered, erasure asks to confirm). */
  async verify(
    requestId: string,
    code: string,
  ): Promise<{ request: PrivacyRequestRecord; result: PrivacyRequestResult; requestToken: string }> {
    const outcome = await this.uow.transaction(async () => {
      const row = await this.store.get(requestId, true);
      if (!row || row.status !== 'awaiting-verification') return { ok: false as const };
      const check = await this.codes.check(requestId, 'verify', code);
      // No address, no code anyone received (an unknown receipt reference): never verified.
      if (check !== 'ok' || !row.contact_email) {
        await this.store.event(requestId, 'verification-failed', { reason: check });
        return { ok: false as const };
      }
      const email = row.contact_email;
      // A receipt request concerns the patient behind the reference; an email request everything under the address.
      const subjectIds =
        row.channel === 'receipt'
          ? row.subject_ids
          : [...new Set([row.subject_id, ...(await this.inquiries.subjectsByEmail(email))])];
      const verified = await this.store.update(requestId, {
        status: 'received',
        verified_at: new Date(),
        subject_ids: subjectIds,
      });
      await this.store.event(requestId, 'verified', { method: 'one-time code to the address' });
      return { ok: true as const, row: verified };
    });
    if (!outcome.ok) throw INVALID_CODE();
    const done = await this.carryOut(outcome.row);
    return { ...done, requestToken: this.codes.signRequestToken(requestId) };
  }

  /** The second code, for an erasure: then it runs, or is scheduled after deliveries. */
  async confirmErasure(
    requestId: string,
    confirmation: { code: string } | { staffCheck: string },
  ): Promise<{ request: PrivacyRequestRecord; result: PrivacyRequestResult }> {
    const outcome = await this.uow.transaction(async () => {
      const row = await this.store.get(requestId, true);
      if (!row || row.type !== 'erasure' || row.status !== 'awaiting-confirmation')
        return { ok: false as const };
      if ('code' in confirmation) {
        const check = await this.codes.check(requestId, 'confirm', confirmation.code);
        if (check !== 'ok') {
          await this.store.event(requestId, 'confirmation-failed', { reason: check });
          return { ok: false as const };
        }
      }
      const confirmed = await this.store.update(requestId, { confirmed_at: new Date() });
      await this.store.event(requestId, 'erasure-confirmed', {
        method: 'code' in confirmation ? 'one-time code to the address' : 'recorded by staff',
        ...('staffCheck' in confirmation ? { identityCheck: confirmation.staffCheck } : {}),
      });
      return { ok: true as const, row: confirmed };
    });
    if (!outcome.ok) {
      if ('code' in confirmation) throw INVALID_CODE();
      throw new ConflictError(
        'not-awaiting-confirmation',
        'The request is not an erasure waiting for confirmation.',
      );
    }
    return this.scheduleOrErase(outcome.row);
  }

  /**
   * Art. 7(3): a guest withdraws a consent given at checkout as easily as it was given, with the order
   * link they already hold (X-Order-Token), in one step. Recorded as a request, like any other.
   */
  async withdrawWithOrderLink(
    orderToken: string | undefined,
    purpose: string,
  ): Promise<{ request: PrivacyRequestRecord; result: PrivacyRequestResult }> {
    this.assertApplicable({ type: 'consent-withdrawal', purpose });
    const orderId = orderToken ? await this.orderSecrets.verifyAccessToken(orderToken) : null;
    const subjectId = orderId ? await this.orders.guestOrderSubject(orderId) : null;
    if (!orderId || !subjectId) throw new NotFoundError('The order');
    const row = await this.uow.transaction(() =>
      this.store.create({
        subjectId,
        subjectIds: [subjectId],
        type: 'consent-withdrawal',
        status: 'received',
        channel: 'order-link',
        contactEmail: null,
        activityId: null,
        consentPurpose: purpose,
        reason: null,
        lang: 'de',
        identityCheck: null,
        recordedBy: null,
        verified: true,
      }),
    );
    return this.carryOut(row);
  }

  private async withdrawConsent(row: RequestRow, purpose: string): Promise<boolean> {
    return this.uow.transaction(async () => {
      let withdrawn = false;
      for (const subjectId of row.subject_ids) {
        const event = await this.consents.withdraw(
          { subjectId, purpose, channel: `privacy-request:${row.channel}`, evidence: { requestId: row.id } },
          this.uow.manager,
        );
        withdrawn = withdrawn || event !== null;
      }
      return withdrawn;
    });
  }

  /**
   * Art. 19 after a rectification made anywhere (the profile, the address book): when recipients
   * received the person's data, a completed request records it and each is told on its channel, in
   * the transaction of the change. The person sees it in their requests, with who was told.
   */
  private async recordRectification(rectification: Rectification): Promise<void> {
    await this.uow.transaction(async () => {
      const subjectIds = [rectification.subjectId];
      if (!(await this.recipients.anyRecipient(subjectIds))) return;
      const row = await this.store.create({
        subjectId: rectification.subjectId,
        subjectIds,
        type: 'rectification',
        status: 'received',
        channel: rectification.subjectId.startsWith('customer:') ? 'account' : 'email',
        contactEmail: null,
        activityId: rectification.activityId,
        reason: null,
        lang: 'de',
        identityCheck: null,
        recordedBy: null,
        verified: true,
      });
      const told = await this.recipients.prepare(row.id, subjectIds, 'rectification');
      await this.recipients.dispatch(row.id);
      const outcome = { fields: rectification.fields, recipients: told };
      await this.store.update(row.id, { status: 'completed', completed_at: new Date(), outcome });
      await this.store.event(row.id, 'completed', outcome);
    });
  }

  // ---------------------------------------------------------------- carrying out

  private async carryOut(
    row: RequestRow,
  ): Promise<{ request: PrivacyRequestRecord; result: PrivacyRequestResult }> {
    const subjectIds = row.subject_ids;
    switch (row.type) {
      case 'access': {
        const answer = await this.composer.compose(subjectIds);
        // Appended together: the audit log writes them as one batch.
        await Promise.all(
          subjectIds.map((subjectId) =>
            this.audit.append({
              subjectId,
              activityId: ACTIVITY,
              action: 'export',
              fields: answer.categories.map((c) => c.id),
            }),
          ),
        );
        const records = answer.copy.sections.reduce((n, s) => n + s.records.length, 0);
        const request = await this.complete(row, {
          activities: answer.purposes.length,
          records,
          recipientsActual: answer.recipients.actual.length,
        });
        return { request, result: { type: 'access', answer } };
      }
      case 'portability': {
        const expiresAt = new Date(Date.now() + this.config.PRIVACY_EXPORT_LINK_TTL_HOURS * 3_600_000);
        const token = this.codes.signRequestToken(row.id, expiresAt);
        const request = await this.complete(row, { link: 'issued', expiresAt: expiresAt.toISOString() });
        // The token is no personal data; query-string values never reach the logs (redaction).
        const url = `/api/v1/shop/privacy-requests/${row.id}/export?token=${encodeURIComponent(token)}`;
        return { request, result: { type: 'portability', download: { url, expiresAt } } };
      }
      case 'erasure': {
        const updated = await this.uow.transaction(async () => {
          const next = await this.store.update(row.id, { status: 'awaiting-confirmation' });
          await this.sendCode(next, 'confirm');
          await this.store.event(row.id, 'confirmation-requested');
          return next;
        });
        return { request: toRecord(updated), result: { type: 'erasure', stage: 'awaiting-confirmation' } };
      }
      case 'restriction': {
        const activity = row.activity_id;
        const notified = await this.uow.transaction(async () => {
          for (const subjectId of subjectIds) {
            await this.controls.restrict(
              subjectId,
              row.reason ?? 'requested by the data subject',
              row.id,
              this.uow.manager,
              activity ?? undefined,
            );
          }
          const n = await this.recipients.prepare(row.id, subjectIds, 'restriction');
          await this.recipients.dispatch(row.id);
          return n;
        });
        const request = await this.complete(row, { activity, recipients: notified });
        return {
          request,
          result: { type: 'restriction', restricted: true, activity, recipientsNotified: notified },
        };
      }
      case 'objection': {
        const activity = row.activity_id ?? ALL_ACTIVITIES;
        await this.uow.transaction(async () => {
          for (const subjectId of subjectIds) {
            await this.controls.object(subjectId, activity, 'privacy-request', this.uow.manager);
          }
        });
        const request = await this.complete(row, { activity });
        return { request, result: { type: 'objection', objectedTo: activity } };
      }
      case 'consent-withdrawal': {
        const purpose = row.consent_purpose as string;
        const withdrawn = await this.withdrawConsent(row, purpose);
        const request = await this.complete(row, { purpose, withdrawn });
        return { request, result: { type: 'consent-withdrawal', purpose, withdrawn } };
      }
      case 'lift-restriction':
      case 'rectification':
        throw new RuleViolationError(
          'not-a-person-request',
          'Not available',
          'Restrictions are lifted by staff.',
        );
    }
  }

  private async complete(row: RequestRow, outcome: Record<string, unknown>): Promise<PrivacyRequestRecord> {
    return this.uow.transaction(async () => {
      const done = await this.store.update(row.id, {
        status: 'completed',
        completed_at: new Date(),
        outcome,
        next_attempt_at: null,
        last_error: null,
      });
      await this.store.event(row.id, 'completed', outcome);
      return toRecord(done);
    });
  }

  /** After confirmation: erase now, or wait for deliveries and withdrawal periods and tell the person when. */
  private async scheduleOrErase(
    row: RequestRow,
  ): Promise<{ request: PrivacyRequestRecord; result: PrivacyRequestResult }> {
    const wait = await this.erasureWait(row.subject_ids);
    if (wait.mustWait) {
      const updated = await this.uow.transaction(async () => {
        const next = await this.store.update(row.id, {
          status: 'scheduled',
          scheduled_for: wait.until,
          next_attempt_at: wait.until ?? new Date(Date.now() + 3_600_000),
        });
        await this.store.event(row.id, 'erasure-scheduled', {
          waitingFor: wait.until ? 'withdrawal period' : 'delivery',
          until: wait.until?.toISOString() ?? null,
        });
        await this.notify(next, REQUEST_NOTICES.erasureScheduled, {
          ...(wait.until ? { waitUntil: wait.until.toISOString() } : {}),
        });
        return next;
      });
      return {
        request: toRecord(updated),
        result: { type: 'erasure', stage: 'scheduled', waitUntil: wait.until },
      };
    }
    return this.erase_(row);
  }

  /**
   * Whether an erasure must wait: an order paid and not yet delivered (until delivery, date unknown),
   * or delivered less than the withdrawal period ago (until its end).
   */
  private async erasureWait(
    subjectIds: readonly string[],
  ): Promise<{ mustWait: boolean; until: Date | null }> {
    const open = await this.orders.awaitingDelivery(subjectIds);
    const periodMs = this.config.PRIVACY_ERASURE_WITHDRAWAL_DAYS * 86_400_000;
    let mustWait = false;
    let until: Date | null = null;
    let undelivered = false;
    for (const order of open) {
      if (order.status !== 'delivered' || !order.deliveredAt) {
        mustWait = true;
        undelivered = true;
        continue;
      }
      const end = new Date(order.deliveredAt.getTime() + periodMs);
      if (end.getTime() > Date.now()) {
        mustWait = true;
        if (!until || end > until) until = end;
      }
    }
    return { mustWait, until: undelivered ? null : until };
  }

  /** Runs the erasure over every subject id of the request; a failed eraser defers it to the job. */
  private async erase_(
    row: RequestRow,
  ): Promise<{ request: PrivacyRequestRecord; result: PrivacyRequestResult }> {
    await this.uow.transaction(() => this.recipients.prepare(row.id, row.subject_ids, 'erasure'));
    const reports: ErasureReport[] = [];
    for (const subjectId of row.subject_ids) reports.push(await this.rights.eraseSubject(subjectId));
    const summary = summariseErasure(reports);
    if (!summary.complete) {
      const failed = reports.flatMap((r) => r.erasers.filter((e) => e.error).map((e) => e.eraser));
      await this.deferStep(row, `erasers failed: ${failed.join(', ')}`);
      throw new StepDeferred(
        'Part of the erasure failed and was rolled back; it is retried automatically and you are told when it is done.',
      );
    }
    const { request, notified } = await this.uow.transaction(async () => {
      const outcome = { erased: summary.erased, anonymised: summary.anonymised, kept: summary.kept.length };
      const done = await this.store.update(row.id, {
        status: 'completed',
        completed_at: new Date(),
        outcome,
        next_attempt_at: null,
        last_error: null,
      });
      await this.store.event(row.id, 'erased', outcome);
      await this.recipients.dispatch(row.id);
      await this.notify(done, REQUEST_NOTICES.erasureDone, { kept: summary.kept.length });
      const views = await this.recipients.forRequest(row.id);
      return { request: toRecord(done), notified: views.length };
    });
    return {
      request,
      result: { type: 'erasure', stage: 'completed', report: summary, recipientsNotified: notified },
    };
  }

  private async deferStep(row: RequestRow, error: string): Promise<void> {
    const attempts = row.attempts + 1;
    const delayMinutes = Math.min(24 * 60, 5 * 2 ** Math.min(attempts, 8));
    await this.uow.transaction(async () => {
      await this.store.update(row.id, {
        status: 'failed',
        attempts,
        next_attempt_at: new Date(Date.now() + delayMinutes * 60_000),
        last_error: error.slice(0, 300),
      });
      await this.store.event(row.id, 'step-failed', { attempts, retryInMinutes: delayMinutes });
    });
  }

  /**
   * The due-steps job: scheduled erasures whose wait is over, and failed steps whose retry is due.
   * Rows are claimed with SKIP LOCKED, so instances share the work.
   */
  async runDueSteps(now = new Date()): Promise<{ ran: number; waiting: number; failed: number }> {
    const due: { id: string }[] = await this.uow.manager.query(
      `select id from privacy_request
        where status in ('scheduled', 'failed') and type in ('erasure', 'lift-restriction') and next_attempt_at <= $1
        order by next_attempt_at limit 50`,
      [now],
    );
    let ran = 0;
    let waiting = 0;
    let failed = 0;
    for (const { id } of due) {
      const row = await this.uow.transaction(async () => {
        const rows: RequestRow[] = await this.uow.manager.query(
          `select * from privacy_request where id = $1 and status in ('scheduled', 'failed')
             for update skip locked`,
          [id],
        );
        return rows[0];
      });
      if (!row) continue;
      if (row.type === 'lift-restriction') {
        await this.liftRestriction(row);
        ran += 1;
        continue;
      }
      const wait = await this.erasureWait(row.subject_ids);
      if (wait.mustWait) {
        waiting += 1;
        await this.uow.transaction(async () => {
          await this.store.update(row.id, {
            status: 'scheduled',
            scheduled_for: wait.until,
            next_attempt_at: wait.until ?? new Date(now.getTime() + 3_600_000),
          });
        });
        continue;
      }
      try {
        await this.erase_(row);
        ran += 1;
      } catch (error) {
        failed += 1;
        if (!(error instanceof StepDeferred)) {
          this.logger.error(
            `due step of request ${row.id} failed: ${error instanceof Error ? error.name : 'error'}`,
          );
          await this.deferStep(row, error instanceof Error ? error.message : 'error');
        }
      }
    }
    // Unverified requests lapse: nothing was done for them and nothing is owed.
    await this.uow.manager.query(
      `update privacy_request set status = 'expired'
        where status = 'awaiting-verification' and received_at < $1::timestamptz - make_interval(days => $2)`,
      [now, VERIFICATION_WINDOW_DAYS],
    );
    return { ran, waiting, failed };
  }

  // ---------------------------------------------------------------- staff

  /** The privacy officer's queue: open requests by the deadline in force, overdue ones marked. */
  async queue(filter: { status?: RequestStatus; overdue?: boolean } = {}): Promise<
    (PrivacyRequestRecord & {
      overdue: boolean;
      lastError: string | null;
      recipientsWithoutChannel: number;
    })[]
  > {
    const statuses = filter.status ? [filter.status] : [...OPEN_STATUSES];
    const rows: (RequestRow & { no_channel: number })[] = await this.uow.manager.query(
      `select r.*, (select count(*)::int from privacy_recipient_notice n
                      where n.request_id = r.id and n.status in ('no-channel', 'failed')) as no_channel
         from privacy_request r
        where r.status = any($1::text[])
          and ($2::boolean is not true or coalesce(r.extended_due_at, r.due_at) < now())
        order by coalesce(r.extended_due_at, r.due_at), r.received_at limit 500`,
      [statuses, filter.overdue ?? null],
    );
    const now = Date.now();
    return rows.map((r) => {
      const record = toRecord(r);
      return {
        ...record,
        overdue: OPEN_STATUSES.includes(r.status) && record.dueAt.getTime() < now,
        lastError: r.last_error,
        recipientsWithoutChannel: r.no_channel,
      };
    });
  }

  /** One request for staff: the record, its steps and the Art. 19 notices. */
  async detail(id: string): Promise<{
    request: PrivacyRequestRecord;
    identityCheck: string | null;
    events: { at: Date; step: string; actorType: string; detail: unknown }[];
    recipients: RecipientNoticeView[];
  }> {
    const row = await this.store.get(id);
    if (!row) throw new NotFoundError('The request');
    return {
      request: toRecord(row),
      identityCheck: row.identity_check,
      events: await this.store.events(id),
      recipients: await this.recipients.forRequest(id),
    };
  }

  /**
   * Art. 12(3): up to two further months, with the reason; only within the first month, and the
   * person is told (the notice is enqueued in the same transaction).
   */
  async extend(id: string, months: number, reason: string): Promise<PrivacyRequestRecord> {
    return this.uow.transaction(async () => {
      const row = await this.store.get(id, true);
      if (!row) throw new NotFoundError('The request');
      if (!OPEN_STATUSES.includes(row.status)) {
        throw new ConflictError('request-closed', 'Only an open request can be extended.');
      }
      if (row.due_at.getTime() < Date.now()) {
        throw new RuleViolationError(
          'extension-too-late',
          'Too late to extend',
          'Art. 12(3) GDPR: the person must be told of an extension within one month of receipt.',
        );
      }
      const current = row.extended_due_at ?? row.due_at;
      const target = addMonths(current, months);
      if (target.getTime() > addMonths(row.due_at, 2).getTime()) {
        throw new InvalidInputError([{ field: 'months', reason: 'at most two months in all (Art. 12(3))' }]);
      }
      const updated = await this.store.update(id, { extended_due_at: target, extension_reason: reason });
      await this.store.event(id, 'extended', { months, dueAt: target.toISOString() });
      await this.notify(updated, REQUEST_NOTICES.extension, { dueAt: target.toISOString() });
      return toRecord(updated);
    });
  }

  /** Art. 12(4), (5): a refusal with the reason and the right to complain, told to the person. */
  async refuse(id: string, reason: RefusalReason, detail: string): Promise<PrivacyRequestRecord> {
    return this.uow.transaction(async () => {
      const row = await this.store.get(id, true);
      if (!row) throw new NotFoundError('The request');
      if (!OPEN_STATUSES.includes(row.status) && row.status !== 'awaiting-verification') {
        throw new ConflictError('request-closed', 'Only an open request can be refused.');
      }
      const updated = await this.store.update(id, {
        status: 'refused',
        refusal_reason: `${reason}: ${detail}`,
        completed_at: new Date(),
        next_attempt_at: null,
      });
      await this.store.event(id, 'refused', { reason });
      await this.notify(updated, REQUEST_NOTICES.refusal, { reason });
      return toRecord(updated);
    });
  }

  /**
   * Art. 18(3): a restriction is lifted only after the person was told. Records a lift of the
   * restriction `requestId` made, tells the person now, and the due-steps job lifts it on `liftOn`.
   */
  async announceLift(requestId: string, liftOn: Date, reason: string): Promise<PrivacyRequestRecord> {
    if (liftOn.getTime() <= Date.now()) {
      throw new InvalidInputError([
        { field: 'liftOn', reason: 'must be in the future: the person is told before' },
      ]);
    }
    return this.uow.transaction(async () => {
      const restriction = await this.store.get(requestId, true);
      if (!restriction || restriction.type !== 'restriction' || restriction.status !== 'completed') {
        throw new NotFoundError('The restriction');
      }
      const lift = await this.store.create({
        subjectId: restriction.subject_id,
        subjectIds: restriction.subject_ids,
        type: 'lift-restriction',
        status: 'scheduled',
        channel: restriction.channel,
        contactEmail: restriction.contact_email,
        activityId: restriction.activity_id,
        reason,
        lang: restriction.lang,
        identityCheck: null,
        recordedBy: null,
        verified: true,
      });
      const scheduled = await this.store.update(lift.id, {
        scheduled_for: liftOn,
        next_attempt_at: liftOn,
        outcome: { restrictionRequest: requestId },
      });
      await this.store.event(lift.id, 'lift-announced', {
        liftOn: liftOn.toISOString(),
        restrictionRequest: requestId,
      });
      await this.notify(scheduled, REQUEST_NOTICES.restrictionLift, { liftOn: liftOn.toISOString() });
      return toRecord(scheduled);
    });
  }

  private async liftRestriction(row: RequestRow): Promise<void> {
    await this.uow.transaction(async () => {
      for (const subjectId of row.subject_ids) {
        await this.uow.manager.query(
          `update privacy.restriction set lifted_at = now(), lifted_by = $3
            where subject_id = $1 and lifted_at is null and activity_id is not distinct from $2`,
          [subjectId, row.activity_id, `privacy-request:${row.id}`],
        );
      }
      await this.store.update(row.id, {
        status: 'completed',
        completed_at: new Date(),
        next_attempt_at: null,
      });
      await this.store.event(row.id, 'restriction-lifted');
    });
  }

  // ---------------------------------------------------------------- reading

  async list(subjectId: string): Promise<PrivacyRequestRecord[]> {
    const rows: RequestRow[] = await this.uow.manager.query(
      `select * from privacy_request where subject_id = $1 order by received_at desc`,
      [subjectId],
    );
    return rows.map(toRecord);
  }

  /** The request a request token or an account may see; 404 for anything else. */
  async ownRequest(id: string, who: { requestToken?: string; customerId?: string }): Promise<RequestRow> {
    const row = await this.store.get(id);
    const tokenOk = who.requestToken !== undefined && this.codes.verifyRequestToken(who.requestToken) === id;
    const accountOk = who.customerId !== undefined && row?.subject_id === `customer:${who.customerId}`;
    if (!row || (!tokenOk && !accountOk) || !row.verified_at) throw new NotFoundError('The request');
    return row;
  }

  /** The Art. 15 answer again (for the readable HTML page): composed now, audited like the first. */
  async accessAnswer(row: RequestRow): Promise<AccessAnswer> {
    if (row.type !== 'access') throw new NotFoundError('The answer');
    const answer = await this.composer.compose(row.subject_ids);
    await Promise.all(
      row.subject_ids.map((subjectId) =>
        this.audit.append({ subjectId, activityId: ACTIVITY, action: 'export', fields: ['answer.html'] }),
      ),
    );
    return answer;
  }

  /**
   * The Art. 20 archive behind an expiring link: the data the person provided (records of activities
   * whose source is the person), generated now, audited as an export.
   */
  async portabilityExport(id: string, token: string | undefined): Promise<Uint8Array> {
    const row = await this.store.get(id);
    if (!row || row.type !== 'portability' || !token || this.codes.verifyRequestToken(token) !== id) {
      throw new NotFoundError('The export');
    }
    const copy = await this.rights.exportSubjects(row.subject_ids);
    const registry = this.registry.registry;
    const provided = copy.sections
      .flatMap((s) => s.records)
      .filter(
        (r) =>
          registry.hasActivity(r.activityId) &&
          registry.activity(r.activityId).source.kind === 'data-subject',
      )
      .map(({ recordType, recordId, activityId, data }) => ({ recordType, recordId, activityId, data }));
    const fields = [...new Set(copy.sections.flatMap((s) => s.categories))];
    await Promise.all(
      row.subject_ids.map((subjectId) =>
        this.audit.append({ subjectId, activityId: ACTIVITY, action: 'export', fields }),
      ),
    );
    await this.uow.transaction(() => this.store.event(id, 'export-downloaded', { records: provided.length }));
    return portabilityArchive(copy.generatedAt, provided);
  }

  recipientsTold(row: RequestRow): Promise<RecipientNoticeView[]> {
    return this.recipients.forRequest(row.id);
  }

  // ---------------------------------------------------------------- helpers

  private async sendCode(row: RequestRow, purpose: 'verify' | 'confirm'): Promise<void> {
    const { salt } = await this.codes.issue(row.id, purpose);
    await this.notify(
      row,
      purpose === 'verify' ? REQUEST_NOTICES.verifyCode : REQUEST_NOTICES.confirmErasure,
      {
        salt,
      },
    );
    await this.store.event(row.id, purpose === 'verify' ? 'code-sent' : 'confirmation-code-sent');
  }

  private async notify(row: RequestRow, template: string, data: NoticeData): Promise<void> {
    await this.outbox.notify(
      {
        template,
        recipient: { kind: REQUEST_RECIPIENT, id: row.id },
        data: { requestId: row.id, requestType: row.type, lang: row.lang, ...data },
      },
      this.uow.requireTransaction('a notice about a privacy request'),
    );
  }

  /** The subject ids an account holder is known under besides the account: inquiries sent with its address. */
  private async subjectsOfAccount(customerId: string): Promise<string[]> {
    const resolve = this.catalogue.resolver('customer');
    const recipient = resolve ? await resolve(customerId, this.uow.manager) : null;
    if (!recipient) return [];
    return [
      await this.orderSecrets.guestSubject(recipient.email),
      ...(await this.inquiries.subjectsByEmail(recipient.email)),
    ];
  }

  /** An objection under Art. 21(1) concerns processing on Art. 6(1)(e) or (f); consent is withdrawn instead. */
  private assertApplicable(dto: Pick<PrivacyRequestDto, 'type' | 'activity' | 'purpose'>): void {
    const registry = this.registry.registry;
    if (dto.type === 'consent-withdrawal') {
      // Consents of whole activities and of extra fields for a recipient (the carrier notifications).
      const purposes = new Set(
        registry
          .activities()
          .flatMap((a) => [
            ...(a.consentPurpose ? [a.consentPurpose] : []),
            ...a.disclosures.flatMap((d) => (d.consentedFields ?? []).map((g) => g.purpose)),
          ]),
      );
      if (!dto.purpose || !purposes.has(dto.purpose)) {
        throw new InvalidInputError([{ field: 'purpose', reason: 'is not a consent purpose of the shop' }]);
      }
    }
    if (!dto.activity) return;
    if (!registry.hasActivity(dto.activity)) {
      throw new InvalidInputError([{ field: 'activity', reason: 'is not a declared activity' }]);
    }
    if (dto.type === 'objection') {
      const basis = registry.activity(dto.activity).legalBasis;
      if (basis !== '6(1)(f)' && basis !== '6(1)(e)') {
        throw new RuleViolationError(
          'not-objectable',
          'Objection not applicable',
          `That activity rests on Art. ${basis} GDPR; an objection under Art. 21 applies to Art. 6(1)(e) or (f). Withdraw a consent through /api/v1/shop/consents instead.`,
          { errors: [{ field: 'activity', reason: 'is not based on legitimate interests' }] },
        );
      }
    }
  }

  // ---------------------------------------------------------------- the module's own rights

  export(subjectId: string, manager: EntityManager): Promise<ExportSection> {
    return this.exportMany([subjectId], manager);
  }

  async exportMany(subjectIds: readonly string[], manager: EntityManager): Promise<ExportSection> {
    const rows: RequestRow[] = await manager.query(
      `select * from privacy_request where subject_id = any($1::text[]) order by received_at`,
      [[...subjectIds]],
    );
    return {
      activities: rows.length ? [ACTIVITY] : [],
      categories: rows.length ? ['request.record'] : [],
      records: rows.map((r) => ({
        recordType: 'privacy_request',
        recordId: r.id,
        activityId: ACTIVITY,
        data: {
          type: r.type,
          status: r.status,
          channel: r.channel,
          activity: r.activity_id,
          receivedAt: r.received_at.toISOString(),
          dueAt: (r.extended_due_at ?? r.due_at).toISOString(),
          completedAt: r.completed_at?.toISOString() ?? null,
        },
      })),
    };
  }

  /** The requests are the proof of the answers (Arts. 5(2), 12): kept for their period even when the person asks for erasure. */
  async erase(subjectId: string, context: ErasureContext): Promise<ErasureOutcome[]> {
    const rows: { id: string; received_at: Date }[] = await context.manager.query(
      `select id, received_at from privacy_request where subject_id = $1`,
      [subjectId],
    );
    return rows.map((r) => {
      const until = new Date(r.received_at);
      until.setFullYear(until.getFullYear() + REQUEST_PROOF_YEARS);
      return {
        recordType: 'privacy_request',
        recordId: r.id,
        outcome: 'blocked' as const,
        activityId: ACTIVITY,
        statute: 'Art. 5(2), Art. 12 GDPR (proof of the answer); § 195 BGB (3-year limitation period)',
        until,
        recordDate: r.received_at,
      };
    });
  }

  async eraseBlocked(records: readonly BlockedRecord[], manager: EntityManager): Promise<void> {
    await manager.query(`delete from privacy_request where id = any($1::uuid[])`, [
      records.map((r) => r.recordId),
    ]);
  }
}

function addMonths(date: Date, months: number): Date {
  const d = new Date(date);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
}

function summariseErasure(reports: readonly ErasureReport[]): ErasureSummary {
  const erasers = reports.flatMap((r) => r.erasers);
  return {
    complete: reports.every((r) => r.complete),
    erased: erasers.reduce((n, e) => n + e.erased.length, 0),
    anonymised: erasers.reduce((n, e) => n + e.anonymised.length, 0),
    kept: erasers.flatMap((e) =>
      e.blocked.map((b) => ({ recordType: b.recordType, statute: b.statute, until: b.until })),
    ),
  };
}
