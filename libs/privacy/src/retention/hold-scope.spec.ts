import { describe, expect, it } from '@jest/globals';
import { holdCovers, holdFor, type HoldableRecord } from './hold-scope.js';

const line: HoldableRecord = {
  activityId: 'access-log',
  recordType: 'access_log_entry',
  recordId: '42',
  subjectId: null,
  occurredAt: new Date('2026-05-10T12:00:00Z'),
};

describe('legal hold scopes', () => {
  it('covers a record when every criterion it names matches', () => {
    expect(holdCovers({ activityId: 'access-log' }, line)).toBe(true);
    expect(
      holdCovers(
        {
          activityId: 'access-log',
          from: new Date('2026-05-10T00:00:00Z'),
          to: new Date('2026-05-11T00:00:00Z'),
        },
        line,
      ),
    ).toBe(true);
    expect(holdCovers({ recordType: 'access_log_entry', recordIds: ['41', '42'] }, line)).toBe(true);
  });

  it('does not cover a record when any criterion differs', () => {
    expect(holdCovers({ activityId: 'orders' }, line)).toBe(false);
    expect(holdCovers({ activityId: 'access-log', from: new Date('2026-05-11T00:00:00Z') }, line)).toBe(
      false,
    );
    expect(holdCovers({ activityId: 'access-log', to: new Date('2026-05-09T00:00:00Z') }, line)).toBe(false);
    expect(holdCovers({ recordIds: ['43'] }, line)).toBe(false);
  });

  it('covers nothing with an empty scope', () => {
    expect(holdCovers({}, line)).toBe(false);
    expect(holdCovers({ recordIds: [] }, line)).toBe(false);
  });

  it('matches a subject hold only on records linked to that subject', () => {
    expect(holdCovers({ subjectId: 'c-1' }, line)).toBe(false);
    expect(holdCovers({ subjectId: 'c-1' }, { ...line, subjectId: 'c-1' })).toBe(true);
    expect(holdCovers({ subjectId: 'c-1' }, { ...line, subjectId: 'c-2' })).toBe(false);
  });

  it('keeps a record of unknown time under a hold with a time range', () => {
    expect(holdCovers({ from: new Date('2030-01-01T00:00:00Z') }, { ...line, occurredAt: null })).toBe(true);
  });

  it('names the first active hold that covers a record', () => {
    const holds = [
      { id: 'a', scope: { activityId: 'orders' } },
      { id: 'b', scope: { activityId: 'access-log' } },
    ];
    expect(holdFor(holds, line)?.id).toBe('b');
    expect(holdFor(holds.slice(0, 1), line)).toBeUndefined();
  });
});
