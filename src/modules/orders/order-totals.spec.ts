import { describe, expect, it } from '@jest/globals';
import { lineAmounts, orderTotals, vatOfGross } from './order-totals.js';

describe('order totals (gross prices, VAT per line)', () => {
  it('takes the VAT out of a gross price at 19 %', () => {
    expect(vatOfGross(11_900, 1900)).toBe(1_900);
    expect(vatOfGross(249_900, 1900)).toBe(39_900);
    expect(vatOfGross(1_990, 1900)).toBe(318); // 317.73
  });

  it('takes the VAT out of a gross price at 7 %', () => {
    expect(vatOfGross(10_700, 700)).toBe(700);
    expect(vatOfGross(4_900, 700)).toBe(321); // 320.56
    expect(vatOfGross(14_700, 700)).toBe(962); // 961.68
  });

  it('rounds to the nearest cent (an exact half cannot occur at 19 % or 7 % on whole cents)', () => {
    expect(vatOfGross(1, 1900)).toBe(0); // 0.16
    expect(vatOfGross(3, 1900)).toBe(0); // 0.48
    expect(vatOfGross(4, 1900)).toBe(1); // 0.64
    expect(vatOfGross(107, 700)).toBe(7); // exactly 7
    expect(vatOfGross(3_980, 1900)).toBe(635); // 635.46
  });

  it('multiplies the unit price by the quantity before taking the VAT out', () => {
    expect(lineAmounts({ unitPriceCents: 4_900, vatRateBp: 700, quantity: 3 })).toEqual({
      lineTotalCents: 14_700,
      vatCents: 962,
    });
  });

  it('sums the lines and breaks the VAT down by rate, highest rate first', () => {
    const lines = [
      { vatRateBp: 700, ...lineAmounts({ unitPriceCents: 4_900, vatRateBp: 700, quantity: 3 }) },
      { vatRateBp: 1900, ...lineAmounts({ unitPriceCents: 249_900, vatRateBp: 1900, quantity: 1 }) },
      { vatRateBp: 1900, ...lineAmounts({ unitPriceCents: 1_990, vatRateBp: 1900, quantity: 2 }) },
    ];
    expect(orderTotals(lines)).toEqual({
      totalCents: 14_700 + 249_900 + 3_980,
      vatCents: 962 + 39_900 + 635,
      subtotalCents: 14_700 + 249_900 + 3_980 - (962 + 39_900 + 635),
      vatBreakdown: [
        { vatRateBp: 1900, grossCents: 253_880, vatCents: 40_535 },
        { vatRateBp: 700, grossCents: 14_700, vatCents: 962 },
      ],
    });
  });
});
