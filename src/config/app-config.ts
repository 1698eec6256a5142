import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());

/**
 * Every environment variable Stepwise reads, declared once with its default.
 * A bad value stops start-up with a message naming the variable (see loadConfig).
 */
export class AppConfig {
  /** TCP port of the HTTP API. */
  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  /** Interface to listen on. */
  @IsString()
  HOST = '0.0.0.0';

  /** postgres://user:pass@host:port/db of a real server; unset = embedded Postgres (PGlite). */
  @IsOptional() @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  /** Connections in the pool when DATABASE_URL is set (the embedded database always uses one). */
  @Transform(toInt) @IsInt() @Min(1) @Max(200)
  DATABASE_POOL_SIZE = 10;

  /** Where the embedded database and the bootstrap admin key live. */
  @IsString() @MinLength(1)
  STEPWISE_DATA_DIR = './data';

  /** `disk` keeps the embedded database in <data dir>/pgdata; `memory` throws it away at exit (tests, demos). */
  @IsIn(['disk', 'memory'])
  STEPWISE_EMBEDDED_STORAGE: 'disk' | 'memory' = 'disk';

  /** Admin key created on an empty database; unset = a random key written to <data dir>/admin-key. */
  @IsOptional() @IsString() @MinLength(24, { message: 'STEPWISE_ADMIN_KEY must be at least 24 characters' })
  STEPWISE_ADMIN_KEY?: string;

  /** Largest JSON or form body accepted, in bytes (413 above). */
  @Transform(toInt) @IsInt() @Min(1024)
  STEPWISE_BODY_LIMIT = 10 * 1024 * 1024;

  /** Largest evidence upload, in bytes (413 above). */
  @Transform(toInt) @IsInt() @Min(1024)
  STEPWISE_EVIDENCE_MAX_BYTES = 100 * 1024 * 1024;

  /** Evidence larger than this is parsed by a background job; the upload answers at once with `pending`. */
  @Transform(toInt) @IsInt() @Min(0)
  STEPWISE_PARSE_INLINE_MAX_BYTES = 4 * 1024 * 1024;

  /** How often idle job workers look for work, in seconds. */
  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value))) @IsNumber() @Min(0.5)
  STEPWISE_JOB_POLL_SECONDS = 2;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Log every request line (off in tests to keep output readable). */
  @Transform(toBool) @IsBoolean()
  LOG_REQUESTS = true;

  /** Serve Swagger UI at /docs and the OpenAPI document at /docs-json. */
  @Transform(toBool) @IsBoolean()
  STEPWISE_DOCS = true;

  /** Slack app's signing secret; unset = the Slack command route answers 503 (not configured). */
  @IsOptional() @IsString() @MinLength(8)
  SLACK_SIGNING_SECRET?: string;

  /**
   * Time a Slack command may take before the answer moves to a follow-up through `response_url`
   * (Slack waits 3 s for the HTTP answer).
   */
  @Transform(toInt) @IsInt() @Min(0) @Max(2800)
  STEPWISE_SLACK_ANSWER_BUDGET_MS = 2000;

  /** Allow webhook (and Slack response_url) targets on loopback, link-local and private addresses. */
  @Transform(toBool) @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE = false;

  /** Time one webhook delivery attempt may take. */
  @Transform(toInt) @IsInt() @Min(100) @Max(60_000)
  STEPWISE_WEBHOOK_TIMEOUT_MS = 10_000;

  /** Base of the exponential backoff between delivery attempts (full jitter, capped at 15 minutes). */
  @Transform(toInt) @IsInt() @Min(10)
  STEPWISE_WEBHOOK_RETRY_BASE_MS = 10_000;

  /** Days webhook events (once every delivery is settled) and Slack command receipts are kept. */
  @Transform(toInt) @IsInt() @Min(1) @Max(3650)
  STEPWISE_WEBHOOK_RETENTION_DAYS = 30;

  /** Attempts per delivery before it is marked failed. */
  @Transform(toInt) @IsInt() @Min(1) @Max(30)
  STEPWISE_WEBHOOK_MAX_ATTEMPTS = 12;
}

export class ConfigError extends Error {}

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<AppConfig> = {}): AppConfig {
  const known = Object.keys(new AppConfig()).concat(['DATABASE_URL', 'STEPWISE_ADMIN_KEY', 'SLACK_SIGNING_SECRET']);
  const raw: Record<string, unknown> = {};
  for (const name of known) if (env[name] !== undefined) raw[name] = env[name];
  const config = plainToInstance(AppConfig, { ...raw, ...overrides });
  const errors = validateSync(config, { skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return config;
}
