import { describe, expect, it } from '@jest/globals';
import { personalDataFields } from '../../../libs/privacy/src/registry/personal-data.decorator.js';
import { COOKIES } from '../cookies/index.js';
import { OutboundMessage, CUSTOMER_NOTIFICATIONS } from '../notifications/index.js';
import { CustomerAddress } from './customer-address.entity.js';
import { CustomerSession } from './customer-session.entity.js';
import { Customer } from './customer.entity.js';
import { isPlausibleBirthDate } from './dto/plausible-birth-date.validator.js';
import {
  fieldDoc,
  MARKETING_EMAIL,
  REGISTRATION,
  REGISTRATION_CATEGORIES,
  REGISTRATION_FORM,
} from './registration.declarations.js';

describe('the registration declarations', () => {
  it('declare every personal-data column of the module entities', () => {
    const entities = new Set(
      [Customer, CustomerAddress, CustomerSession, OutboundMessage].map((e) => e.name),
    );
    const declared = new Set(
      [REGISTRATION, MARKETING_EMAIL, CUSTOMER_NOTIFICATIONS, COOKIES].flatMap((a) =>
        a.dataCategories.map((c) => c.id),
      ),
    );
    const columns = personalDataFields().filter((f) => entities.has(f.entity));
    expect(columns.length).toBeGreaterThan(10);
    const undeclared = columns
      .filter((c) => !declared.has(c.category))
      .map((c) => `${c.entity}.${c.field}: ${c.category}`);
    expect(undeclared).toEqual([]);
  });

  it('give every form field a category that says mandatory or voluntary, and why', () => {
    for (const { category } of REGISTRATION_FORM) {
      const c = REGISTRATION_CATEGORIES[category];
      expect(['mandatory', 'voluntary']).toContain(c.collection);
      expect('reason' in c && c.reason.length > 10).toBe(true);
    }
    expect(fieldDoc('phone')).toMatch(/^Voluntary \(may be left out\)\. /);
    expect(fieldDoc('email')).toMatch(/^Mandatory\. /);
  });
});

describe('a plausible date of birth', () => {
  const today = new Date('2025-06-01T00:00:00Z');
  it('is a real calendar date in the past, not before 1900', () => {
    expect(isPlausibleBirthDate('1980-02-29', today)).toBe(true);
    expect(isPlausibleBirthDate('1981-02-29', today)).toBe(false);
    expect(isPlausibleBirthDate('2025-06-01', today)).toBe(false);
    expect(isPlausibleBirthDate('1899-12-31', today)).toBe(false);
    expect(isPlausibleBirthDate('12.04.1980', today)).toBe(false);
    expect(isPlausibleBirthDate(19800412, today)).toBe(false);
  });
});
