import { describe, expect, it } from '@jest/globals';
import { CarrierSelection, parseCountryOverrides } from './carrier-selection.js';

describe('choosing the carrier of an order', () => {
  it('ships with the default carrier unless the delivery country has its own', () => {
    const selection = CarrierSelection.fromConfig('dhl', 'AT:dpd,CH:dpd');
    expect(selection.carrierFor('DE')).toBe('dhl');
    expect(selection.carrierFor('AT')).toBe('dpd');
    expect(selection.carrierFor('ch')).toBe('dpd');
  });

  it('names every carrier the rule may choose, each once', () => {
    expect(CarrierSelection.fromConfig('hermes', 'AT:dpd, CH:dpd, NL:dhl').carriersInUse().sort()).toEqual([
      'dhl',
      'dpd',
      'hermes',
    ]);
    expect(CarrierSelection.fromConfig('dhl', '').carriersInUse()).toEqual(['dhl']);
  });

  it('refuses an override that is not COUNTRY:carrier, an unknown carrier or a country named twice', () => {
    expect(() => parseCountryOverrides('AT=dpd')).toThrow(/"AT=dpd" is not COUNTRY:carrier/);
    expect(() => parseCountryOverrides('AT:ups')).toThrow(/not COUNTRY:carrier/);
    expect(() => parseCountryOverrides('AT:dpd,AT:dhl')).toThrow(/names AT twice/);
  });
});
