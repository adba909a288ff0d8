import { Inject, Injectable } from '@nestjs/common';
import { RETENTION_OPTIONS, type RetentionOptions, type StatutoryPeriod } from './retention.options.js';

/** The calendar year (in `timeZone`) in which `instant` falls. */
function yearIn(instant: Date, timeZone: string): number {
  const year = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' })
    .formatToParts(instant)
    .find((p) => p.type === 'year')?.value;
  return Number(year);
}

/** Minutes `timeZone` is ahead of UTC at `instant` (60 for Berlin in winter). */
function offsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** A calendar date `YYYY-MM-DD` names its year itself; anything else is an instant read in the zone. */
function recordYear(recordDate: Date | string, timeZone: string): number {
  if (typeof recordDate === 'string') {
    const dateOnly = /^(\d{4})-\d{2}-\d{2}$/.exec(recordDate);
    if (dateOnly) return Number(dateOnly[1]);
    recordDate = new Date(recordDate);
  }
  if (Number.isNaN(recordDate.getTime()))
    throw new Error('blockedUntil: the record date is not a valid date');
  return yearIn(recordDate, timeZone);
}

/**
 * The last instant a record must be kept: the period starts at the end of the calendar year of the
 * record (§ 257(5) HGB, § 147(4) AO) and runs `years` full years, so it ends at the end of
 * 31 December of (record year + years), local time in `timeZone`. An invoice dated 2026-03-05 under
 * the 8-year rule is kept until 2034-12-31, end of day (23:59:59.999 in Berlin).
 */
export function blockedUntil(
  period: Pick<StatutoryPeriod, 'years'>,
  recordDate: Date | string,
  timeZone = 'Europe/Berlin',
): Date {
  const lastYear = recordYear(recordDate, timeZone) + period.years;
  // Midnight at the start of the next year, local time: find the zone's offset then (January has
  // no daylight-saving switch anywhere that matters, but ask the zone instead of assuming).
  const naive = Date.UTC(lastYear + 1, 0, 1);
  const firstGuess = naive - offsetMinutes(new Date(naive), timeZone) * 60_000;
  const startOfNextYear = naive - offsetMinutes(new Date(firstGuess), timeZone) * 60_000;
  return new Date(startOfNextYear - 1);
}

/** What an eraser stores for a record it must keep: the statute's citation and the last day. */
export interface Retainment {
  statute: string;
  until: Date;
}

/** The configured statutory periods (RETENTION_OPTIONS), for erasers that must block a record. */
@Injectable()
export class StatutoryPeriods {
  constructor(@Inject(RETENTION_OPTIONS) private readonly options: RetentionOptions) {}

  get timeZone(): string {
    return this.options.timeZone;
  }

  period(key: string): StatutoryPeriod {
    const period = this.options.statutoryPeriods[key];
    if (!period) throw new Error(`no statutory period "${key}" is configured`);
    return period;
  }

  /** `blockedUntil` with the configured period and time zone. */
  blockedUntil(key: string, recordDate: Date | string): Date {
    return blockedUntil(this.period(key), recordDate, this.options.timeZone);
  }

  /** The statute and the date together, as an eraser's `blocked` outcome needs them. */
  retain(key: string, recordDate: Date | string): Retainment {
    return { statute: this.period(key).statute, until: this.blockedUntil(key, recordDate) };
  }
}
