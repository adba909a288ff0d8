import { Transform } from 'class-transformer';

/** Trims surrounding whitespace of a string (other values pass to validation unchanged). */
export const Trim = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Trims and upper-cases (country codes). */
export const TrimUpper = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toUpperCase() : value,
  );

/** International or national phone numbers: digits with spaces, dashes, slashes, dots, parentheses, a leading +. */
export const PHONE = /^\+?[0-9][0-9 ()./-]{3,28}[0-9]$/;

/** A calendar date, YYYY-MM-DD. */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
