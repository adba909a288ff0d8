import { defineActivity } from '@app/privacy';
import { MAX_COOKIE_AGE_SECONDS } from './cookie-policy.js';

/**
 * The cookies the backend sets. Only cookies that make the shop usable exist (no analytics, no
 * advertising, no third-party cookies), so they need no consent (§ 25(2) Nr. 2 TDDDG); the
 * processing of their values rests on legitimate interests. Which cookies exist is the
 * CookieCatalogue (GET /api/v1/shop/cookies); a cookie not in it never leaves the server.
 */
export const COOKIES = defineActivity({
  id: 'cookies',
  name: 'Cookies that make the shop usable',
  purposes: [
    'Keep a signed-in customer signed in across page loads (the refresh-token cookie), so the browser needs no script-readable token storage',
  ],
  legalBasis: '6(1)(f)',
  legitimateInterestAssessment:
    'The shop and its customers have an interest in sign-ins that survive a page reload without keeping tokens where ' +
    'scripts can read them (cross-site scripting). The cookie holds only a random value, is sent only to the ' +
    "shop's own sign-in routes (Path, SameSite=Strict, HttpOnly, Secure), is set only when the person signs in, and " +
    'ends at sign-out or expiry. Its value is used for nothing but that session and never merged with other data, ' +
    'so the intrusion is minimal and expected by anyone who signs in; the interests of the person do not override.',
  compellingGrounds:
    'Strictly necessary for the service the person requested (staying signed in); without it the sign-in they asked for cannot work.',
  dataSubjects: ['customers', 'website visitors'],
  dataCategories: [
    {
      id: 'cookie.id',
      description:
        'Cookie identifiers: the random value of each cookie the backend sets (see GET /api/v1/shop/cookies)',
      collection: 'voluntary',
      reason:
        'Set only when you sign in, to keep you signed in; a browser that refuses cookies can still use the tokens in the answer.',
    },
  ],
  source: { kind: 'data-subject' },
  disclosures: [],
  processors: ['hosting-provider'],
  retention: [
    {
      kind: 'duration',
      days: MAX_COOKIE_AGE_SECONDS / 86_400,
      description:
        'No cookie lives longer than one year: every Set-Cookie header is capped to 365 days and to the lifetime its ' +
        'catalogue entry declares (the refresh cookie: REFRESH_TOKEN_TTL_DAYS, 30 days by default); sign-out deletes it.',
    },
  ],
  measures: [
    'One place for every response: a hook caps Max-Age and Expires of each Set-Cookie header at the declared lifetime and never above one year, and drops any cookie the catalogue does not declare',
    'Cookie values are never merged with other sources: no analytics, no profiling, no advertising, no third-party cookies',
    'HttpOnly, Secure, SameSite=Strict, and the narrowest Path',
    'The server keeps only a SHA-256 hash of a refresh-token value',
  ],
});
