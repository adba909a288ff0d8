import {
  HttpStatus,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditLog, PrivacyRegistryService, ProcessingGuard, type Actor } from '@app/privacy';
import type { FastifyRequest } from 'fastify';
import { from, mergeMap, type Observable } from 'rxjs';
import type { TokenClaims } from '../auth/token.service.js';
import { ProblemException } from '../problem/problem.js';
import { project } from './projection.js';
import { STAFF_VIEW_KEY, type Page, type StaffViewMetadata } from './staff-view.metadata.js';
import { viewFields } from './staff-views.js';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const PAGE_KEYS: ReadonlySet<string> = new Set(['items', 'nextCursor', 'total']);

/** A Page and nothing else: an order with an `items` list is a record, not a page. */
const isPage = (v: unknown): v is Page<unknown> =>
  isRecord(v) &&
  Array.isArray(v.items) &&
  'nextCursor' in v &&
  Object.keys(v).every((key) => PAGE_KEYS.has(key));

interface Masked {
  value: unknown;
  subject: string;
  fields: string[];
}

/**
 * The one place staff answers are masked (see StaffView). Per-route code never picks fields: it
 * returns whole records, this projects them onto STAFF_VIEWS[view][role].
 *
 * Order of work, each step failing closed:
 * 1. the caller's role must have the view (403 otherwise);
 * 2. the processing guard is asked per subject (Art. 18 restriction, Art. 21 objection): a refused
 *    subject is left out of a list, and a single record answers 403 processing-refused;
 * 3. each record is projected; the fields actually kept are what the audit log records;
 * 4. one audit entry per subject is appended and awaited: if the log cannot record the read, the
 *    data is not shown (the request fails).
 */
@Injectable()
export class StaffViewInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly auditLog: AuditLog,
    private readonly guard: ProcessingGuard,
    private readonly registry: PrivacyRegistryService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const metadata = this.reflector.get<StaffViewMetadata | undefined>(STAFF_VIEW_KEY, context.getHandler());
    if (!metadata) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: TokenClaims }>();
    const principal = request.principal;
    if (principal?.kind !== 'staff' || !principal.role) {
      // A programming error (the route lacks StaffAuthGuard): show nothing rather than everything.
      throw new Error(`@StaffView('${metadata.view}') on a route without StaffAuthGuard`);
    }
    if (!this.registry.registry.hasActivity(metadata.activity)) {
      // Also a programming error: every read must serve a declared activity.
      throw new Error(`@StaffView('${metadata.view}') names undeclared activity "${metadata.activity}"`);
    }
    const allowed = viewFields(metadata.view, principal.role);
    if (!allowed) {
      throw new ProblemException(
        HttpStatus.FORBIDDEN,
        'forbidden',
        'Forbidden',
        `Your role may not read ${metadata.view} records.`,
      );
    }
    const actor: Actor = { type: 'staff', id: principal.sub, role: principal.role };
    return next
      .handle()
      .pipe(mergeMap((result: unknown) => from(this.mask(result, metadata, allowed, actor))));
  }

  private async mask(
    result: unknown,
    metadata: StaffViewMetadata,
    allowed: readonly string[],
    actor: Actor,
  ): Promise<unknown> {
    if (result === null || result === undefined) return result;
    if (Array.isArray(result)) {
      const masked = await this.maskMany(result, metadata, allowed);
      await this.audit(masked, metadata, actor);
      return masked.map((m) => m.value);
    }
    if (isPage(result)) {
      const masked = await this.maskMany(result.items, metadata, allowed);
      await this.audit(masked, metadata, actor);
      const page: Page<unknown> = {
        items: masked.map((m) => m.value),
        nextCursor: typeof result.nextCursor === 'string' ? result.nextCursor : null,
      };
      if (typeof result.total === 'number') page.total = result.total;
      return page;
    }
    if (!isRecord(result)) throw new Error(`@StaffView('${metadata.view}') got a non-record answer`);
    const subject = metadata.subject(result);
    await this.guard.assertMayProcess(metadata.activity, subject);
    const { value, fields } = project(result, allowed);
    await this.audit([{ value, subject, fields }], metadata, actor);
    return value;
  }

  private async maskMany(
    records: unknown[],
    metadata: StaffViewMetadata,
    allowed: readonly string[],
  ): Promise<Masked[]> {
    const subjects = records.map((r) => {
      if (!isRecord(r)) throw new Error(`@StaffView('${metadata.view}') got a non-record item`);
      return metadata.subject(r);
    });
    const unique = [...new Set(subjects)];
    const permitted = new Set(
      (
        await Promise.all(
          unique.map(async (s) => ((await this.guard.mayProcess(metadata.activity, s)) ? s : null)),
        )
      ).filter((s): s is string => s !== null),
    );
    const masked: Masked[] = [];
    records.forEach((record, i) => {
      if (!permitted.has(subjects[i])) return;
      const { value, fields } = project(record, allowed);
      masked.push({ value, subject: subjects[i], fields });
    });
    return masked;
  }

  /** One entry per subject: several records of one person read at once are one access to them. */
  private async audit(masked: readonly Masked[], metadata: StaffViewMetadata, actor: Actor): Promise<void> {
    const fieldsBySubject = new Map<string, Set<string>>();
    for (const m of masked) {
      const set = fieldsBySubject.get(m.subject) ?? new Set<string>();
      m.fields.forEach((f) => set.add(f));
      fieldsBySubject.set(m.subject, set);
    }
    await Promise.all(
      [...fieldsBySubject].map(([subjectId, fields]) =>
        this.auditLog.append({
          subjectId,
          activityId: metadata.activity,
          action: 'read',
          fields: [...fields],
          actor,
        }),
      ),
    );
  }
}
