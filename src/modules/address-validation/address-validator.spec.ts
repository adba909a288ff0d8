import { describe, expect, it } from '@jest/globals';
import { EEA_COUNTRIES } from '@app/privacy';
import { AddressValidator, type AddressInput } from './address-validator.js';
import { canonicalPostcode, COUNTRY_RULES } from './country-rules.js';
import { editDistance, townKey } from './german-postcodes.js';

const validator = new AddressValidator();
const seed: AddressInput = {
  firstName: 'Erika',
  lastName: 'Mustermann',
  street: 'Siemensring',
  houseNumber: '98',
  postalCode: '47877',
  city: 'Willich',
  country: 'DE',
};
const fieldsOf = (r: { errors: { field: string }[] }) => r.errors.map((e) => e.field);

describe('address validation', () => {
  it("accepts the seed's own address, Siemensring 98, 47877 Willich, DE", () => {
    expect(validator.validate(seed)).toEqual({
      valid: true,
      errors: [],
      suggestions: [],
      normalized: { ...seed, company: null, addressLine2: null },
    });
  });

  describe('completeness', () => {
    it('requires name, street, postcode, town and country', () => {
      const r = validator.validate({ country: 'FR' });
      expect(r.valid).toBe(false);
      expect(fieldsOf(r).sort()).toEqual(['city', 'firstName', 'lastName', 'postalCode', 'street']);
    });

    it.each(['DE', 'AT'])(
      'requires a separate house number in %s and offers the split of "Siemensring 98"',
      (country) => {
        const r = validator.validate({
          ...seed,
          country,
          postalCode: country === 'AT' ? '1010' : '47877',
          city: country === 'AT' ? 'Wien' : 'Willich',
          street: 'Siemensring 98',
          houseNumber: null,
        });
        expect(r.errors).toContainEqual(expect.objectContaining({ field: 'houseNumber', code: 'required' }));
        expect(r.suggestions).toEqual(
          expect.arrayContaining([
            { field: 'street', value: 'Siemensring', reason: expect.any(String) },
            { field: 'houseNumber', value: '98', reason: expect.any(String) },
          ]),
        );
      },
    );

    it('does not require a separate house number in the UK', () => {
      const r = validator.validate({
        firstName: 'A',
        lastName: 'B',
        street: '10 Downing Street',
        postalCode: 'sw1a2aa',
        city: 'London',
        country: 'GB',
      });
      expect(r.valid).toBe(true);
      expect(r.normalized.postalCode).toBe('SW1A 2AA');
    });
  });

  describe('correctness', () => {
    it('rejects a country that is not ISO 3166-1 alpha-2', () => {
      expect(validator.validate({ ...seed, country: 'DEU' }).errors).toContainEqual(
        expect.objectContaining({ field: 'country', code: 'unknown-country' }),
      );
      expect(validator.validate({ ...seed, country: 'XX' }).errors).toContainEqual(
        expect.objectContaining({ field: 'country', code: 'unknown-country' }),
      );
      expect(validator.validate({ ...seed, country: 'de' }).normalized.country).toBe('DE');
    });

    it.each([
      ['DE', '4787', false],
      ['DE', '47877', true],
      ['AT', '1010', true],
      ['AT', '10100', false],
      ['CH', '8001', true],
      ['FR', '7500', false],
      ['NL', '1012ab', true],
      ['NL', '0123 AB', false],
      ['PL', '00950', true],
      ['PT', '1000001', true],
      ['SE', '11122', true],
      ['CZ', '110 00', true],
      ['GB', 'EC1A 1BB', true],
      ['GB', '12345', false],
      ['IE', 'D02X285', true],
      ['US', '94103-1234', true],
      ['US', '9410', false],
      ['LU', 'L-1009', true],
      ['LV', '1050', true],
      ['MT', 'VLT1117', true],
      ['ES', '28001', true],
      ['ES', '99001', false],
      ['IT', '00184', true],
    ])('checks the postcode format of %s: %s → %s', (country, postcode, ok) => {
      expect(canonicalPostcode(country, postcode) !== null).toBe(ok);
    });

    it('knows a postcode format for every EU/EEA country, the UK, CH and the US', () => {
      for (const c of [...EEA_COUNTRIES, 'GB', 'CH', 'US']) expect(COUNTRY_RULES[c]).toBeDefined();
    });

    it('writes postcodes in their canonical form', () => {
      expect(canonicalPostcode('NL', '1012ab')).toBe('1012 AB');
      expect(canonicalPostcode('PL', '00950')).toBe('00-950');
      expect(canonicalPostcode('SE', '11122')).toBe('111 22');
      expect(canonicalPostcode('LT', '01100')).toBe('LT-01100');
    });

    it('fails "47877 Berlin" and suggests the town of the postcode and the postcodes of Berlin', () => {
      const r = validator.validate({ ...seed, city: 'Berlin' });
      expect(r.valid).toBe(false);
      expect(r.errors).toEqual([expect.objectContaining({ field: 'city', code: 'postcode-town-mismatch' })]);
      expect(r.suggestions[0]).toEqual({ field: 'city', value: 'Willich', reason: expect.any(String) });
      expect(
        r.suggestions.filter((s) => s.field === 'postalCode').every((s) => /^1\d{4}$/.test(s.value)),
      ).toBe(true);
    });

    it('suggests "Willich" for the typo "47877 Wilich"', () => {
      const r = validator.validate({ ...seed, city: 'Wilich' });
      expect(r.valid).toBe(false);
      expect(r.suggestions[0]).toEqual({ field: 'city', value: 'Willich', reason: 'probable typo' });
    });

    it('rejects a German postcode that does not exist', () => {
      expect(validator.validate({ ...seed, postalCode: '00000' }).errors).toContainEqual(
        expect.objectContaining({ field: 'postalCode', code: 'unknown-postcode' }),
      );
    });

    it('accepts town names written without umlauts or with other casing, and returns the official name', () => {
      const r = validator.validate({ ...seed, postalCode: '41061', city: 'MOENCHENGLADBACH' });
      expect(r.valid).toBe(true);
      expect(r.normalized.city).toBe('Mönchengladbach');
    });

    it('suggests the usual casing of a street typed in lower case', () => {
      const r = validator.validate({ ...seed, street: 'siemensring' });
      expect(r.valid).toBe(true);
      expect(r.suggestions).toContainEqual({ field: 'street', value: 'Siemensring', reason: 'usual casing' });
      expect(r.normalized.street).toBe('Siemensring');
    });

    it('normalises phone numbers to E.164 and rejects invalid ones', () => {
      expect(validator.validate({ ...seed, phone: '02154 000000' }).normalized.phone).toBe('+492154000000');
      expect(validator.validate({ ...seed, phone: '+49 2154 000000' }).normalized.phone).toBe(
        '+492154000000',
      );
      expect(validator.validate({ ...seed, phone: '12' }).errors).toContainEqual(
        expect.objectContaining({ field: 'phone' }),
      );
    });
  });

  it('measures typos as a person makes them', () => {
    expect(editDistance(townKey('Wilich'), townKey('Willich'))).toBe(1);
    expect(editDistance('wilcih', 'willich')).toBe(2);
    expect(townKey('Frankfurt am Main')).toBe('frankfurt am main');
    expect(townKey('Weißenfels')).toBe('weissenfels');
  });
});
