import { Injectable } from '@nestjs/common';
import {
  LegalHolds,
  type BlockedRecord,
  type ErasureContext,
  type ErasureOutcome,
  type ExportSection,
  type PersonalDataEraser,
  type PersonalDataExporter,
} from '@app/privacy';
import type { EntityManager } from 'typeorm';
import {
  ACCESS_LOG_ACTIVITY_ID,
  ACCESS_LOG_CATEGORIES,
  ACCESS_LOG_RECORD,
} from './access-log.declarations.js';
import { accessLogHolds, parseIpSubject, SqlParameters } from './hold-conditions.js';
import { normaliseIp } from './request-sanitiser.js';

interface LineRow {
  id: string;
  occurred_at: Date;
  ip: string | null;
  method: string;
  url: string;
  status: number;
  referrer: string | null;
  browser_name: string | null;
  browser_version: string | null;
  os_name: string | null;
  os_version: string | null;
  duration_ms: number;
  request_id: string | null;
  held: boolean;
}

/** The single address of an `ip:<address>` subject (a network is no person's address), normalised. */
function addressOf(subjectId: string): string | null {
  const ip = parseIpSubject(subjectId);
  return ip && ip.prefix === undefined ? normaliseIp(ip.address) : null;
}

const SELECT_LINES = (table: string, held: boolean): string =>
  `select id::text, occurred_at, host(ip) as ip, method, url, status, referrer, browser_name, browser_version,
          os_name, os_version, duration_ms, request_id, ${held} as held
     from ${table} where ip = $1::inet`;

/**
 * Access (Art. 15, 20) and erasure (Art. 17) for the access log. Its lines are linked to nobody but
 * an IP address, so its subjects are `ip:<address>`: a person who shows they used an address may ask
 * for its lines. Erasure deletes them at once, except those a legal hold covers (Art. 17(3)(e)),
 * judged the way the partition maintenance judges them (address ranges included).
 */
@Injectable()
export class AccessLogRights implements PersonalDataExporter, PersonalDataEraser {
  readonly name = 'access-log';

  constructor(private readonly holds: LegalHolds) {}

  async export(subjectId: string, manager: EntityManager): Promise<ExportSection> {
    const section: ExportSection = { activities: [ACCESS_LOG_ACTIVITY_ID], categories: [], records: [] };
    const ip = addressOf(subjectId);
    if (!ip) return section;
    const rows = await manager.query<LineRow[]>(
      `${SELECT_LINES('access_log', false)} union all ${SELECT_LINES('access_log_held', true)}
       order by occurred_at, id`,
      [ip],
    );
    if (rows.length === 0) return section;
    return {
      ...section,
      categories: Object.values(ACCESS_LOG_CATEGORIES),
      records: rows.map((r) => ({
        recordType: ACCESS_LOG_RECORD,
        recordId: r.id,
        activityId: ACCESS_LOG_ACTIVITY_ID,
        data: {
          occurredAt: r.occurred_at.toISOString(),
          ip: r.ip,
          method: r.method,
          url: r.url,
          status: r.status,
          referrer: r.referrer,
          browser: r.browser_name,
          browserVersion: r.browser_version,
          operatingSystem: r.os_name,
          operatingSystemVersion: r.os_version,
          durationMs: r.duration_ms,
          requestId: r.request_id,
          keptUnderLegalHold: r.held,
        },
      })),
    };
  }

  async erase(subjectId: string, context: ErasureContext): Promise<ErasureOutcome[]> {
    const ip = addressOf(subjectId);
    if (!ip) return [];
    const outcomes: ErasureOutcome[] = [];
    for (const table of ['access_log', 'access_log_held']) {
      outcomes.push(...(await this.eraseFrom(table, ip, context)));
    }
    return outcomes;
  }

  /** Lines are never blocked (no statute keeps them); erases whatever was blocked all the same. */
  async eraseBlocked(records: readonly BlockedRecord[], manager: EntityManager): Promise<void> {
    const ids = records.filter((r) => r.recordType === ACCESS_LOG_RECORD && /^\d{1,18}$/.test(r.recordId));
    if (ids.length === 0) return;
    const list = ids.map((r) => r.recordId);
    await manager.query('delete from access_log where id = any($1::bigint[])', [list]);
    await manager.query('delete from access_log_held where id = any($1::bigint[])', [list]);
  }

  private async eraseFrom(table: string, ip: string, context: ErasureContext): Promise<ErasureOutcome[]> {
    const { manager } = context;
    // The kernel has taken the legal-hold lock in this transaction already.
    const params = new SqlParameters(1);
    const holds = accessLogHolds(await this.holds.activeHolds(manager), params);
    const rows = await manager.query<{ id: string; occurred_at: Date; hold_id: string | null }[]>(
      `select id::text, occurred_at, ${holds ? holds.holdIdOf() : 'null::uuid'}::text as hold_id
         from ${table} where ip = $1::inet for update`,
      [ip, ...params.values],
    );
    const outcomes: ErasureOutcome[] = [];
    const erase: string[] = [];
    for (const row of rows) {
      const holdId =
        row.hold_id ??
        context.heldBy({
          activityId: ACCESS_LOG_ACTIVITY_ID,
          recordType: ACCESS_LOG_RECORD,
          recordId: row.id,
          occurredAt: row.occurred_at,
        });
      if (holdId) {
        outcomes.push({
          recordType: ACCESS_LOG_RECORD,
          recordId: row.id,
          outcome: 'held',
          activityId: ACCESS_LOG_ACTIVITY_ID,
          holdId,
          recordDate: row.occurred_at,
        });
      } else {
        erase.push(row.id);
        outcomes.push({ recordType: ACCESS_LOG_RECORD, recordId: row.id, outcome: 'erased' });
      }
    }
    if (erase.length > 0) {
      await manager.query(`delete from ${table} where ip = $1::inet and id = any($2::bigint[])`, [ip, erase]);
    }
    return outcomes;
  }
}
