import { describe, expect, it } from '@jest/globals';
import { accessLogHolds, holdCondition, parseIpSubject, SqlParameters } from './hold-conditions.js';

const from = new Date('2026-06-01T10:00:00Z');
const to = new Date('2026-06-01T11:00:00Z');

describe('which legal holds keep access-log lines', () => {
  it('reads an IP address or network from the subject of a hold', () => {
    expect(parseIpSubject('ip:203.0.113.7')).toEqual({ address: '203.0.113.7' });
    expect(parseIpSubject('ip:198.51.100.0/24')).toEqual({ address: '198.51.100.0', prefix: 24 });
    expect(parseIpSubject('ip:2001:db8::/32')).toEqual({ address: '2001:db8::', prefix: 32 });
    expect(parseIpSubject('ip:203.0.113.7/33')).toBeUndefined();
    expect(parseIpSubject('ip:erika@example.org')).toBeUndefined();
    expect(parseIpSubject('customer:42')).toBeUndefined();
  });

  it('covers lines by time range and IP, every criterion narrowing the others', () => {
    const params = new SqlParameters();
    expect(
      holdCondition({ activityId: 'access-log', subjectId: 'ip:198.51.100.0/24', from, to }, params),
    ).toBe('(ip <<= $1::inet) and (occurred_at >= $2::timestamptz) and (occurred_at <= $3::timestamptz)');
    expect(params.values).toEqual(['198.51.100.0/24', from, to]);
  });

  it('follows the kernel: a time range alone covers the access log too, a hold on another activity does not', () => {
    expect(holdCondition({ from }, new SqlParameters())).toBe('(occurred_at >= $1::timestamptz)');
    expect(holdCondition({ activityId: 'orders', from }, new SqlParameters())).toBeNull();
    expect(holdCondition({ recordType: 'invoice' }, new SqlParameters())).toBeNull();
    expect(holdCondition({ activityId: 'access-log' }, new SqlParameters())).toBe('true');
    expect(
      holdCondition({ recordType: 'access_log_entry', recordIds: ['17', 'x'] }, new SqlParameters()),
    ).toBe('(id = any($1::bigint[]))');
  });

  it('never lets a hold on a customer freeze the access log (its lines are not linked to customers)', () => {
    expect(holdCondition({ subjectId: 'customer:7f1c' }, new SqlParameters())).toBeNull();
    expect(
      holdCondition({ activityId: 'access-log', subjectId: 'customer:7f1c' }, new SqlParameters()),
    ).toBeNull();
  });

  it('names, for every covered line, the first hold that covers it', () => {
    const params = new SqlParameters(1);
    const holds = accessLogHolds(
      [
        { id: 'a0000000-0000-4000-8000-000000000001', scope: { activityId: 'orders' } },
        { id: 'a0000000-0000-4000-8000-000000000002', scope: { subjectId: 'ip:203.0.113.7' } },
        { id: 'a0000000-0000-4000-8000-000000000003', scope: { from, to } },
      ],
      params,
    );
    expect(holds?.covered).toBe(
      '((ip <<= $2::inet)) or ((occurred_at >= $3::timestamptz) and (occurred_at <= $4::timestamptz))',
    );
    expect(holds?.ids).toEqual([
      'a0000000-0000-4000-8000-000000000002',
      'a0000000-0000-4000-8000-000000000003',
    ]);
    expect(params.values).toHaveLength(3);
    expect(holds?.holdIdOf()).toBe(
      'case when (ip <<= $2::inet) then $5::uuid when (occurred_at >= $3::timestamptz) and (occurred_at <= $4::timestamptz) then $6::uuid end',
    );
    expect(params.values.slice(3)).toEqual([
      'a0000000-0000-4000-8000-000000000002',
      'a0000000-0000-4000-8000-000000000003',
    ]);
    expect(accessLogHolds([{ id: 'x', scope: { activityId: 'orders' } }], new SqlParameters())).toBeNull();
  });
});
