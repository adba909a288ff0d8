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

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(50 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

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
