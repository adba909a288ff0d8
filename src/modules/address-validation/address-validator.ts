import { Injectable } from '@nestjs/common';
import countries from 'i18n-iso-countries';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { canonicalPostcode, COUNTRY_RULES } from './country-rules.js';
import { editDistance, GermanPostcodes, townKey } from './german-postcodes.js';

export interface AddressInput {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  street?: string | null;
  houseNumber?: string | null;
  addressLine2?: string | null;
  postalCode?: string | null;
  city?: string | null;
  country?: string | null;
  phone?: string | null;
}

export interface AddressProblem {
  field: keyof AddressInput;
  code: string;
  message: string;
}

export interface AddressSuggestion {
  field: keyof AddressInput;
  value: string;
  reason: string;
}

export interface AddressValidation {
  valid: boolean;
  errors: AddressProblem[];
  suggestions: AddressSuggestion[];
  /** The address as it should be stored: trimmed, canonical postcode and town, E.164 phone. */
  normalized: AddressInput;
}

const REQUIRED: (keyof AddressInput)[] = ['firstName', 'lastName', 'street', 'postalCode', 'city', 'country'];

const clean = (v: string | null | undefined): string | null => {
  if (v === undefined || v === null) return null;
  const t = v.trim().replace(/\s+/g, ' ');
  return t === '' ? null : t;
};

/** "siemensring" or "SIEMENSRING" → "Siemensring"; words like "an der" stay lower case in German street names. */
function properCase(value: string): string {
  const lowerWords = new Set([
    'an',
    'am',
    'auf',
    'der',
    'die',
    'das',
    'dem',
    'den',
    'im',
    'in',
    'zum',
    'zur',
    'von',
    'vom',
    'bei',
    'und',
    'de',
    'la',
    'le',
    'of',
    'the',
  ]);
  return value
    .toLowerCase()
    .split(' ')
    .map((word, i) =>
      i > 0 && lowerWords.has(word)
        ? word
        : word.replace(/(^|[-(])(\p{L})/gu, (_, p: string, c: string) => p + c.toUpperCase()),
    )
    .join(' ')
    .replace(/str\.$/i, 'str.');
}

const isShouting = (v: string): boolean => v.length > 3 && v === v.toUpperCase() && /\p{Lu}/u.test(v);
const isWhispering = (v: string): boolean => v === v.toLowerCase() && /\p{Ll}/u.test(v);

/**
 * Checks an address for completeness and correctness at entry (activity `address-validation`):
 * the fields each country needs, ISO 3166 country codes, postcode formats, for Germany that the
 * postcode belongs to the town, typo and casing suggestions, phone numbers in E.164. It keeps no
 * copy of the address: the result goes back to the caller and nowhere else.
 */
@Injectable()
export class AddressValidator {
  private readonly germanPostcodes = GermanPostcodes.load();

  validate(input: AddressInput): AddressValidation {
    const errors: AddressProblem[] = [];
    const suggestions: AddressSuggestion[] = [];
    const n: AddressInput = {
      firstName: clean(input.firstName),
      lastName: clean(input.lastName),
      company: clean(input.company),
      street: clean(input.street),
      houseNumber: clean(input.houseNumber),
      addressLine2: clean(input.addressLine2),
      postalCode: clean(input.postalCode),
      city: clean(input.city),
      country: clean(input.country)?.toUpperCase() ?? null,
      ...(input.phone !== undefined ? { phone: clean(input.phone) } : {}),
    };

    for (const field of REQUIRED)
      if (!n[field]) errors.push({ field, code: 'required', message: `${field} is required` });

    const country = n.country;
    if (country && !(country.length === 2 && countries.isValid(country))) {
      errors.push({
        field: 'country',
        code: 'unknown-country',
        message: 'country must be an ISO 3166-1 alpha-2 code, e.g. DE',
      });
    }
    const known = country && country.length === 2 && countries.isValid(country) ? country : null;
    const rule = known ? COUNTRY_RULES[known] : undefined;

    if (known && rule?.houseNumberRequired && n.street && !n.houseNumber) {
      // "Siemensring 98" typed into one field: offer the split rather than only refusing.
      const split = /^(.*\D)\s+(\d+\s?[a-zA-Z]?(?:[-/]\d+\s?[a-zA-Z]?)?)$/.exec(n.street);
      errors.push({
        field: 'houseNumber',
        code: 'required',
        message: `houseNumber is required for ${known}`,
      });
      if (split) {
        suggestions.push({
          field: 'street',
          value: split[1].trim(),
          reason: 'house number given in the street field',
        });
        suggestions.push({
          field: 'houseNumber',
          value: split[2].replace(/\s/g, ''),
          reason: 'house number given in the street field',
        });
      }
    }
    if (n.houseNumber && !/\d/.test(n.houseNumber) && known && rule?.houseNumberRequired) {
      errors.push({ field: 'houseNumber', code: 'invalid', message: 'houseNumber must contain a number' });
    }

    if (known && n.postalCode) {
      const canonical = canonicalPostcode(known, n.postalCode);
      if (!canonical) {
        errors.push({
          field: 'postalCode',
          code: 'invalid-format',
          message: `postalCode does not fit the format of ${known} (e.g. ${rule?.example ?? '…'})`,
        });
      } else {
        if (canonical !== n.postalCode)
          suggestions.push({ field: 'postalCode', value: canonical, reason: 'canonical spelling' });
        n.postalCode = canonical;
        if (known === 'DE' && n.city) this.checkGermanTown(n, errors, suggestions);
      }
    }

    for (const field of ['street', 'city'] as const) {
      const value = n[field];
      if (
        value &&
        (isShouting(value) || isWhispering(value)) &&
        !suggestions.some((s) => s.field === field)
      ) {
        const cased = properCase(value);
        if (cased !== value) {
          suggestions.push({ field, value: cased, reason: 'usual casing' });
          n[field] = cased;
        }
      }
    }

    if (n.phone) {
      const phone = parsePhoneNumberFromString(n.phone, (known ?? undefined) as CountryCode | undefined);
      if (!phone || !phone.isValid()) {
        errors.push({
          field: 'phone',
          code: 'invalid',
          message: 'phone is not a valid number; include the country code, e.g. +49 2154 000000',
        });
      } else {
        n.phone = phone.number;
      }
    }

    return { valid: errors.length === 0, errors, suggestions, normalized: n };
  }

  private checkGermanTown(n: AddressInput, errors: AddressProblem[], suggestions: AddressSuggestion[]): void {
    const postcode = n.postalCode as string;
    const city = n.city as string;
    const towns = this.germanPostcodes.towns(postcode);
    if (!towns) {
      errors.push({
        field: 'postalCode',
        code: 'unknown-postcode',
        message: 'postalCode does not exist in Germany',
      });
      for (const other of this.germanPostcodes.postcodesOf(city).slice(0, 5)) {
        suggestions.push({ field: 'postalCode', value: other, reason: `a postcode of ${city}` });
      }
      return;
    }
    const key = townKey(city);
    const exact = towns.find((t) => townKey(t) === key);
    if (exact) {
      n.city = exact;
      return;
    }
    // "Frankfurt" for "Frankfurt am Main": the short form people use, when it names one town of the postcode.
    const byPrefix = towns.filter((t) => townKey(t).startsWith(`${key} `));
    if (byPrefix.length === 1) {
      suggestions.push({ field: 'city', value: byPrefix[0], reason: 'official name of the town' });
      n.city = byPrefix[0];
      return;
    }
    errors.push({
      field: 'city',
      code: 'postcode-town-mismatch',
      message: `city does not belong to postcode ${postcode}`,
    });
    const ranked = towns
      .map((t) => ({ t, d: editDistance(townKey(t), key) }))
      .sort((a, b) => a.d - b.d || a.t.localeCompare(b.t));
    for (const { t, d } of ranked.slice(0, 3)) {
      suggestions.push({
        field: 'city',
        value: t,
        reason: d <= 2 ? 'probable typo' : `town of postcode ${postcode}`,
      });
    }
    for (const other of this.germanPostcodes.postcodesOf(city).slice(0, 3)) {
      suggestions.push({ field: 'postalCode', value: other, reason: `a postcode of ${city}` });
    }
  }
}
