import { describe, expect, it } from '@jest/globals';
import { notBlockedClause } from './blocked-records.js';
import { quoteIdentifier } from './retention-policy.js';

describe('blocked records in module queries', () => {
  it('gives modules a NOT EXISTS condition on the block table for their id column', () => {
    expect(notBlockedClause('order', 'o.id')).toBe(
      "not exists (select 1 from privacy.blocked_record b where b.record_type = 'order' and b.record_id = (o.id)::text)",
    );
  });

  it('refuses a record type that could break out of the SQL literal', () => {
    expect(() => notBlockedClause("order' or '1'='1", 'o.id')).toThrow(/record type/);
    expect(() => notBlockedClause('Order', 'o.id')).toThrow(/record type/);
  });

  it('quotes only plain lower-case identifiers for declarative retention policies', () => {
    expect(quoteIdentifier('public.access_log', true)).toBe('"public"."access_log"');
    expect(() => quoteIdentifier('public.access_log')).toThrow();
    expect(() => quoteIdentifier('x"; drop table y; --')).toThrow();
  });
});
