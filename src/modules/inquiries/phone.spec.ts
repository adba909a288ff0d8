import { describe, expect, it } from '@jest/globals';
import { toE164 } from './phone.js';

describe('telephone numbers of inquiries', () => {
  it('stores numbers in E.164 form, reading national numbers as German', () => {
    expect(toE164('02154 8826-0')).toBe('+49215488260');
    expect(toE164('+49 (0) 2154 88260')).toBe('+49215488260');
    expect(toE164('0049 2154 8826-0')).toBe('+49215488260');
    expect(toE164(' 0176 12345678 ')).toBe('+4917612345678');
    expect(toE164('+43 1 234567')).toBe('+431234567');
  });

  it('refuses what is not a telephone number', () => {
    expect(toE164('12')).toBeNull();
    expect(toE164('call me maybe')).toBeNull();
    expect(toE164('')).toBeNull();
  });
});
