/**
 * Configuration of the retention work: the statutory periods the erasers block records for, the
 * time zone their calendar years are counted in, and how much one sweep step takes at a time.
 *
 * The defaults are German commercial and tax law (docs/legal-facts.md). They are configuration, not
 * constants, because the legislator changes them (vouchers went from 10 to 8 years in 2025, by the
 * Viertes Bürokratieentlastungsgesetz) and a shop in another country has other ones.
 */

/** One statutory retention period: what the law says, for how long, counted how. */
export interface StatutoryPeriod {
  /** The citation stored with every blocked record and shown in an Art. 15 answer. */
  statute: string;
  /** Full calendar years after the end of the calendar year of the record. */
  years: number;
  description: string;
}

/** The periods every shop in Germany has; modules may configure further keys of their own. */
export type StandardStatutoryPeriodKey =
  'accounting-vouchers' | 'books-and-annual-statements' | 'business-letters';

export const DEFAULT_STATUTORY_PERIODS: Readonly<Record<StandardStatutoryPeriodKey, StatutoryPeriod>> = {
  'accounting-vouchers': {
    statute: '§ 257(1) Nr. 4, (4) HGB; § 147(1) Nr. 4, (3) AO',
    years: 8,
    description: 'accounting vouchers (Buchungsbelege), invoices included: 8 years since 2025',
  },
  'books-and-annual-statements': {
    statute: '§ 257(1) Nr. 1, (4) HGB; § 147(1) Nr. 1, (3) AO',
    years: 10,
    description: 'books, inventories, opening balances, annual statements and management reports: 10 years',
  },
  'business-letters': {
    statute: '§ 257(1) Nr. 2, 3, (4) HGB; § 147(1) Nr. 2, 3, (3) AO',
    years: 6,
    description: 'commercial or business letters received and copies of those sent: 6 years',
  },
};

export interface RetentionOptions {
  statutoryPeriods: Readonly<Record<string, StatutoryPeriod>>;
  /**
   * The calendar years of § 257(5) HGB / § 147(4) AO are German ones: an invoice written at 00:30 on
   * 1 January in Willich belongs to the new year even though it is still 31 December in UTC.
   */
  timeZone: string;
  /** Rows one step of a declarative retention policy reads and erases in one transaction. */
  sweepBatchSize: number;
}

/** What the application may override (PrivacyKernelOptions.retention, see RetentionModule). */
export interface RetentionOptionsInput {
  statutoryPeriods?: Readonly<Record<string, Partial<StatutoryPeriod>>>;
  timeZone?: string;
  sweepBatchSize?: number;
}

export const RETENTION_OPTIONS = Symbol('RETENTION_OPTIONS');

/** Merges overrides onto the defaults and refuses a configuration that would compute wrong dates. */
export function resolveRetentionOptions(input: RetentionOptionsInput = {}): RetentionOptions {
  const periods: Record<string, StatutoryPeriod> = { ...DEFAULT_STATUTORY_PERIODS };
  for (const [key, override] of Object.entries(input.statutoryPeriods ?? {})) {
    const base = periods[key];
    const merged = { ...base, ...override };
    if (!merged.statute || merged.years === undefined || !merged.description) {
      throw new Error(`statutory period "${key}" needs statute, years and description`);
    }
    if (!Number.isInteger(merged.years) || merged.years < 0 || merged.years > 100) {
      throw new Error(`statutory period "${key}": years must be a whole number from 0 to 100`);
    }
    periods[key] = merged;
  }
  const timeZone = input.timeZone ?? 'Europe/Berlin';
  // Throws a RangeError for an unknown zone: better at boot than a wrong date years later.
  new Intl.DateTimeFormat('en-US', { timeZone }).format(0);
  const sweepBatchSize = input.sweepBatchSize ?? 1000;
  if (!Number.isInteger(sweepBatchSize) || sweepBatchSize < 1 || sweepBatchSize > 100_000) {
    throw new Error('sweepBatchSize must be a whole number from 1 to 100000');
  }
  return { statutoryPeriods: Object.freeze(periods), timeZone, sweepBatchSize };
}
