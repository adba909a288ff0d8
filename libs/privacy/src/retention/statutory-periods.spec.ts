import { describe, expect, it } from '@jest/globals';
import { DEFAULT_STATUTORY_PERIODS, resolveRetentionOptions } from './retention.options.js';
import { blockedUntil, StatutoryPeriods } from './statutory-periods.js';

describe('statutory retention periods (§ 257 HGB, § 147 AO)', () => {
  it('keeps an invoice dated 2026-03-05 under the 8-year rule until the end of 2034-12-31 in Germany', () => {
    const until = blockedUntil({ years: 8 }, new Date('2026-03-05T10:00:00+01:00'), 'Europe/Berlin');
    expect(until.toISOString()).toBe('2034-12-31T22:59:59.999Z'); // 23:59:59.999 CET
  });

  it('counts from the end of the calendar year, whatever the month of the record', () => {
    const january = blockedUntil({ years: 8 }, '2026-01-01', 'UTC');
    const december = blockedUntil({ years: 8 }, '2026-12-31', 'UTC');
    expect(january.toISOString()).toBe('2034-12-31T23:59:59.999Z');
    expect(december).toEqual(january);
  });

  it("reads the calendar year in the shop's time zone: 00:30 on New Year in Berlin is the new year", () => {
    const newYearsNight = new Date('2026-12-31T23:30:00Z'); // 2027-01-01 00:30 in Berlin
    expect(blockedUntil({ years: 8 }, newYearsNight, 'Europe/Berlin').toISOString()).toBe(
      '2035-12-31T22:59:59.999Z',
    );
    expect(blockedUntil({ years: 8 }, newYearsNight, 'UTC').toISOString()).toBe('2034-12-31T23:59:59.999Z');
  });

  it('takes a calendar date as the date it names, in any time zone', () => {
    expect(blockedUntil({ years: 10 }, '2026-12-31', 'Pacific/Kiritimati').getUTCFullYear()).toBe(2036);
  });

  it('defaults to 8 years for vouchers, 10 for books and annual statements, 6 for business letters', () => {
    expect(DEFAULT_STATUTORY_PERIODS['accounting-vouchers'].years).toBe(8);
    expect(DEFAULT_STATUTORY_PERIODS['books-and-annual-statements'].years).toBe(10);
    expect(DEFAULT_STATUTORY_PERIODS['business-letters'].years).toBe(6);
  });

  it('lets the configuration change a period and add one, and refuses nonsense', () => {
    const periods = new StatutoryPeriods(
      resolveRetentionOptions({
        statutoryPeriods: {
          'accounting-vouchers': { years: 10 },
          'payroll-records': { statute: '§ 41 EStG', years: 6, description: 'payroll accounts' },
        },
      }),
    );
    expect(periods.retain('accounting-vouchers', '2026-03-05')).toEqual({
      statute: DEFAULT_STATUTORY_PERIODS['accounting-vouchers'].statute,
      until: new Date('2036-12-31T22:59:59.999Z'),
    });
    expect(periods.blockedUntil('payroll-records', '2026-03-05').toISOString()).toBe(
      '2032-12-31T22:59:59.999Z',
    );
    expect(() => periods.period('unknown')).toThrow(/no statutory period "unknown"/);
    expect(() => resolveRetentionOptions({ statutoryPeriods: { x: { years: 3 } } })).toThrow(/needs statute/);
    expect(() =>
      resolveRetentionOptions({ statutoryPeriods: { 'business-letters': { years: 2.5 } } }),
    ).toThrow(/whole number/);
    expect(() => resolveRetentionOptions({ timeZone: 'Europe/Willich' })).toThrow(RangeError);
  });

  it('refuses an invalid record date instead of computing a date from it', () => {
    expect(() => blockedUntil({ years: 8 }, new Date('not a date'))).toThrow(/not a valid date/);
  });
});
