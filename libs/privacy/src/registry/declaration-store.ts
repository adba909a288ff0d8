import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import type { ActivityDeclaration, RecipientDeclaration } from '../declarations.js';
import { contentHash } from './canonical-json.js';
import { DeclarationVersion } from './declaration-version.entity.js';

export interface VersionInfo {
  version: number;
  contentHash: string;
  validFrom: Date;
  validTo: Date | null;
}

const STORE_LOCK = 7_301_914_101;

/**
 * Stores every declaration versioned by content hash. A declaration whose content changed becomes a
 * new version and closes the validity period of the previous one; unchanged ones are left alone.
 * Several instances starting at once take turns under an advisory lock.
 */
@Injectable()
export class DeclarationStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async sync(
    activities: readonly ActivityDeclaration[],
    recipients: readonly RecipientDeclaration[],
    now = new Date(),
  ): Promise<Map<string, VersionInfo>> {
    const current = new Map<string, VersionInfo>();
    await this.dataSource.transaction(async (manager) => {
      await manager.query('select pg_advisory_xact_lock($1)', [STORE_LOCK]);
      const repo = manager.getRepository(DeclarationVersion);
      const items: { kind: 'activity' | 'recipient'; id: string; body: unknown }[] = [
        ...recipients.map((r) => ({ kind: 'recipient' as const, id: r.id, body: r })),
        ...activities.map((a) => ({ kind: 'activity' as const, id: a.id, body: a })),
      ];
      for (const item of items) {
        const hash = contentHash(item.body);
        const latest = await repo.findOne({
          where: { kind: item.kind, declarationId: item.id, validTo: IsNull() },
        });
        if (latest?.contentHash === hash) {
          current.set(`${item.kind}:${item.id}`, latest);
          continue;
        }
        // A change, or a change reverted to older content: either way a new version, so that validity
        // periods follow each other without overlap.
        if (latest) await repo.update({ id: latest.id }, { validTo: now });
        const max = await repo.maximum('version', { kind: item.kind, declarationId: item.id });
        const saved = await repo.save(
          repo.create({
            kind: item.kind,
            declarationId: item.id,
            version: (max ?? 0) + 1,
            contentHash: hash,
            body: item.body,
            validFrom: now,
            validTo: null,
          }),
        );
        current.set(`${item.kind}:${item.id}`, saved);
      }
    });
    return current;
  }

  /** Every version of one declaration, oldest first, with its validity period and content. */
  async versions(kind: 'activity' | 'recipient', id: string): Promise<DeclarationVersion[]> {
    return this.dataSource
      .getRepository(DeclarationVersion)
      .find({ where: { kind, declarationId: id }, order: { version: 'ASC' } });
  }

  /** The version that was valid at a point in time (what the registry said when something happened). */
  async versionAt(kind: 'activity' | 'recipient', id: string, at: Date): Promise<DeclarationVersion | null> {
    return this.dataSource
      .getRepository(DeclarationVersion)
      .createQueryBuilder('v')
      .where(
        'v.kind = :kind and v.declaration_id = :id and v.valid_from <= :at and (v.valid_to is null or v.valid_to > :at)',
        { kind, id, at },
      )
      .getOne();
  }
}
