import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Disclosure } from '../declarations.js';
import { ActorContext } from '../context/actor-context.js';
import { ConsentLedger } from '../consent/consent-ledger.js';
import { DisclosureRefused, PrivacyError } from '../errors.js';
import { ProcessingGuard } from '../guard/processing-guard.js';
import { PRIVACY_OPTIONS, type PrivacyKernelOptions } from '../privacy.options.js';
import { canonicalJson } from '../registry/canonical-json.js';
import { PrivacyRegistryService } from '../registry/privacy-registry.service.js';

export interface DisclosureRequest<P extends object, R> {
  activityId: string;
  recipientId: string;
  subjectId: string;
  /** The data in the shop's vocabulary (name, street, ...); the adapter maps it to the wire format in `send`. */
  payload: P;
  /** Sends the payload; runs only when every field is allowed. */
  send: (payload: P) => Promise<R>;
  manager?: EntityManager;
}

/** The leaf paths of a payload: `{ a: { b: 1 }, c: [..] }` → `a.b`, `c` (arrays are one field). */
export function fieldPaths(payload: object, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(payload)) {
    if (value === undefined) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
      const nested = fieldPaths(value as object, path);
      out.push(...(nested.length ? nested : [path]));
    } else {
      out.push(path);
    }
  }
  return out;
}

/** An allow-list entry permits the field itself and everything under it (`parcel` permits `parcel.weight`). */
const permits = (allowed: readonly string[], path: string): boolean =>
  allowed.some((a) => path === a || path.startsWith(`${a}.`));

/**
 * The one way personal data leaves the system for a recipient. The payload must fit the recipient's
 * allow-list for the activity (plus the fields the subject consented to); anything else fails
 * closed: nothing is sent, nothing is logged as disclosed, and the error names the fields.
 * Each disclosure is logged: when, to whom, for which activity, about whom, which fields, and a
 * keyed hash (HMAC-SHA256, `disclosureHashKey`) of the payload: the values themselves are not kept, and
 * without the key the hash cannot be reversed by trying likely values.
 */
@Injectable()
export class Discloser {
  private readonly hashKey: Buffer;

  constructor(
    private readonly registry: PrivacyRegistryService,
    private readonly guard: ProcessingGuard,
    private readonly consent: ConsentLedger,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(PRIVACY_OPTIONS) options: PrivacyKernelOptions,
  ) {
    this.hashKey = options.disclosureHashKey ?? randomBytes(32);
  }

  /** The keyed hash the log keeps of a payload (hex HMAC-SHA256 of its canonical JSON). */
  payloadHash(payload: unknown): string {
    return createHmac('sha256', this.hashKey).update(canonicalJson(payload)).digest('hex');
  }

  /** The fields this recipient may receive for this subject now (base allow-list plus consented fields). */
  async allowedFields(
    activityId: string,
    recipientId: string,
    subjectId: string,
    manager?: EntityManager,
  ): Promise<string[]> {
    const declared = this.declaredDisclosure(activityId, recipientId);
    const allowed = [...declared.fields];
    for (const group of declared.consentedFields ?? []) {
      if (await this.consent.isGranted(subjectId, group.purpose, manager)) allowed.push(...group.fields);
    }
    return allowed;
  }

  async disclose<P extends object, R>(request: DisclosureRequest<P, R>): Promise<R> {
    const { activityId, recipientId, subjectId, payload, manager } = request;
    await this.guard.assertMayProcess(activityId, subjectId, { manager });
    const allowed = await this.allowedFields(activityId, recipientId, subjectId, manager);
    const fields = fieldPaths(payload);
    const beyond = fields.filter((f) => !permits(allowed, f));
    if (beyond.length > 0) throw new DisclosureRefused(recipientId, activityId, beyond);

    let outcome: 'sent' | 'failed' = 'failed';
    try {
      const result = await request.send(payload);
      outcome = 'sent';
      return result;
    } finally {
      // A failed call may still have reached the recipient: it is logged too, marked as failed.
      await this.log(activityId, recipientId, subjectId, fields, this.payloadHash(payload), outcome, manager);
    }
  }

  /**
   * Checks a payload against the allow-list without sending (for pull APIs that return data in a
   * response instead of sending it); it is logged as disclosed like any other.
   */
  async project<P extends object>(request: Omit<DisclosureRequest<P, P>, 'send'>): Promise<P> {
    return this.disclose({ ...request, send: (p) => Promise.resolve(p) });
  }

  /** The recipients that actually received a subject's data (Art. 15(1)(c) per CJEU C-154/21; Art. 19). */
  async disclosuresAbout(
    subject: string | readonly string[],
    manager?: EntityManager,
  ): Promise<
    { occurredAt: Date; recipientId: string; activityId: string; fields: string[]; outcome: string }[]
  > {
    const rows: {
      occurred_at: Date;
      recipient_id: string;
      activity_id: string;
      fields: string[];
      outcome: string;
    }[] = await (manager ?? this.dataSource.manager).query(
      `select occurred_at, recipient_id, activity_id, fields, outcome from privacy.disclosure_log
        where subject_id = any($1::text[]) order by id`,
      [typeof subject === 'string' ? [subject] : [...subject]],
    );
    return rows.map((r) => ({
      occurredAt: r.occurred_at,
      recipientId: r.recipient_id,
      activityId: r.activity_id,
      fields: r.fields,
      outcome: r.outcome,
    }));
  }

  private declaredDisclosure(activityId: string, recipientId: string): Disclosure {
    const activity = this.registry.registry.activity(activityId);
    const declared = activity.disclosures.find((d) => d.recipient === recipientId);
    if (!declared) {
      throw new PrivacyError(
        500,
        'disclosure-refused',
        'Disclosure refused',
        `The registry declares no disclosure to ${recipientId} for ${activityId}. Nothing was sent.`,
        {
          recipient: recipientId,
          activity: activityId,
        },
      );
    }
    return declared;
  }

  private async log(
    activityId: string,
    recipientId: string,
    subjectId: string,
    fields: string[],
    payloadHash: string,
    outcome: 'sent' | 'failed',
    manager?: EntityManager,
  ): Promise<void> {
    const actor = ActorContext.currentOrSystem();
    await (manager ?? this.dataSource.manager).query(
      `insert into privacy.disclosure_log (recipient_id, activity_id, subject_id, fields, payload_hash, outcome, actor_type, actor_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [recipientId, activityId, subjectId, [...fields].sort(), payloadHash, outcome, actor.type, actor.id],
    );
  }
}
