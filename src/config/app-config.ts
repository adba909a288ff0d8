import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  Matches,
  Max,
  Min,
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
  for (const key of [...known, 'DATABASE_URL']) if (env[key] !== undefined) relevant[key] = env[key];
  const config = plainToInstance(AppConfig, relevant, { exposeDefaultValues: true });
  const error = firstProblem(validateSync(config, { skipMissingProperties: false }));
  if (error) throw error;
  return config;
}
