import { InvalidInputError, type FieldProblem } from '@app/core';
import {
  CONSENT_WORDINGS,
  DEVICE_ANALYSIS_ACTIVITY_ID,
  DEVICE_IMPROVEMENT_ACTIVITY_ID,
} from './device-analysis.declarations.js';

export const GENDERS = ['female', 'male', 'diverse', 'unspecified'] as const;
export type Gender = (typeof GENDERS)[number];
export const CONSENT_PURPOSES = [DEVICE_ANALYSIS_ACTIVITY_ID, DEVICE_IMPROVEMENT_ACTIVITY_ID] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/** The JSON part of an upload, checked. */
export interface UploadInput {
  gender: Gender;
  age: number;
  subjectReference: string;
  patientEmail: string | null;
  consent: {
    wordingVersion: string;
    givenAt: Date;
    practiceStaffReference: string;
    purposes: ConsentPurpose[];
  };
}

const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9-]{5,63}$/;
/** A staff reference of the practice (a badge number, initials): no spaces, so no full name. */
const STAFF_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
/** How far in the future a device clock may be (skew), and how old a consent may be at upload. */
const CLOCK_SKEW_MS = 5 * 60_000;
const CONSENT_MAX_AGE_MS = 24 * 3_600_000;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function unknownFields(
  value: Record<string, unknown>,
  allowed: readonly string[],
  prefix: string,
): FieldProblem[] {
  return Object.keys(value)
    .filter((k) => !allowed.includes(k))
    .map((k) => ({ field: `${prefix}${k}`, reason: 'is not a known field' }));
}

/**
 * Checks the JSON part field by field; every problem is named (`age`, `consent.purposes`), values are
 * never echoed. Throws InvalidInputError with all problems at once.
 */
export function parseUploadInput(raw: unknown, now: Date): UploadInput {
  const problems: FieldProblem[] = [];
  if (!isObject(raw)) throw new InvalidInputError([{ field: 'data', reason: 'must be a JSON object' }]);
  problems.push(...unknownFields(raw, ['gender', 'age', 'subjectReference', 'patientEmail', 'consent'], ''));

  const gender = raw.gender;
  if (typeof gender !== 'string' || !(GENDERS as readonly string[]).includes(gender))
    problems.push({ field: 'gender', reason: `must be one of ${GENDERS.join(', ')}` });
  const age = raw.age;
  if (typeof age !== 'number' || !Number.isInteger(age) || age < 0 || age > 120)
    problems.push({ field: 'age', reason: 'must be a whole number of years from 0 to 120' });
  const reference = raw.subjectReference;
  if (typeof reference !== 'string' || !REFERENCE.test(reference))
    problems.push({
      field: 'subjectReference',
      reason: 'must be 6-64 letters, digits or dashes, starting with a letter or digit',
    });
  const email = raw.patientEmail;
  if (
    email !== undefined &&
    email !== null &&
    (typeof email !== 'string' || email.length > 254 || !EMAIL.test(email.trim()))
  )
    problems.push({ field: 'patientEmail', reason: 'must be an email address' });

  const consent = raw.consent;
  let purposes: ConsentPurpose[] = [];
  let givenAt = new Date(NaN);
  if (!isObject(consent)) {
    problems.push({ field: 'consent', reason: 'is required: the explicit consent given at the device' });
  } else {
    problems.push(
      ...unknownFields(
        consent,
        ['wordingVersion', 'givenAt', 'practiceStaffReference', 'purposes'],
        'consent.',
      ),
    );
    if (
      typeof consent.wordingVersion !== 'string' ||
      !Object.hasOwn(CONSENT_WORDINGS, consent.wordingVersion)
    )
      problems.push({
        field: 'consent.wordingVersion',
        reason: 'must name a consent wording this service knows',
      });
    if (typeof consent.givenAt === 'string' && ISO_INSTANT.test(consent.givenAt))
      givenAt = new Date(consent.givenAt);
    if (Number.isNaN(givenAt.getTime()))
      problems.push({ field: 'consent.givenAt', reason: 'must be an ISO 8601 instant with a time zone' });
    else if (givenAt.getTime() > now.getTime() + CLOCK_SKEW_MS)
      problems.push({ field: 'consent.givenAt', reason: 'must not be in the future' });
    else if (givenAt.getTime() < now.getTime() - CONSENT_MAX_AGE_MS)
      problems.push({ field: 'consent.givenAt', reason: 'must be within the last 24 hours' });
    if (
      typeof consent.practiceStaffReference !== 'string' ||
      !STAFF_REFERENCE.test(consent.practiceStaffReference)
    )
      problems.push({
        field: 'consent.practiceStaffReference',
        reason: 'must be 1-64 letters, digits, dots, dashes or underscores',
      });
    const list = consent.purposes;
    if (
      !Array.isArray(list) ||
      !list.every(
        (p): p is ConsentPurpose =>
          typeof p === 'string' && (CONSENT_PURPOSES as readonly string[]).includes(p),
      ) ||
      new Set(list).size !== list.length
    ) {
      problems.push({
        field: 'consent.purposes',
        reason: `must be a list of distinct purposes from ${CONSENT_PURPOSES.join(', ')}`,
      });
    } else if (!list.includes(DEVICE_ANALYSIS_ACTIVITY_ID)) {
      problems.push({
        field: 'consent.purposes',
        reason: `must include ${DEVICE_ANALYSIS_ACTIVITY_ID}: the analysis needs the explicit consent`,
      });
    } else {
      purposes = list;
    }
  }
  if (problems.length > 0) throw new InvalidInputError(problems);
  const c = consent as Record<string, string>;
  return {
    gender: gender as Gender,
    age: age as number,
    subjectReference: reference as string,
    patientEmail: typeof email === 'string' ? email.trim() : null,
    consent: {
      wordingVersion: c.wordingVersion,
      givenAt,
      practiceStaffReference: c.practiceStaffReference,
      purposes,
    },
  };
}

/** The 10-year band the improvement statistics keep instead of the age. */
export const ageBand = (age: number): string => {
  const from = Math.min(Math.floor(age / 10) * 10, 90);
  return from === 90 ? '90+' : `${from}-${from + 9}`;
};
