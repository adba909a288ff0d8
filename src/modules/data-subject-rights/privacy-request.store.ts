import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/core';
import { ActorContext } from '@app/privacy';
import type { Lang, RequestType } from './privacy-request.dto.js';

export type RequestStatus =
  | 'awaiting-verification'
  | 'awaiting-identity-check'
  | 'received'
  | 'awaiting-confirmation'
  | 'scheduled'
  | 'completed'
  | 'failed'
  | 'refused'
  | 'expired';

export type RequestChannel =
  'account' | 'email' | 'receipt' | 'order-link' | 'letter' | 'phone' | 'staff-email';

/** The statuses of a request the shop still owes an answer to (the privacy officer's queue). */
export const OPEN_STATUSES: readonly RequestStatus[] = [
  'awaiting-identity-check',
  'received',
  'awaiting-confirmation',
  'scheduled',
  'failed',
];

export interface RequestRow {
  id: string;
  subject_id: string;
  subject_ids: string[];
  type: RequestType;
  status: RequestStatus;
  channel: RequestChannel;
  contact_email: string | null;
  activity_id: string | null;
  consent_purpose: string | null;
  reason: string | null;
  lang: Lang;
  identity_check: string | null;
  recorded_by: string | null;
  received_at: Date;
  due_at: Date;
  extended_due_at: Date | null;
  extension_reason: string | null;
  refusal_reason: string | null;
  verified_at: Date | null;
  confirmed_at: Date | null;
  scheduled_for: Date | null;
  completed_at: Date | null;
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  outcome: Record<string, unknown>;
}

/** A request as the person and staff see it (never the contact address or the identity check). */
export interface PrivacyRequestRecord {
  id: string;
  type: RequestType;
  status: RequestStatus;
  channel: RequestChannel;
  activityId: string | null;
  receivedAt: Date;
  /** The deadline in force: one month after receipt, or the extended one (Art. 12(3)). */
  dueAt: Date;
  extended: boolean;
  scheduledFor: Date | null;
  completedAt: Date | null;
  outcome: Record<string, unknown>;
}

export const toRecord = (r: RequestRow): PrivacyRequestRecord => ({
  id: r.id,
  type: r.type,
  status: r.status,
  channel: r.channel,
  activityId: r.activity_id,
  receivedAt: r.received_at,
  dueAt: r.extended_due_at ?? r.due_at,
  extended: r.extended_due_at !== null,
  scheduledFor: r.scheduled_for,
  completedAt: r.completed_at,
  outcome: r.outcome,
});

/**
 * The privacy_request table and its event trail. Every write goes through `uow.manager`, so it joins
 * the caller's transaction; every step is recorded as an event (append-only) with its actor.
 */
@Injectable()
export class PrivacyRequestStore {
  constructor(private readonly uow: UnitOfWork) {}

  async create(input: {
    subjectId: string;
    subjectIds: string[];
    type: RequestType;
    status: RequestStatus;
    channel: RequestChannel;
    contactEmail: string | null;
    activityId: string | null;
    consentPurpose?: string | null;
    reason: string | null;
    lang: Lang;
    identityCheck: string | null;
    recordedBy: string | null;
    receivedAt?: Date;
    verified: boolean;
  }): Promise<RequestRow> {
    const rows: RequestRow[] = await this.uow.manager.query(
      `insert into privacy_request (subject_id, subject_ids, type, status, channel, contact_email, activity_id,
              reason, lang, identity_check, recorded_by, received_at, due_at, verified_at, consent_purpose)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, coalesce($12, now()),
               coalesce($12, now()) + interval '1 month', case when $13 then now() end, $14)
       returning *`,
      [
        input.subjectId,
        input.subjectIds,
        input.type,
        input.status,
        input.channel,
        input.contactEmail,
        input.activityId,
        input.reason,
        input.lang,
        input.identityCheck,
        input.recordedBy,
        input.receivedAt ?? null,
        input.verified,
        input.consentPurpose ?? null,
      ],
    );
    await this.event(rows[0].id, 'received', {
      type: input.type,
      channel: input.channel,
      ...(input.identityCheck ? { identityCheckedBy: 'staff' } : {}),
    });
    return rows[0];
  }

  async get(id: string, lock = false): Promise<RequestRow | undefined> {
    const rows: RequestRow[] = await this.uow.manager.query(
      `select * from privacy_request where id = $1 ${lock ? 'for update' : ''}`,
      [id],
    );
    return rows[0];
  }

  /** Sets columns (snake_case names, values) and answers the row. */
  async update(id: string, set: Partial<Record<keyof RequestRow, unknown>>): Promise<RequestRow> {
    const keys = Object.keys(set);
    const assignments = keys.map((k, i) => `${k} = $${i + 2}`).join(', ');
    const values = keys.map((k) => {
      const v = set[k as keyof RequestRow];
      return k === 'outcome' ? JSON.stringify(v) : v;
    });
    const [rows]: [RequestRow[], number] = await this.uow.manager.query(
      `update privacy_request set ${assignments} where id = $1 returning *`,
      [id, ...values],
    );
    return rows[0];
  }

  /** Records one step of the request, with who took it. */
  async event(requestId: string, step: string, detail: Record<string, unknown> = {}): Promise<void> {
    const actor = ActorContext.currentOrSystem();
    await this.uow.manager.query(
      `insert into privacy_request_event (request_id, step, actor_type, actor_id, detail) values ($1, $2, $3, $4, $5)`,
      [requestId, step, actor.type, actor.id, JSON.stringify(detail)],
    );
  }

  async events(requestId: string): Promise<{ at: Date; step: string; actorType: string; detail: unknown }[]> {
    const rows: { at: Date; step: string; actor_type: string; detail: unknown }[] =
      await this.uow.manager.query(
        `select at, step, actor_type, detail from privacy_request_event where request_id = $1 order by id`,
        [requestId],
      );
    return rows.map((r) => ({ at: r.at, step: r.step, actorType: r.actor_type, detail: r.detail }));
  }
}
