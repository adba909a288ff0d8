import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** The shop is in Germany: a number written without a country code is read as a German one. */
export const DEFAULT_PHONE_COUNTRY: CountryCode = 'DE';

/**
 * A telephone number as people type it ("02154 8826-0", "+49 (0) 2154 88260") in E.164 form
 * ("+49215488260"), or null when it is not a valid number.
 */
export function toE164(input: string, defaultCountry: CountryCode = DEFAULT_PHONE_COUNTRY): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultCountry);
  return parsed?.isValid() ? parsed.number : null;
}
