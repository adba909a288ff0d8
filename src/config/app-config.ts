import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  validateSync,
  type ValidationError,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;

const toBool = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};

const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * Every setting the service reads from the environment. `.env.example` documents each key;
 * a key added here must be added there too (a unit test compares both).
 */
export class AppConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsString()
  HOST = '127.0.0.1';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** In production the database must be named explicitly: the embedded server is for development only. */
  @Transform(emptyToUndefined)
  @ValidateIf((c: AppConfig) => c.NODE_ENV === 'production' || c.DATABASE_URL !== undefined)
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'a postgres:// connection URL' })
  DATABASE_URL?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  @IsString()
  EMBEDDED_PG_DATA_DIR = '.data/postgres';

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  @Transform(toBool)
  @IsBoolean()
  MIGRATIONS_RUN = true;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Append the log (JSON lines) to this file instead of standard output; empty: standard output. */
  @IsString()
  LOG_FILE = '';

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(50 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  /** Deepest nesting of objects/arrays a JSON body may have; deeper is answered 400 before validation. */
  @Transform(toInt)
  @IsInt()
  @Min(4)
  @Max(256)
  JSON_MAX_DEPTH = 32;

  /** Most object members plus array elements in one JSON body (all levels); more is answered 400. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(1_000_000)
  JSON_MAX_MEMBERS = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  @Transform(toBool)
  @IsBoolean()
  TRUST_PROXY = false;

  @Transform(toBool)
  @IsBoolean()
  OPENAPI_ENABLED = true;

  /** Guards the privacy admin routes until staff accounts exist; unset = those routes answer 401. */
  @Transform(emptyToUndefined)
  @ValidateIf((c: AppConfig) => c.PRIVACY_ADMIN_TOKEN !== undefined)
  @IsString()
  @MinLength(24, { message: 'at least 24 characters long' })
  PRIVACY_ADMIN_TOKEN?: string;

  @IsString()
  PRIVACY_CONTROLLER_NAME = 'Example Skin Analysis Devices GmbH';

  @IsString()
  PRIVACY_CONTROLLER_ADDRESS = 'Siemensring 98, 47877 Willich, Germany';

  @IsString()
  PRIVACY_CONTROLLER_CONTACT = 'datenschutz@shop.example';

  @Transform(emptyToUndefined)
  @ValidateIf((c: AppConfig) => c.PRIVACY_DPO_CONTACT !== undefined)
  @IsString()
  PRIVACY_DPO_CONTACT?: string;

  @IsString()
  PRIVACY_SUPERVISORY_AUTHORITY =
    'Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen (LDI NRW), Kavalleriestraße 2-4, 40213 Düsseldorf';

  /** HMAC key of the access tokens (at least 32 characters). Required in production; in development a random key per start. */
  @Transform(emptyToUndefined)
  @ValidateIf((c: AppConfig) => c.NODE_ENV === 'production' || c.AUTH_TOKEN_SECRET !== undefined)
  @IsString()
  @MinLength(32, { message: 'a secret of at least 32 characters' })
  AUTH_TOKEN_SECRET?: string;

  /** Lifetime of an access token. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(3600)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  /** Lifetime of a refresh token (each use rotates it). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(90)
  REFRESH_TOKEN_TTL_DAYS = 30;

  /**
   * Seconds after a refresh token was exchanged during which presenting it again (a second browser tab
   * refreshing at the same moment) yields a sibling token instead of ending the session. Later than
   * that, a second use is treated as theft and ends the session. 0 turns the grace off.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60)
  REFRESH_REUSE_GRACE_SECONDS = 10;

  /** Failed logins for one account (or one client) within the window before logins are refused with 429. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  LOGIN_MAX_FAILURES = 5;

  /** The window, and how long the refusal lasts. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  LOGIN_LOCKOUT_SECONDS = 900;

  /** Run background jobs (retention sweep, outbox workers) in this process. */
  @Transform(toBool)
  @IsBoolean()
  JOBS_ENABLED = true;

  /** Cron schedule of the retention sweep (pg-boss), in the shop's time zone (Europe/Berlin). */
  @IsString()
  RETENTION_SWEEP_CRON = '17 3 * * *';

  /**
   * Accept PRIVACY_ADMIN_TOKEN on the privacy admin routes besides staff accounts (privacy-officer,
   * admin). Off by default: a shared static token is for the first start and emergencies only.
   */
  @Transform(toBool)
  @IsBoolean()
  PRIVACY_BOOTSTRAP_TOKEN_ENABLED = false;

  /** Lifetime of a staff access token: shorter than a customer's, as it opens more data. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(3600)
  STAFF_ACCESS_TOKEN_TTL_SECONDS = 600;

  /** Days a closed inquiry is kept before it is deleted; 0 (the default) deletes it when it is closed. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(30)
  INQUIRY_DELETE_GRACE_DAYS = 0;

  /** Inquiries one client (IP address, counted hashed) may send per INQUIRY_RATE_LIMIT_WINDOW_SECONDS. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  INQUIRY_RATE_LIMIT_MAX = 5;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  INQUIRY_RATE_LIMIT_WINDOW_SECONDS = 600;

  /** Privacy requests by email per address (and four times that per client IP) per window; both counted hashed. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  PRIVACY_REQUEST_RATE_LIMIT_MAX = 3;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  PRIVACY_REQUEST_RATE_LIMIT_WINDOW_SECONDS = 3600;

  /** Cron of the job that runs scheduled erasures and retries failed request steps (Europe/Berlin). */
  @IsString()
  PRIVACY_REQUEST_STEPS_CRON = '*/10 * * * *';

  /** Days after delivery an erasure waits (the consumer's withdrawal period, § 355 BGB: 14). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60)
  PRIVACY_ERASURE_WITHDRAWAL_DAYS = 14;

  /** How long the download link of an Art. 20 export works. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(720)
  PRIVACY_EXPORT_LINK_TTL_HOURS = 72;

  /** Write the web server access log (registry activity access-log). */
  @Transform(toBool)
  @IsBoolean()
  ACCESS_LOG_ENABLED = true;

  /** How often buffered access-log lines are written (one multi-row INSERT per batch). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60_000)
  ACCESS_LOG_FLUSH_INTERVAL_MS = 1000;

  /** Most access-log lines held in memory while the database is slow or down; more are dropped and counted. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(1_000_000)
  ACCESS_LOG_MAX_BUFFERED = 20_000;

  /** Cron schedule (UTC) of the access-log partition maintenance: create ahead, drop after 7 days, release holds. */
  @IsString()
  ACCESS_LOG_MAINTENANCE_CRON = '7 * * * *';

  /**
   * Base URL of the credit agency's HTTP API (credit-check module). Unset: development and tests use the
   * in-process simulator (logged as such); production never falls back to it, so every credit check
   * counts as failed (the customer is offered card or PayPal) until an agency is configured.
   */
  @ValidateIf((c: AppConfig) => c.CREDIT_AGENCY_URL !== '')
  @Matches(/^https?:\/\/\S+$/, { message: 'an http(s):// URL' })
  CREDIT_AGENCY_URL = '';

  /** Sent in X-Api-Key to the credit agency. */
  @IsString()
  CREDIT_AGENCY_API_KEY = '';

  /** The agency's name, stored with each check and named in the Art. 15 answer. */
  @IsString()
  @MinLength(1)
  CREDIT_AGENCY_NAME = 'Credit agency (configured per shop)';

  /** How long one request to the credit agency may take before the check counts as failed. */
  @Transform(toInt)
  @IsInt()
  @Min(500)
  @Max(60_000)
  CREDIT_AGENCY_TIMEOUT_MS = 5000;

  /** Orders paid by SEPA direct debit or invoice below this amount (cents) proceed without a credit check. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  CREDIT_CHECK_MIN_AMOUNT_CENTS = 5000;

  /** A yellow check allows SEPA direct debit or invoice up to this amount (cents); above it, it declines. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  CREDIT_CHECK_YELLOW_MAX_CENTS = 20_000;

  /** Days a credit-check result (and its review) is kept; at most the 90 days the registry declares. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(90)
  CREDIT_CHECK_RETENTION_DAYS = 90;

  /**
   * Key of the orders module (guest subject ids, guest order links), at least 32 characters. Required in
   * production; never rotate it casually: guest subject ids derive from it. Empty in development and tests:
   * a random secret is then created once and kept in the database table app_secret (logged as insecure).
   */
  @ValidateIf((c: AppConfig) => c.NODE_ENV === 'production' || c.ORDER_TOKEN_SECRET !== '')
  @IsString()
  @MinLength(32, { message: 'a secret of at least 32 characters' })
  ORDER_TOKEN_SECRET = '';

  /** How long the order link a guest receives at checkout (X-Order-Token) stays valid, in days. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  ORDER_ACCESS_TOKEN_TTL_DAYS = 90;

  /** Failed sign-ins from one client (IP, counted hashed) within LOGIN_LOCKOUT_SECONDS before it gets 429. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  LOGIN_MAX_FAILURES_PER_CLIENT = 20;

  /** Registrations one client (IP, counted hashed) may send per REGISTRATION_WINDOW_SECONDS before 429. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  REGISTRATION_MAX_PER_CLIENT = 10;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  REGISTRATION_WINDOW_SECONDS = 3600;

  /**
   * Email (src/modules/notifications). `dev-mailbox` (the default) writes each message to the
   * outbound_message table instead of sending it; `smtp` sends through SMTP_HOST with nodemailer.
   */
  @IsIn(['dev-mailbox', 'smtp'])
  MAIL_TRANSPORT: 'dev-mailbox' | 'smtp' = 'dev-mailbox';

  /** The From address of every email. */
  @IsString()
  MAIL_FROM = 'Example Skin Analysis Devices GmbH <shop@shop.example>';

  /** SMTP server (the mail provider's submission host); required with MAIL_TRANSPORT=smtp. */
  @ValidateIf((c: AppConfig) => c.MAIL_TRANSPORT === 'smtp')
  @IsString()
  @MinLength(1, { message: 'required when MAIL_TRANSPORT is smtp' })
  SMTP_HOST = '';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  SMTP_PORT = 587;

  /** true: TLS from the first byte (port 465); false: STARTTLS on a plain connection (port 587). */
  @Transform(toBool)
  @IsBoolean()
  SMTP_SECURE = false;

  /** Refuse to send unless the connection is encrypted (STARTTLS required). Only tests turn it off. */
  @Transform(toBool)
  @IsBoolean()
  SMTP_REQUIRE_TLS = true;

  /** SMTP credentials; both empty: no authentication. */
  @IsString()
  SMTP_USER = '';

  @IsString()
  SMTP_PASSWORD = '';

  /** Minutes a card or PayPal order may stay unpaid before a job cancels it and releases its stock. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 60)
  UNPAID_ORDER_TIMEOUT_MINUTES = 30;

  /** Cron schedule of the job that cancels unpaid card and PayPal orders (pg-boss, Europe/Berlin). */
  @IsString()
  UNPAID_ORDER_SWEEP_CRON = '* * * * *';

  /** Days an order on invoice or by SEPA debit has to be paid, from its release after the credit check. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(90)
  PAYMENT_DUE_DAYS = 14;

  /**
   * Payment reminders (dunning): the days after the due date on which reminder 1, 2, 3 … go out,
   * ascending and comma-separated. Each reminder sets a new deadline 7 days after it is sent.
   */
  @IsString()
  @Matches(/^\d{1,3}(,\d{1,3}){0,4}$/, { message: 'ascending days after the due date, e.g. 3,17,31' })
  DUNNING_LEVEL_DAYS = '3,17,31';

  /** Cron schedule of the dunning job (pg-boss, Europe/Berlin). */
  @IsString()
  DUNNING_SWEEP_CRON = '0 8 * * *';

  /**
   * Payments (src/modules/payments). `auto`: a provider without keys (Stripe, PayPal) runs against a local
   * simulator inside the app, logged as such, so a demo order can be paid offline; never in production,
   * where a provider without keys is simply unavailable. `off`: no simulators.
   */
  @IsIn(['auto', 'off'])
  PAYMENT_SIMULATORS: 'auto' | 'off' = 'auto';

  /**
   * Stripe and PayPal calls (and the credit agency's breaker): each attempt is abandoned after this many ms
   * (the caller gets a 502 problem; a retry with the same Idempotency-Key charges nothing twice).
   */
  @Transform(toInt)
  @IsInt()
  @Min(200)
  @Max(120_000)
  PAYMENT_PROVIDER_TIMEOUT_MS = 10_000;

  /** Further attempts after a timeout, network error, 5xx or 429 (calls carry idempotency keys); 0: none. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(5)
  PAYMENT_PROVIDER_RETRIES = 2;

  /** Consecutive failed provider calls that open its circuit breaker (calls then fail fast with 503) ... */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  PAYMENT_PROVIDER_BREAKER_FAILURES = 5;

  /** ... and how long it stays open before one trial call may close it again. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  PAYMENT_PROVIDER_BREAKER_HALF_OPEN_SECONDS = 30;

  /** The card simulator confirms each new payment by itself after this many ms (0: only on its confirm hook). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  PAYMENT_SIMULATOR_AUTOCONFIRM_MS = 3000;

  /** Stripe secret key (sk_live_… / sk_test_… / a restricted rk_…). Empty: card payments use the simulator (or none). */
  @ValidateIf((c: AppConfig) => c.STRIPE_SECRET_KEY !== '')
  @Matches(/^(sk|rk)_\S+$/, { message: 'a Stripe secret key (sk_… or rk_…)' })
  STRIPE_SECRET_KEY = '';

  /** Signing secret of the shop's Stripe webhook endpoint; required with STRIPE_SECRET_KEY. */
  @ValidateIf((c: AppConfig) => c.STRIPE_SECRET_KEY !== '' || c.STRIPE_WEBHOOK_SECRET !== '')
  @Matches(/^whsec_\S+$/, { message: 'a Stripe webhook signing secret (whsec_…)' })
  STRIPE_WEBHOOK_SECRET = '';

  /** Only to point the Stripe SDK at a local Stripe (a fake in tests); empty: api.stripe.com. */
  @IsString()
  STRIPE_API_HOST = '';

  /** 0: Stripe's default port. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  STRIPE_API_PORT = 0;

  /** http only for a local Stripe; production refuses it. */
  @IsIn(['http', 'https'])
  STRIPE_API_PROTOCOL: 'http' | 'https' = 'https';

  /** PayPal REST app client id. Empty: PayPal payments use the simulator (or none). */
  @IsString()
  PAYPAL_CLIENT_ID = '';

  /** PayPal REST app secret; required with PAYPAL_CLIENT_ID. */
  @ValidateIf((c: AppConfig) => c.PAYPAL_CLIENT_ID !== '')
  @IsString()
  @MinLength(1, { message: 'set (PAYPAL_CLIENT_ID is set)' })
  PAYPAL_CLIENT_SECRET = '';

  /** PayPal REST API base URL (live: https://api-m.paypal.com, sandbox: https://api-m.sandbox.paypal.com). */
  @Matches(/^https?:\/\/\S+$/, { message: 'an http(s):// URL' })
  PAYPAL_BASE_URL = 'https://api-m.paypal.com';

  /** PayPal's buyer-facing site (live: https://www.paypal.com, sandbox: https://www.sandbox.paypal.com). */
  @Matches(/^https?:\/\/\S+$/, { message: 'an http(s):// URL' })
  PAYPAL_WEB_URL = 'https://www.paypal.com';

  /** Id of the shop's webhook subscription at PayPal (part of every signed message); required with PAYPAL_CLIENT_ID. */
  @ValidateIf((c: AppConfig) => c.PAYPAL_CLIENT_ID !== '')
  @IsString()
  @MinLength(1, { message: 'set (PAYPAL_CLIENT_ID is set)' })
  PAYPAL_WEBHOOK_ID = '';

  /** `local`: verify PayPal webhook signatures here (certificate from PAYPAL-CERT-URL); `api`: ask PayPal. */
  @IsIn(['local', 'api'])
  PAYPAL_WEBHOOK_VERIFICATION: 'local' | 'api' = 'local';

  /** Comma-separated hosts PAYPAL-CERT-URL may name (`*.` for subdomains); production accepts PayPal's only. */
  @IsString()
  @MinLength(1)
  PAYPAL_WEBHOOK_CERT_HOSTS = '*.paypal.com';

  /**
   * A PEM file of the roots PayPal's webhook certificates must chain to, replacing the vendored DigiCert
   * roots: for a test double only (refused in production). Empty: the vendored roots.
   */
  @IsString()
  PAYPAL_WEBHOOK_ROOTS_FILE = '';

  /** Where PayPal sends the buyer back after approving (the storefront's page); empty: none (popup checkout). */
  @ValidateIf((c: AppConfig) => c.PAYPAL_RETURN_URL !== '')
  @Matches(/^https?:\/\/\S+$/, { message: 'an http(s):// URL' })
  PAYPAL_RETURN_URL = '';

  /** Where PayPal sends the buyer who cancels; empty: none. */
  @ValidateIf((c: AppConfig) => c.PAYPAL_CANCEL_URL !== '')
  @Matches(/^https?:\/\/\S+$/, { message: 'an http(s):// URL' })
  PAYPAL_CANCEL_URL = '';

  /**
   * Key (32 bytes, 64 hex digits or base64) of the HMAC the disclosure log keeps of each payload sent to a
   * recipient. Required in production; empty in development: a random key per process.
   */
  @ValidateIf((c: AppConfig) => c.NODE_ENV === 'production' || c.PRIVACY_DISCLOSURE_HASH_KEY !== '')
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, { message: '32 bytes as 64 hex digits or base64' })
  PRIVACY_DISCLOSURE_HASH_KEY = '';

  /**
   * Key (32 bytes, 64 hex digits or base64) that encrypts the IBANs of SEPA direct debit mandates. Required in
   * production; in development a random key per process (IBANs stored then cannot be read after a restart).
   */
  @ValidateIf((c: AppConfig) => c.NODE_ENV === 'production' || c.PAYMENT_IBAN_KEY !== '')
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, { message: '32 bytes as 64 hex digits or base64' })
  PAYMENT_IBAN_KEY = '';

  /** The shop's SEPA creditor identifier (Gläubiger-ID); the default is the Bundesbank's test id, refused in production. */
  @ValidateIf((c: AppConfig) => c.NODE_ENV === 'production')
  @Matches(/^(?!DE98ZZZ09999999999$)[A-Z]{2}\d{2}[A-Z0-9]{3}[A-Z0-9]{1,28}$/, {
    message: "the shop's own SEPA creditor identifier",
  })
  SEPA_CREDITOR_ID = 'DE98ZZZ09999999999';

  // ---- Carrier handoff (src/modules/carrier-handoff) and the partner shipment API -----------------------

  /** The carrier an order ships with, unless CARRIER_COUNTRY_OVERRIDES names another for its delivery country. */
  @IsIn(['dhl', 'hermes', 'dpd'])
  CARRIER_DEFAULT: 'dhl' | 'hermes' | 'dpd' = 'dhl';

  /** Carrier per delivery country, e.g. `AT:dpd,CH:dpd` (ISO 3166-1 alpha-2 code, colon, carrier); empty: the default everywhere. */
  @Matches(/^$|^[A-Z]{2}:(dhl|hermes|dpd)(,[A-Z]{2}:(dhl|hermes|dpd))*$/, {
    message: 'a comma-separated list of COUNTRY:carrier, e.g. AT:dpd,CH:dpd (carriers: dhl, hermes, dpd)',
  })
  CARRIER_COUNTRY_OVERRIDES = '';

  /**
   * `auto`: a carrier without a base URL runs against an in-process simulator of its API (development and
   * tests, logged as such); production refuses to start when a carrier it may choose has none. `off`: never.
   */
  @IsIn(['auto', 'off'])
  CARRIER_SIMULATORS: 'auto' | 'off' = 'auto';

  /** Longest wait for one answer of a carrier's API; a timeout counts as a failed attempt (the next one looks first). */
  @Transform(toInt)
  @IsInt()
  @Min(200)
  @Max(60_000)
  CARRIER_HTTP_TIMEOUT_MS = 10_000;

  /** Attempts to hand a shipment to its carrier before it is dead-lettered for staff (a staff retry grants as many again). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  CARRIER_HANDOFF_MAX_ATTEMPTS = 8;

  /** First delay before a failed handoff is tried again; doubled per attempt (with jitter) up to the maximum. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  CARRIER_HANDOFF_RETRY_DELAY_SECONDS = 30;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  CARRIER_HANDOFF_RETRY_DELAY_MAX_SECONDS = 3600;

  /** Handoff workers per process (each takes a batch of jobs at a time); only where JOBS_ENABLED. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  CARRIER_HANDOFF_CONCURRENCY = 4;

  /** Jobs a handoff worker fetches at once; while batches come back full it fetches without pausing. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  CARRIER_HANDOFF_BATCH_SIZE = 4;

  /** How often an idle handoff worker looks for new jobs (pg-boss polls; 500 ms at least). */
  @Transform(toInt)
  @IsInt()
  @Min(500)
  @Max(60_000)
  CARRIER_HANDOFF_POLL_INTERVAL_MS = 500;

  /** Consecutive failed calls that open a carrier's circuit breaker (no calls, attempts fail fast) ... */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  CARRIER_CIRCUIT_FAILURES = 5;

  /** ... and how long it stays open before one trial call may close it again. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  CARRIER_CIRCUIT_HALF_OPEN_SECONDS = 30;

  /** Weight declared to the carrier for a parcel (products carry no weights yet). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(31_500)
  CARRIER_PARCEL_WEIGHT_GRAMS = 2000;

  /** Days the carrier's label (it shows name and address) is kept after the handover, for reprints. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  CARRIER_LABEL_RETENTION_DAYS = 30;

  /** The sender printed on every label (the shop, not a person). */
  @IsString()
  @MinLength(1)
  SHIPPER_NAME = 'Example Skin Analysis Devices GmbH';

  @IsString()
  @MinLength(1)
  SHIPPER_STREET = 'Siemensring';

  @IsString()
  @MinLength(1)
  SHIPPER_HOUSE_NUMBER = '98';

  @IsString()
  @MinLength(1)
  SHIPPER_POSTAL_CODE = '47877';

  @IsString()
  @MinLength(1)
  SHIPPER_CITY = 'Willich';

  @Matches(/^[A-Z]{2}$/, { message: 'an ISO 3166-1 alpha-2 country code such as DE' })
  SHIPPER_COUNTRY = 'DE';

  /** DHL Parcel DE Shipping API v2 (live: https://api-eu.dhl.com/parcel/de/shipping/v2). Empty: the simulator (or none). */
  @ValidateIf((c: AppConfig) => c.DHL_BASE_URL !== '')
  @Matches(/^https?:\/\/\S+$/, { message: 'an http(s):// URL' })
  DHL_BASE_URL = '';

  /** DHL tracking (Shipment Tracking - Unified); empty: /track/shipments on the host of DHL_BASE_URL. */
  @ValidateIf((c: AppConfig) => c.DHL_TRACKING_URL !== '')
  @Matches(/^https?:\/\/\S+$/, { message: 'an http(s):// URL' })
  DHL_TRACKING_URL = '';

  /** The `dhl-api-key` header (the app's key from developer.dhl.com); required with DHL_BASE_URL. */
  @ValidateIf((c: AppConfig) => c.DHL_BASE_URL !== '')
  @IsString()
  @MinLength(1, { message: 'set (DHL_BASE_URL is set)' })
  DHL_API_KEY = '';

  /** The business customer portal (GKP) user and password: HTTP basic auth of every call. */
  @ValidateIf((c: AppConfig) => c.DHL_BASE_URL !== '')
  @IsString()
  @MinLength(1, { message: 'set (DHL_BASE_URL is set)' })
  DHL_USERNAME = '';

  @ValidateIf((c: AppConfig) => c.DHL_BASE_URL !== '')
  @IsString()
  @MinLength(1, { message: 'set (DHL_BASE_URL is set)' })
  DHL_PASSWORD = '';

  /** 14 characters: EKP (10 digits), procedure (2) and participation (2) of the contract. */
  @ValidateIf((c: AppConfig) => c.DHL_BASE_URL !== '' || c.DHL_BILLING_NUMBER !== '')
  @Matches(/^\d{10}[0-9A-Z]{4}$/, {
    message: 'a 14-character billing number (EKP, procedure, participation)',
  })
  DHL_BILLING_NUMBER = '';

  /** DHL product code, e.g. V01PAK (DHL Paket), V53WPAK (Paket International). */
  @Matches(/^V[0-9A-Z]{3,6}$/, { message: 'a DHL product code such as V01PAK' })
  DHL_PRODUCT = 'V01PAK';

  /** Hermes HSI API (the base URL Hermes gives with the contract). Empty: the simulator (or none). */
  @ValidateIf((c: AppConfig) => c.HERMES_BASE_URL !== '')
  @Matches(/^https?:\/\/\S+$/, { message: 'an http(s):// URL' })
  HERMES_BASE_URL = '';

  /** Hermes OAuth2 token endpoint (password grant); empty: <HERMES_BASE_URL>/oauth2/access_token. */
  @ValidateIf((c: AppConfig) => c.HERMES_AUTH_URL !== '')
  @Matches(/^https?:\/\/\S+$/, { message: 'an http(s):// URL' })
  HERMES_AUTH_URL = '';

  @ValidateIf((c: AppConfig) => c.HERMES_BASE_URL !== '')
  @IsString()
  @MinLength(1, { message: 'set (HERMES_BASE_URL is set)' })
  HERMES_CLIENT_ID = '';

  @IsString()
  HERMES_CLIENT_SECRET = '';

  @ValidateIf((c: AppConfig) => c.HERMES_BASE_URL !== '')
  @IsString()
  @MinLength(1, { message: 'set (HERMES_BASE_URL is set)' })
  HERMES_USERNAME = '';

  @ValidateIf((c: AppConfig) => c.HERMES_BASE_URL !== '')
  @IsString()
  @MinLength(1, { message: 'set (HERMES_BASE_URL is set)' })
  HERMES_PASSWORD = '';

  /** dpd Cloud Web Service (live: https://cloud.dpd.com/api/v1). Empty: the simulator (or none). */
  @ValidateIf((c: AppConfig) => c.DPD_BASE_URL !== '')
  @Matches(/^https?:\/\/\S+$/, { message: 'an http(s):// URL' })
  DPD_BASE_URL = '';

  /** The partner credentials of the shop software and the shop's own cloud user, as dpd issues them. */
  @ValidateIf((c: AppConfig) => c.DPD_BASE_URL !== '')
  @IsString()
  @MinLength(1, { message: 'set (DPD_BASE_URL is set)' })
  DPD_PARTNER_NAME = '';

  @ValidateIf((c: AppConfig) => c.DPD_BASE_URL !== '')
  @IsString()
  @MinLength(1, { message: 'set (DPD_BASE_URL is set)' })
  DPD_PARTNER_TOKEN = '';

  @ValidateIf((c: AppConfig) => c.DPD_BASE_URL !== '')
  @IsString()
  @MinLength(1, { message: 'set (DPD_BASE_URL is set)' })
  DPD_CLOUD_USER_ID = '';

  @ValidateIf((c: AppConfig) => c.DPD_BASE_URL !== '')
  @IsString()
  @MinLength(1, { message: 'set (DPD_BASE_URL is set)' })
  DPD_USER_TOKEN = '';

  /** dpd product, e.g. Classic, Classic_Predict, Express_830. */
  @Matches(/^[A-Za-z0-9_]{2,40}$/, { message: 'a dpd ShipService name such as Classic' })
  DPD_SHIP_SERVICE = 'Classic';

  /** Days after delivery until the partner API and webhooks stop returning a shipment's personal data. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(90)
  PARTNER_PERSONAL_DATA_DAYS = 14;

  /**
   * Key (32 bytes, 64 hex digits or base64) that encrypts the partners' webhook signing secrets. Required in
   * production; empty in development: a random key created once and kept in the database (app_secret).
   */
  @ValidateIf((c: AppConfig) => c.NODE_ENV === 'production' || c.PARTNER_WEBHOOK_SECRET_KEY !== '')
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, { message: '32 bytes as 64 hex digits or base64' })
  PARTNER_WEBHOOK_SECRET_KEY = '';

  /** Attempts to deliver one webhook before it is logged as failed. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  PARTNER_WEBHOOK_MAX_ATTEMPTS = 10;

  /** First delay before a webhook is sent again; doubled per attempt up to an hour. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  PARTNER_WEBHOOK_RETRY_DELAY_SECONDS = 30;

  /** Longest wait for a partner's endpoint to answer a webhook. */
  @Transform(toInt)
  @IsInt()
  @Min(200)
  @Max(60_000)
  PARTNER_WEBHOOK_TIMEOUT_MS = 5000;

  /** Days the webhook delivery log is kept. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  PARTNER_WEBHOOK_LOG_RETENTION_DAYS = 90;

  // --- Invoicing, VAT and business customers (modules vat, business-customers, invoicing) ---

  /** The seller as every invoice names it (§ 14(4) Nr. 1 UStG). */
  @IsString()
  @MinLength(1)
  SELLER_NAME = 'DermaView Medizintechnik GmbH';

  @IsString()
  @MinLength(1)
  SELLER_STREET = 'Siemensring 98';

  @IsString()
  @MinLength(1)
  SELLER_POSTAL_CODE = '47877';

  @IsString()
  @MinLength(1)
  SELLER_CITY = 'Willich';

  /** The shop's own VAT ID (§ 14(4) Nr. 2, § 14a UStG); also the requester of VIES checks. */
  @Matches(/^DE\d{9}$/, { message: 'a German VAT ID (DE and 9 digits)' })
  SELLER_VAT_ID = 'DE123456789';

  /** The tax number (Steuernummer), printed beside the VAT ID; empty to leave it out. */
  @IsString()
  SELLER_TAX_NUMBER = '';

  /** Contact email for invoice questions, printed on invoices and in the e-invoice (BT-43). */
  @IsString()
  @MinLength(3)
  SELLER_EMAIL = 'rechnung@example.org';

  /** The IBAN customers pay invoices to, printed on invoices and in the e-invoice (BT-84); empty to leave out. */
  @IsString()
  SELLER_IBAN = '';

  /**
   * The seller contact's telephone in e-invoices (BT-42; XRechnung requires it, BR-DE-6). Empty: left
   * out, and XRechnung validators will flag the e-invoice.
   */
  @ValidateIf((c: AppConfig) => c.SELLER_PHONE !== '')
  @Matches(/^\+?[0-9 ()/-]{5,30}$/, { message: 'a telephone number, e.g. +49 2154 12345' })
  SELLER_PHONE = '';

  /**
   * Whether consumer deliveries to other member states carry the destination state's VAT (One-Stop-Shop,
   * the shop is above the EU-wide 10,000 EUR threshold of § 3c(4) UStG or opted in). Off: German VAT.
   */
  @Transform(toBool)
  @IsBoolean()
  VAT_OSS_DESTINATION_TAXATION = true;

  /**
   * VIES checkVatService endpoint. Unset: development and tests use the in-process simulator (logged as
   * such); production never falls back to it: VAT IDs stay unconfirmed (taxed like consumers) until set.
   */
  @ValidateIf((c: AppConfig) => c.VIES_URL !== '')
  @Matches(/^https?:\/\/\S+$/, { message: 'an http(s):// URL' })
  VIES_URL = '';

  @Transform(toInt)
  @IsInt()
  @Min(500)
  @Max(60_000)
  VIES_TIMEOUT_MS = 8000;

  /** Largest image a device may upload, in bytes (default 15 MB); larger uploads answer 413. */
  @Transform(toInt)
  @IsInt()
  @Min(10_000)
  @Max(100_000_000)
  DEVICE_IMAGE_MAX_BYTES = 15_000_000;

  /** Most pixels (width × height) an uploaded image may declare: refuses decompression bombs before decoding. */
  @Transform(toInt)
  @IsInt()
  @Min(10_000)
  @Max(200_000_000)
  DEVICE_IMAGE_MAX_PIXELS = 40_000_000;

  /** The stored image is re-encoded with its longer edge at most this many pixels (data minimisation). */
  @Transform(toInt)
  @IsInt()
  @Min(256)
  @Max(8192)
  DEVICE_IMAGE_MAX_EDGE = 2048;

  /** Days an image is kept after its result was delivered to the practice, unless improvement consent keeps it. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  DEVICE_IMAGE_RETENTION_DAYS = 30;

  /** Days an analysis result (and an image kept for improvement) is kept after the upload. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  DEVICE_RESULT_RETENTION_DAYS = 365;

  /** Smallest group of subjects whose improvement statistics are shown to staff (k-anonymity). */
  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(1000)
  DEVICE_STATS_MIN_GROUP = 5;

  /**
   * Key-encryption keys of the device data keys: `id:key[,id:key...]`, each key 32 bytes as 64 hex digits or
   * base64. Required in production; empty in development: one random key kept in the database (app_secret).
   */
  @ValidateIf((c: AppConfig) => c.NODE_ENV === 'production' || c.DEVICE_KEKS !== '')
  @Matches(
    /^[a-z0-9][a-z0-9-]{0,31}:([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)(,[a-z0-9][a-z0-9-]{0,31}:([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=))*$/,
    {
      message: 'a list of id:key, each key 32 bytes as 64 hex digits or base64',
    },
  )
  DEVICE_KEKS = '';

  /** The id (in DEVICE_KEKS) of the key that wraps new data keys; `npm run device:rewrap-keys` moves all to it. */
  @ValidateIf((c: AppConfig) => c.NODE_ENV === 'production' || c.DEVICE_KEKS !== '')
  @Matches(/^[a-z0-9][a-z0-9-]{0,31}$/, { message: 'the id of one key in DEVICE_KEKS' })
  DEVICE_KEK_ID = '';
}

export class ConfigurationError extends Error {
  constructor(
    readonly key: string,
    readonly expected: string,
    readonly got: unknown,
  ) {
    super(
      `Invalid configuration: ${key} must be ${expected}` +
        (got === undefined ? ' (it is not set)' : ` (got ${JSON.stringify(describeValue(key, got))})`),
    );
    this.name = 'ConfigurationError';
  }
}

/** Never echo what might be a secret: URLs and keys named like secrets are shown masked. */
function describeValue(key: string, value: unknown): unknown {
  if (/URL|SECRET|TOKEN|PASSWORD|KEY/i.test(key) && typeof value === 'string') return `${value.slice(0, 3)}…`;
  return value;
}

function firstProblem(errors: ValidationError[]): ConfigurationError | undefined {
  for (const error of errors) {
    const messages = Object.values(error.constraints ?? {});
    if (messages.length === 0) continue;
    // class-validator phrases each message as "<key> must (not) be ..."; say it once, for all rules.
    const expected = messages
      .reverse()
      .map((m) => m.replace(new RegExp(`^${error.property}\\s+`), '').replace(/^must be /, ''))
      .map((m) => m.replace(/^must not be /, 'not '))
      .join(', ');
    return new ConfigurationError(error.property, expected, error.value);
  }
  return undefined;
}

/** Validates the environment; throws a `ConfigurationError` naming the first wrong key. */
export function validateConfig(env: Record<string, unknown>): AppConfig {
  const known = Object.keys(new AppConfig());
  const relevant: Record<string, unknown> = {};
  for (const key of [
    ...known,
    'DATABASE_URL',
    'PRIVACY_ADMIN_TOKEN',
    'PRIVACY_DPO_CONTACT',
    'AUTH_TOKEN_SECRET',
  ])
    if (env[key] !== undefined) relevant[key] = env[key];
  const config = plainToInstance(AppConfig, relevant, { exposeDefaultValues: true });
  const error = firstProblem(validateSync(config, { skipMissingProperties: false }));
  if (error) throw error;
  return config;
}
