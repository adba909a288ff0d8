import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, type EntityManager, type Repository } from 'typeorm';
import { ActorContext, type Actor } from '../context/actor-context.js';
import { PrivacyError } from '../errors.js';
import { scopeIsEmpty, type ActiveHold, type LegalHoldScope } from './hold-scope.js';
import { LegalHoldEntity } from './retention.entities.js';

/** A legal hold as the kernel hands it out. */
export interface LegalHold {
  id: string;
  scope: LegalHoldScope;
  reason: string;
  createdBy: Pick<Actor, 'type' | 'id'>;
  createdAt: Date;
  releasedAt: Date | null;
  releasedBy: Pick<Actor, 'type' | 'id'> | null;
  active: boolean;
}

const toScope = (e: LegalHoldEntity): LegalHoldScope => ({
  ...(e.activityId ? { activityId: e.activityId } : {}),
  ...(e.subjectId ? { subjectId: e.subjectId } : {}),
  ...(e.recordType ? { recordType: e.recordType } : {}),
  ...(e.recordIds && e.recordIds.length > 0 ? { recordIds: e.recordIds } : {}),
  ...(e.rangeFrom ? { from: e.rangeFrom } : {}),
  ...(e.rangeTo ? { to: e.rangeTo } : {}),
});

const toHold = (e: LegalHoldEntity): LegalHold => ({
  id: e.id,
  scope: toScope(e),
  reason: e.reason,
  createdBy: { type: e.createdByType as Actor['type'], id: e.createdById },
  createdAt: e.createdAt,
  releasedAt: e.releasedAt,
  releasedBy:
    e.releasedByType && e.releasedById
      ? { type: e.releasedByType as Actor['type'], id: e.releasedById }
      : null,
  active: e.releasedAt === null,
});

/**
 * Legal holds: created with a scope, a reason and who (the current actor), released with who and
 * when, never deleted. The sweep and the erasure orchestration ask `activeHolds(manager)` inside
 * their own transaction, after `lockForErasure(manager)`.
 */
@Injectable()
export class LegalHolds {
  constructor(@InjectRepository(LegalHoldEntity) private readonly holds: Repository<LegalHoldEntity>) {}

  async create(scope: LegalHoldScope, reason: string): Promise<LegalHold> {
    if (scopeIsEmpty(scope)) {
      throw new PrivacyError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'legal-hold-scope-empty',
        'Legal hold scope is empty',
        'A legal hold needs at least one of activityId, subjectId, recordType, recordIds, from, to.',
      );
    }
    if (scope.from && scope.to && scope.from.getTime() > scope.to.getTime()) {
      throw new PrivacyError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'legal-hold-range-reversed',
        'Legal hold time range is reversed',
        'The scope\'s "from" lies after its "to".',
      );
    }
    if (!reason.trim()) {
      throw new PrivacyError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'legal-hold-reason-missing',
        'Legal hold reason missing',
        'A legal hold must say why it exists.',
      );
    }
    const actor = ActorContext.currentOrSystem();
    const saved = await this.holds.save(
      this.holds.create({
        activityId: scope.activityId ?? null,
        subjectId: scope.subjectId ?? null,
        recordType: scope.recordType ?? null,
        recordIds: scope.recordIds && scope.recordIds.length > 0 ? [...new Set(scope.recordIds)] : null,
        rangeFrom: scope.from ?? null,
        rangeTo: scope.to ?? null,
        reason: reason.trim(),
        createdByType: actor.type,
        createdById: actor.id,
      }),
    );
    return this.get(saved.id);
  }

  /**
   * Releases a hold, recording who and when. Releasing a released hold changes nothing and answers
   * the first release (DELETE is idempotent: a retried request must not fail nor rewrite history).
   */
  async release(id: string): Promise<LegalHold> {
    const actor = ActorContext.currentOrSystem();
    await this.holds
      .createQueryBuilder()
      .update(LegalHoldEntity)
      .set({ releasedAt: () => 'now()', releasedByType: actor.type, releasedById: actor.id })
      .where('id = :id and released_at is null', { id })
      .execute();
    return this.get(id);
  }

  async get(id: string): Promise<LegalHold> {
    const hold = await this.holds.findOneBy({ id });
    if (!hold) {
      throw new PrivacyError(
        HttpStatus.NOT_FOUND,
        'legal-hold-not-found',
        'Legal hold not found',
        'No legal hold has this id.',
      );
    }
    return toHold(hold);
  }

  async list(filter: { status?: 'active' | 'released' } = {}): Promise<LegalHold[]> {
    const where =
      filter.status === 'active'
        ? { releasedAt: IsNull() }
        : filter.status === 'released'
          ? { releasedAt: Not(IsNull()) }
          : {};
    const rows = await this.holds.find({ where, order: { createdAt: 'DESC', id: 'ASC' } });
    return rows.map(toHold);
  }

  /**
   * Takes a SHARE lock on the holds table for the rest of `manager`'s transaction. Creating or
   * releasing a hold waits until the transaction ends, and the holds read after the lock are all
   * the committed ones: a hold created while an erasure runs is either seen by it or created after
   * it committed, never missed in between.
   */
  async lockForErasure(manager: EntityManager): Promise<void> {
    await manager.query('lock table privacy.legal_hold in share mode');
  }

  /** The active holds, read through `manager` (inside the caller's transaction). */
  async activeHolds(manager: EntityManager): Promise<ActiveHold[]> {
    const rows = await manager.getRepository(LegalHoldEntity).find({ where: { releasedAt: IsNull() } });
    return rows.map((e) => ({ id: e.id, scope: toScope(e) }));
  }
}
