import { describe, expect, it } from '@jest/globals';
import {
  checkNeed,
  decide,
  describeLogic,
  factorsWeighed,
  type CreditCheckPolicy,
} from './credit-check.policy.js';

const policy: CreditCheckPolicy = { minAmountCents: 5_000, yellowMaxCents: 20_000, retentionDays: 90 };

describe('the credit-check policy', () => {
  it('never checks card or PayPal, whatever the amount', () => {
    expect(checkNeed(policy, 'card', 1_000_000)).toBe('no-credit-risk');
    expect(checkNeed(policy, 'paypal', 1_000_000)).toBe('no-credit-risk');
  });

  it('checks SEPA direct debit and invoice from the minimum amount on, not below', () => {
    expect(checkNeed(policy, 'sepa_debit', 4_999)).toBe('below-threshold');
    expect(checkNeed(policy, 'invoice', 5_000)).toBe('check');
    expect(checkNeed(policy, 'sepa_debit', 5_001)).toBe('check');
  });

  it('allows green, allows yellow up to the yellow limit, declines red and no answer', () => {
    const base = { method: 'invoice' as const, outcome: 'answered' as const };
    expect(decide(policy, { ...base, totalCents: 90_000, result: 'green' }).status).toBe('approved');
    expect(decide(policy, { ...base, totalCents: 20_000, result: 'yellow' }).status).toBe('approved');
    expect(decide(policy, { ...base, totalCents: 20_001, result: 'yellow' }).status).toBe('declined');
    expect(decide(policy, { ...base, totalCents: 6_000, result: 'red' }).status).toBe('declined');
    expect(
      decide(policy, { method: 'sepa_debit', totalCents: 6_000, outcome: 'agency-unavailable', result: null })
        .status,
    ).toBe('declined');
  });

  it('names the alternatives and the review in every decline, and asks for the date of birth only as voluntary', () => {
    const declines = [
      decide(policy, { method: 'invoice', totalCents: 6_000, outcome: 'answered', result: 'red' }),
      decide(policy, { method: 'invoice', totalCents: 6_000, outcome: 'agency-unavailable', result: null }),
      decide(policy, {
        method: 'invoice',
        totalCents: 6_000,
        outcome: 'date-of-birth-required',
        result: null,
      }),
    ];
    for (const d of declines) {
      expect(d.explanation).toMatch(/card or PayPal/);
      expect(d.explanation).toMatch(/review/);
    }
    expect(declines[2].explanation).toMatch(/voluntary/);
  });

  it('describes the logic with the amounts actually in force', () => {
    const logic = describeLogic({ minAmountCents: 7_500, yellowMaxCents: 30_000, retentionDays: 60 });
    expect(logic).toContain('75.00 EUR');
    expect(logic).toContain('300.00 EUR');
    expect(logic).toContain('60 days');
    expect(logic).toMatch(/Green.*Yellow.*Red/s);
  });

  it('names the factors that weighed in one decision (Art. 15(1)(h))', () => {
    const factors = factorsWeighed(
      { minAmountCents: 5_000, yellowMaxCents: 20_000, retentionDays: 90 },
      {
        method: 'invoice',
        totalCents: 25_000,
        currency: 'EUR',
        outcome: 'answered',
        result: 'yellow',
        score: 81.5,
        dateOfBirthSent: false,
        reviewDecision: null,
      },
    );
    expect(factors.join('\n')).toMatch(
      /invoice.*\n.*250\.00 EUR.*50\.00 EUR.*\n.*yellow, with its score 81\.5.*\n.*200\.00 EUR; this amount is above/s,
    );
  });
});
