import { declareRecords, type RecordDeclaration } from '@app/privacy';
import {
  ACCESS_LOG_ACTIVITY_ID,
  ACCESS_LOG_CATEGORIES,
  ACCESS_LOG_RECORD,
} from './access-log.declarations.js';
import { accessLogHolds, parseIpSubject, SqlParameters } from './hold-conditions.js';
import { normaliseIp } from './request-sanitiser.js';

/** The single address of an `ip:<address>` subject (a network is no person's address), normalised. */
function addressOf(subjectId: string): string | undefined {
  const ip = parseIpSubject(subjectId);
  return ip && ip.prefix === undefined ? (normaliseIp(ip.address) ?? undefined) : undefined;
}

/** The lines of one table: the live log, or the lines a legal hold kept past their partition. */
const lines = (table: 'access_log' | 'access_log_held', held: boolean): RecordDeclaration => ({
  recordType: ACCESS_LOG_RECORD,
  activityId: ACCESS_LOG_ACTIVITY_ID,
  table,
  idType: 'bigint',
  subjectColumn: 'ip',
  subjectType: 'inet',
  subjectValue: addressOf,
  dateColumn: 'occurred_at',
  onErasure: 'erase',
  // Judged the way the partition maintenance judges them: a hold on an address range covers the address.
  holdIdSql(holds, firstParameter) {
    const params = new SqlParameters(firstParameter - 1);
    const applicable = accessLogHolds(holds, params);
    return applicable ? { sql: applicable.holdIdOf(), params: params.values } : null;
  },
  export: {
    columns: [
      'occurred_at',
      'method',
      'url',
      'status',
      'referrer',
      'browser_name',
      'browser_version',
      'os_name',
      'os_version',
      'duration_ms',
      'request_id',
    ],
    computed: { ip: 'host(ip)' },
    categories: Object.values(ACCESS_LOG_CATEGORIES),
    toData: (r) => ({
      occurredAt: (r.occurred_at as Date).toISOString(),
      ip: r.ip as string | null,
      method: r.method as string,
      url: r.url as string,
      status: r.status as number,
      referrer: r.referrer as string | null,
      browser: r.browser_name as string | null,
      browserVersion: r.browser_version as string | null,
      operatingSystem: r.os_name as string | null,
      operatingSystemVersion: r.os_version as string | null,
      durationMs: r.duration_ms as number,
      requestId: r.request_id as string | null,
      keptUnderLegalHold: held,
    }),
  },
});

/**
 * Access (Art. 15, 20) and erasure (Art. 17) for the access log. Its lines are linked to nobody but
 * an IP address, so its subjects are `ip:<address>`: a person who shows they used an address may ask
 * for its lines. Erasure deletes them at once, except those a legal hold covers (Art. 17(3)(e)),
 * judged the way the partition maintenance judges them (address ranges included). Retention is the
 * partitions' (AccessLogPartitions), not a policy.
 */
export const ACCESS_LOG_RECORDS = declareRecords({
  name: 'access-log',
  records: [lines('access_log', false), lines('access_log_held', true)],
  // One copy across both tables, in time order.
  exportOrder: (a, b) =>
    (a.data.occurredAt as string).localeCompare(b.data.occurredAt as string) ||
    Number(BigInt(a.recordId) - BigInt(b.recordId)),
});
