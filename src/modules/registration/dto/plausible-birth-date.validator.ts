import { registerDecorator, type ValidationOptions } from 'class-validator';
import { ISO_DATE } from './text.js';

/** A real calendar date (YYYY-MM-DD) in the past and not before 1900. */
export function isPlausibleBirthDate(value: unknown, today = new Date()): boolean {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) return false;
  return value >= '1900-01-01' && value < today.toISOString().slice(0, 10);
}

export function IsPlausibleBirthDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) => {
    registerDecorator({
      name: 'isPlausibleBirthDate',
      target: target.constructor,
      propertyName: String(propertyKey),
      options: { message: '$property must be a date (YYYY-MM-DD) in the past, not before 1900', ...options },
      validator: { validate: (value: unknown) => isPlausibleBirthDate(value) },
    });
  };
}
