import { defineActivity } from '@app/privacy';

/** The registry id of the web server access log. */
export const ACCESS_LOG_ACTIVITY_ID = 'access-log';

/** The record type legal holds and erasure reports name for one access-log line (its id). */
export const ACCESS_LOG_RECORD = 'access_log_entry';

/** Days a line is kept (privacy policy: "7 days, then deleted"). */
export const ACCESS_LOG_RETENTION_DAYS = 7;

/**
 * Subject ids of the access log: the client's IP address, `ip:<address>` (an access or erasure
 * request by IP), and in legal holds also `ip:<network>/<prefix>` for a whole range. The hold scope
 * has no IP field, so a hold on the access log names the address as its subject.
 */
export const ipSubject = (ip: string): string => `ip:${ip}`;

export const ACCESS_LOG_CATEGORIES = {
  browser: 'client.browser',
  os: 'client.operating-system',
  referrer: 'request.referrer',
  ip: 'network.ip-address',
  time: 'request.time',
  url: 'request.url',
} as const;

/**
 * The web server's access log (privacy policy: browser and version, operating system, referrer URL,
 * IP address, date and time, requested file/URL). IP addresses are personal data (CJEU C-582/14,
 * Breyer), hence Art. 6(1)(f) with the balancing test below.
 */
export const ACCESS_LOG = defineActivity({
  id: ACCESS_LOG_ACTIVITY_ID,
  name: 'Web server access log',
  owner: 'IT operations',
  purposes: [
    'Keep the shop secure: detect and investigate attacks and abuse (credential stuffing, scanning, fraud)',
    'Operate the shop: find errors and slow pages',
    'Statistics on the use of the shop, without profiles of individual visitors',
  ],
  legalBasis: '6(1)(f)',
  legitimateInterestAssessment:
    'Interest: the shop must protect its systems and its customers\u2019 accounts and orders against attacks and ' +
    'abuse, find faults, and know how the shop is used (Art. 32 even requires the security). Necessity: an attack ' +
    'or a fault can only be traced back with who asked for what and when; the IP address is the one identifier ' +
    'a request brings with it, and browser/OS tell bots and broken clients apart. Less intrusive means were ' +
    'chosen where they suffice: query values (tokens, email addresses, codes) are removed before storing, the ' +
    'referrer keeps only its origin and path, no cookie or account id is joined to a line, and no profile is ' +
    'built. Balance: IP addresses are personal data (CJEU C-582/14, Breyer), but the lines are kept only 7 days, ' +
    'read only by operations staff for the purposes above, never disclosed, and visitors reasonably expect a ' +
    'web server to log requests for its security (recital 49). Their interests therefore do not override.',
  compellingGrounds:
    'The security of the shop and of its customers\u2019 data (Art. 32, recital 49): an objection cannot exempt ' +
    'requests from the log an attack would be investigated with; the short retention limits the impact.',
  dataSubjects: ['website visitors', 'customers', 'API clients'],
  dataCategories: [
    {
      id: ACCESS_LOG_CATEGORIES.browser,
      description: 'Browser and its version, parsed from the User-Agent header',
      collection: 'voluntary',
      reason: 'Sent by the browser; a browser may send a generic one',
    },
    {
      id: ACCESS_LOG_CATEGORIES.os,
      description: 'Operating system and its version, parsed from the User-Agent header',
      collection: 'voluntary',
      reason: 'Sent by the browser; a browser may send a generic one',
    },
    {
      id: ACCESS_LOG_CATEGORIES.referrer,
      description: 'Referrer URL, origin and path only (no query, no fragment)',
      collection: 'voluntary',
      reason: 'Sent by the browser unless its referrer policy suppresses it',
    },
    {
      id: ACCESS_LOG_CATEGORIES.ip,
      description: 'IP address of the client',
      collection: 'mandatory',
      reason: 'Technically necessary to deliver the page',
    },
    {
      id: ACCESS_LOG_CATEGORIES.time,
      description: 'Date and time of the request, its duration and the request id',
      collection: 'mandatory',
      reason: 'Technically necessary to deliver the page',
    },
    {
      id: ACCESS_LOG_CATEGORIES.url,
      description:
        'Method and requested URL: the path, and the query with the values removed except for harmless ' +
        'parameters (page, sort, language); the response status',
      collection: 'mandatory',
      reason: 'Technically necessary to deliver the page',
    },
  ],
  // Sent by the visitor's browser with every request; nothing is asked of the person.
  source: { kind: 'data-subject' },
  disclosures: [],
  processors: [],
  retention: [
    {
      kind: 'duration',
      days: ACCESS_LOG_RETENTION_DAYS,
      description:
        'Deleted after 7 days: the log is partitioned by day (UTC) and each day is dropped as a whole once its ' +
        'last line is 7 days old (checked hourly). Lines covered by an incident legal hold (by time range and/or ' +
        'IP address) are moved aside before the drop and deleted once the hold is released.',
    },
  ],
  measures: [
    'Query values removed before storage except an allow-list of harmless parameters; referrer reduced to origin and path; email addresses in paths masked',
    'No join with cookies, accounts or orders; no profiles',
    'Whole days dropped after 7 days (no row-by-row deletion that could be skipped)',
    'Written in batches off the request path; a bounded buffer drops (and counts) lines instead of growing when the database is down',
    'Read only by operations staff; never disclosed to any recipient',
  ],
});
