import { describe, expect, it } from '@jest/globals';
import { noticeDataProblem } from './notification-outbox.js';

const recipient = { kind: 'customer', id: '6f1c1f5e-8d2a-4c7e-9a51-0b9f3f1d2e4a' };

describe('what a notice job may carry', () => {
  it('accepts ids, numbers and flags', () => {
    expect(
      noticeDataProblem(recipient, { orderId: 'order:2025-000123', items: 3, express: true }),
    ).toBeNull();
    expect(noticeDataProblem(recipient, {})).toBeNull();
  });

  it('refuses an email address, a name, free text', () => {
    expect(noticeDataProblem(recipient, { email: 'erika@example.org' })).toMatch(/no personal data/);
    expect(noticeDataProblem(recipient, { name: 'Erika Mustermann' })).toMatch(/no personal data/);
    expect(noticeDataProblem(recipient, { note: 'x'.repeat(101) })).toMatch(/no personal data/);
  });

  it('refuses a recipient that is not a kind and an id', () => {
    expect(noticeDataProblem({ kind: 'customer', id: 'erika@example.org' }, {})).toMatch(/recipient/);
  });

  it('refuses odd keys and oversized payloads', () => {
    expect(noticeDataProblem(recipient, { 'first name': 'x' })).toMatch(/camelCase/);
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]));
    expect(noticeDataProblem(recipient, many)).toMatch(/at most 20/);
  });
});
