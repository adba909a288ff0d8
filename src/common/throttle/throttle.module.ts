import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { RetentionPolicies } from '@app/privacy';
import type { EntityManager } from 'typeorm';
import { RateLimiter } from './rate-limiter.js';

/**
 * Rate limits shared by all instances. Their counters hold keyed hashes of IPs and emails, which are
 * still pseudonymous personal data: a counter is deleted one day after its window ended (the
 * retention sweep does it, under the access log's security purpose).
 */
@Global()
@Module({ providers: [RateLimiter], exports: [RateLimiter] })
export class ThrottleModule implements OnModuleInit {
  constructor(private readonly retention: RetentionPolicies) {}

  onModuleInit(): void {
    this.retention.register({
      id: 'rate-limits.ended-windows',
      activityId: 'access-log',
      recordType: 'rate_limit_bucket',
      async findExpired(now: Date, manager: EntityManager) {
        const rows: { id: string; window_end: Date }[] = await manager.query(
          `select scope || '/' || key_hash as id, window_end from rate_limit_bucket
            where window_end < $1::timestamptz - interval '1 day' limit 10000`,
          [now],
        );
        return rows.map((r) => ({ recordId: r.id, occurredAt: r.window_end }));
      },
      async erase(ids: string[], manager: EntityManager) {
        await manager.query(
          `delete from rate_limit_bucket where scope || '/' || key_hash = any($1::text[])`,
          [ids],
        );
      },
    });
  }
}
