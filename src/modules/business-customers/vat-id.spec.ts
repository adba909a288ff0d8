import { describe, expect, it } from '@jest/globals';
import { parseVatId } from './vat-id.js';

describe('VAT ID formats per member state', () => {
  it.each([
    ['ATU12345678', 'AT'],
    ['BE0123456789', 'BE'],
    ['DE 123 456 789', 'DE'],
    ['EL123456789', 'GR'],
    ['ESX1234567X', 'ES'],
    ['FRAB123456789', 'FR'],
    ['IE1234567WA', 'IE'],
    ['NL123456789B01', 'NL'],
    ['SE123456789001', 'SE'],
    ['cy12345678l', 'CY'],
  ])('accepts %s as a VAT ID of %s', (input, country) => {
    expect(parseVatId(input)).toMatchObject({ country });
  });

  it('normalises blanks, dots and hyphens away', () => {
    expect(parseVatId('atu-1234.5678')).toMatchObject({ vatId: 'ATU12345678', number: 'U12345678' });
  });

  it.each([
    'AT12345678',
    'DE12345678',
    'NL123456789A01',
    'GR123456789',
    'XX123',
    '123456789',
    'FRIO123456789',
  ])('refuses %s', (input) => {
    expect(parseVatId(input)).toHaveProperty('reason');
  });
});
