import { describe, expect, it } from '@jest/globals';
import { decimalToMinor, minorToDecimal, minorUnitDigits } from './money.js';

describe('money on the wire', () => {
  it('knows how many minor digits a currency has', () => {
    expect(minorUnitDigits('EUR')).toBe(2);
    expect(minorUnitDigits('jpy')).toBe(0);
    expect(minorUnitDigits('BHD')).toBe(3);
  });

  it('writes minor units as the decimal string PayPal expects', () => {
    expect(minorToDecimal(1234, 'EUR')).toBe('12.34');
    expect(minorToDecimal(5, 'EUR')).toBe('0.05');
    expect(minorToDecimal(0, 'EUR')).toBe('0.00');
    expect(minorToDecimal(500, 'JPY')).toBe('500');
  });

  it('reads a decimal string back into minor units exactly', () => {
    expect(decimalToMinor('12.34', 'EUR')).toBe(1234);
    expect(decimalToMinor('12.3', 'EUR')).toBe(1230);
    expect(decimalToMinor('12', 'EUR')).toBe(1200);
    expect(decimalToMinor('0.07', 'EUR')).toBe(7);
    // 0.1 + 0.2 style float errors cannot happen: no float is involved.
    expect(decimalToMinor('19999.99', 'EUR')).toBe(1_999_999);
  });

  it('refuses amounts it would have to round or cannot read', () => {
    expect(() => decimalToMinor('1.234', 'EUR')).toThrow(RangeError);
    expect(() => decimalToMinor('-1.00', 'EUR')).toThrow(RangeError);
    expect(() => decimalToMinor('1e3', 'EUR')).toThrow(RangeError);
    expect(() => minorToDecimal(1.5, 'EUR')).toThrow(RangeError);
  });
});
