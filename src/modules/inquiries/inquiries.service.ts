import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditLog, JobQueue } from '@app/privacy';
import { DataSource, type EntityManager } from 'typeorm';
import { ProblemException, conflict, notFound } from '../../common/problem/problem.js';
import { normaliseEmail, inquirySubject } from '../../common/subjects.js';
import { RateLimiter } from '../../common/throttle/rate-limiter.js';
import { AppConfig } from '../../config/app-config.js';
import { INQUIRIES_ACTIVITY_ID, INQUIRY_CATEGORIES } from './inquiries.declarations.js';
import type {
  AnswerReceipt,
  ClosedInquiry,
  InquiryPage,
  InquiryReceipt,
  InquiryView,
  ListInquiriesQuery,
  SubmitInquiryDto,
} from './inquiries.dto.js';
import { InquiryDeletion } from './inquiry-deletion.js';
import { Inquiry, InquiryAnswer, type InquiryStatus } from './inquiry.entity.js';
import { toE164 } from './phone.js';
import { newWithdrawalToken, withdrawalTokenMatches } from './withdrawal-token.js';

/**
 * The job enqueued, in the answer's transaction, when support answers an inquiry: the notifications
 * outbox sends the answer to the person. Ids only; the worker reads the rest through
 * InquiryAnswerDelivery and reports the sending back with `markDelivered`.
 */
export const INQUIRY_ANSWERED_JOB = 'inquiry.answered';
export interface InquiryAnsweredJob {
  inquiryId: string;
  answerId: string;
}

const DAY_MS = 86_400_000;
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** What withdrawing did: deleted, or kept because a legal hold covers it (deleted after its release). */
export type WithdrawalOutcome = 'deleted' | 'held';

/**
 * Contact-form and product inquiries: taken without an account, read and answered by support,
 * deleted once handled or when the person withdraws them (see InquiryDeletion for when exactly).
 * Withdrawn inquiries that a legal hold keeps are invisible here: only the hold keeps them.
 */
@Injectable()
export class InquiriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly limiter: RateLimiter,
    private readonly deletion: InquiryDeletion,
    private readonly audit: AuditLog,
    private readonly jobs: JobQueue,
  ) {}

  /** Takes an inquiry from the public form; `clientIp` is counted (hashed) against the form's limit. */
  async submit(input: SubmitInquiryDto, clientIp: string): Promise<InquiryReceipt> {
    await this.limiter.enforce(
      {
        scope: 'inquiry:client',
        key: clientIp,
        max: this.config.INQUIRY_RATE_LIMIT_MAX,
        windowSeconds: this.config.INQUIRY_RATE_LIMIT_WINDOW_SECONDS,
      },
      'Too many inquiries were sent from your network. Please try again later.',
    );
    const phone = input.phone === undefined ? null : toE164(input.phone);
    if (input.phone !== undefined && phone === null) {
      // The DTO has validated it already; this guards the service against other callers.
      throw new ProblemException(HttpStatus.BAD_REQUEST, 'invalid-phone', 'Invalid telephone number');
    }
    const { token, hash } = newWithdrawalToken();
    const [row] = await this.dataSource.query<{ id: string }[]>(
      `insert into inquiry (name, email, email_normalized, company, phone, message, product_sku, withdrawal_token_hash)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       returning id`,
      [
        input.name,
        input.email,
        normaliseEmail(input.email),
        input.company ?? null,
        phone,
        input.message,
        input.productSku ?? null,
        hash,
      ],
    );
    return { id: row.id, withdrawalToken: token, withdrawUrl: `/api/v1/shop/inquiries/${row.id}` };
  }

  /**
   * The person withdraws the inquiry with the token of the receipt: deleted at once (hard delete),
   * whatever its state, unless a legal hold covers it. A wrong token or an unknown id is the same 404.
   */
  async withdraw(id: string, token: unknown, now: Date = new Date()): Promise<WithdrawalOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<{ withdrawal_token_hash: Buffer }[]>(
        'select withdrawal_token_hash from inquiry where id = $1 for update',
        [id],
      );
      if (!row || !withdrawalTokenMatches(token, row.withdrawal_token_hash)) throw notFound('The inquiry');
      await manager.query(
        `update inquiry set withdrawn_at = coalesce(withdrawn_at, $2), delete_after = $2 where id = $1`,
        [id, now],
      );
      const decision = await this.deletion.deleteIfDue(id, now, manager);
      return decision.deleted ? 'deleted' : 'held';
    });
  }

  /** The support queue, oldest first; no personal data in it. */
  async list(query: ListInquiriesQuery): Promise<InquiryPage> {
    const where = query.status
      ? 'where i.withdrawn_at is null and i.status = $1'
      : 'where i.withdrawn_at is null';
    const filter = query.status ? [query.status] : [];
    const n = filter.length;
    const rows = await this.dataSource.query<
      {
        id: string;
        status: InquiryStatus;
        product_sku: string | null;
        answer_count: number;
        created_at: Date;
        answered_at: Date | null;
        closed_at: Date | null;
        delete_after: Date | null;
      }[]
    >(
      `select i.id, i.status, i.product_sku, i.created_at, i.answered_at, i.closed_at, i.delete_after,
              (select count(*)::int from inquiry_answer a where a.inquiry_id = i.id) as answer_count
         from inquiry i ${where}
        order by i.created_at, i.id
        limit $${n + 1} offset $${n + 2}`,
      [...filter, query.pageSize, (query.page - 1) * query.pageSize],
    );
    const [{ total }] = await this.dataSource.query<{ total: number }[]>(
      `select count(*)::int as total from inquiry i ${where}`,
      filter,
    );
    return {
      items: rows.map((r) => ({
        id: r.id,
        status: r.status,
        productSku: r.product_sku,
        answerCount: r.answer_count,
        createdAt: r.created_at.toISOString(),
        answeredAt: iso(r.answered_at),
        closedAt: iso(r.closed_at),
        deleteAfter: iso(r.delete_after),
      })),
      page: query.page,
      pageSize: query.pageSize,
      total,
    };
  }

  /** One inquiry with its answers, for support. The read is on the audit log before it is shown. */
  async read(id: string): Promise<InquiryView> {
    const inquiry = await this.dataSource.getRepository(Inquiry).findOne({
      where: { id },
      relations: { answers: true },
      order: { answers: { createdAt: 'ASC', id: 'ASC' } },
    });
    if (!inquiry || inquiry.withdrawnAt) throw notFound('The inquiry');
    const answers = inquiry.answers ?? [];
    const fields: string[] = [INQUIRY_CATEGORIES.name, INQUIRY_CATEGORIES.email, INQUIRY_CATEGORIES.message];
    if (inquiry.company !== null) fields.push(INQUIRY_CATEGORIES.company);
    if (inquiry.phone !== null) fields.push(INQUIRY_CATEGORIES.phone);
    if (inquiry.productSku !== null) fields.push(INQUIRY_CATEGORIES.product);
    if (answers.length > 0) fields.push(INQUIRY_CATEGORIES.answer);
    await this.audit.append({
      subjectId: inquirySubject(inquiry.id),
      activityId: INQUIRIES_ACTIVITY_ID,
      action: 'read',
      fields,
    });
    return {
      id: inquiry.id,
      status: inquiry.status,
      name: inquiry.name,
      email: inquiry.email,
      company: inquiry.company,
      phone: inquiry.phone,
      message: inquiry.message,
      productSku: inquiry.productSku,
      answerCount: answers.length,
      createdAt: inquiry.createdAt.toISOString(),
      answeredAt: iso(inquiry.answeredAt),
      closedAt: iso(inquiry.closedAt),
      deleteAfter: iso(inquiry.deleteAfter),
      answers: answers.map((a: InquiryAnswer) => ({
        id: a.id,
        text: a.body,
        answeredBy: a.answeredBy,
        createdAt: a.createdAt.toISOString(),
        deliveredAt: iso(a.deliveredAt),
      })),
    };
  }

  /**
   * Stores support's answer and, in the same transaction, enqueues INQUIRY_ANSWERED_JOB so that the
   * notifications outbox sends it (a rollback sends nothing; a crash after the commit loses nothing).
   * An inquiry may be answered more than once until it is closed.
   */
  async answer(id: string, text: string, staffId: string): Promise<AnswerReceipt> {
    return this.dataSource.transaction(async (manager) => {
      const status = await this.lockActive(id, manager);
      if (status === 'closed') {
        throw conflict('inquiry-closed', 'The inquiry is closed; it can no longer be answered.');
      }
      const [answer] = await manager.query<{ id: string; created_at: Date }[]>(
        `insert into inquiry_answer (inquiry_id, body, answered_by) values ($1, $2, $3) returning id, created_at`,
        [id, text, staffId],
      );
      await manager.query(`update inquiry set status = 'answered', answered_at = $2 where id = $1`, [
        id,
        answer.created_at,
      ]);
      const job: InquiryAnsweredJob = { inquiryId: id, answerId: answer.id };
      await this.jobs.send(INQUIRY_ANSWERED_JOB, job, { db: manager });
      return {
        id: answer.id,
        inquiryId: id,
        status: 'answered' as const,
        answeredAt: answer.created_at.toISOString(),
      };
    });
  }

  /**
   * Closes a handled inquiry: `delete_after` = now + INQUIRY_DELETE_GRACE_DAYS. With no grace (the
   * default) it is deleted in this same transaction, unless an answer still waits to be sent or a
   * legal hold covers it; then the retention sweep deletes it when that ends.
   */
  async close(id: string, now: Date = new Date()): Promise<ClosedInquiry> {
    return this.dataSource.transaction(async (manager) => {
      const status = await this.lockActive(id, manager);
      if (status === 'closed') throw conflict('inquiry-closed', 'The inquiry is already closed.');
      const deleteAfter = new Date(now.getTime() + this.config.INQUIRY_DELETE_GRACE_DAYS * DAY_MS);
      await manager.query(
        `update inquiry set status = 'closed', closed_at = $2, delete_after = $3 where id = $1`,
        [id, now, deleteAfter],
      );
      const decision = await this.deletion.deleteIfDue(id, now, manager);
      return {
        id,
        status: 'closed' as const,
        closedAt: now.toISOString(),
        deleted: decision.deleted,
        deleteAfter: decision.deleted ? null : deleteAfter.toISOString(),
        keptFor: decision.deleted ? null : decision.keptFor,
      };
    });
  }

  /** Locks an inquiry support may work on (not withdrawn) and answers its status; 404 otherwise. */
  private async lockActive(id: string, manager: EntityManager): Promise<InquiryStatus> {
    const [row] = await manager.query<{ status: InquiryStatus }[]>(
      'select status from inquiry where id = $1 and withdrawn_at is null for update',
      [id],
    );
    if (!row) throw notFound('The inquiry');
    return row.status;
  }
}
