import 'reflect-metadata';
import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Type } from 'class-transformer';
import { STRATEGY_NAMES, type StrategyName } from '../distribution/strategies';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateBy,
  validateSync,
} from 'class-validator';
import { isIP } from 'node:net';
import { inspect } from 'node:util';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const SQLITE_SYNCHRONOUS_MODES = ['full', 'normal'] as const;
export type SqliteSynchronous = (typeof SQLITE_SYNCHRONOUS_MODES)[number];

/** Secrets: never printed, logged or serialised with the configuration (see toJSON). */
export const SENSITIVE_VARIABLES = ['DATABASE_URL', 'ADMIN_API_KEYS', 'METRICS_TOKEN'] as const;

/** Variables without a default (absent from `new AppConfig()`). */
const OPTIONAL_VARIABLES = [
  'DATABASE_URL',
  'ADMIN_API_KEYS',
  'METRICS_TOKEN',
  'CORS_ORIGINS',
  'TRUST_PROXY',
];

const splitList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

/** A whole number in [min, max], converted from the variable's text; one message for every rule. */
function IsIntegerBetween(min: number, max: number): PropertyDecorator {
  const options = { message: `$property must be an integer between ${min} and ${max}` };
  return applyDecorators(
    Type(() => Number),
    IsInt(options),
    Min(min, options),
    Max(max, options),
  );
}

/** The names Express's `trust proxy` (proxy-addr) accepts besides addresses and subnets. */
const TRUST_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** An address, `address/prefix` or `address/netmask` as proxy-addr compiles it, or a name. */
export function isTrustedProxyEntry(entry: string): boolean {
  if (TRUST_PROXY_NAMES.includes(entry)) return true;
  const [address, range, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^\d+$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(range) === 4;
}

/** true, false, a hop count, or a comma-separated list of proxy-addr entries. */
function IsTrustProxy(): PropertyDecorator {
  return ValidateBy({
    name: 'isTrustProxy',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' &&
        (/^\s*(true|false|\d+)\s*$/.test(value) ||
          (splitList(value).length > 0 && splitList(value).every(isTrustedProxyEntry))),
      defaultMessage: () =>
        'TRUST_PROXY must be true, false, a hop count, or a comma-separated list of addresses, ' +
        `subnets (10.0.0.0/8) or ${TRUST_PROXY_NAMES.join(', ')}`,
    },
  });
}

/**
 * Every environment variable the service reads, validated once at start-up.
 * Code reads these typed fields and never process.env.
 */
export class AppConfig {
  @IsIntegerBetween(0, 65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @IsString()
  SQLITE_PATH = 'data/crm.sqlite';

  /**
   * SQLite `synchronous`: `full` syncs the WAL at every commit, so a 201 survives a power loss;
   * `normal` syncs at checkpoints only (a killed process loses nothing, an OS crash or power loss
   * can lose the last commits).
   */
  @IsIn(SQLITE_SYNCHRONOUS_MODES, {
    message: `SQLITE_SYNCHRONOUS must be one of: ${SQLITE_SYNCHRONOUS_MODES.join(', ')}`,
  })
  SQLITE_SYNCHRONOUS: SqliteSynchronous = 'full';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  /**
   * SQLite: a write transaction still running after this long is rolled back and fails (the
   * group commit runs one at a time, so a stuck one, such as a nested run, would hold up all).
   */
  @IsIntegerBetween(100, 3600000)
  SQLITE_TRANSACTION_TIMEOUT_MS = 30000;

  @IsIntegerBetween(1, 1000)
  DATABASE_POOL_SIZE = 10;

  @IsIntegerBetween(0, 3600000)
  DATABASE_STATEMENT_TIMEOUT_MS = 10000;

  /**
   * PostgreSQL: how long opening a connection, or waiting for a free one in the pool, may take
   * before the request fails (503 when the pool stayed full). Also the start-up check's limit.
   */
  @IsIntegerBetween(100, 600000)
  DATABASE_CONNECT_TIMEOUT_MS = 5000;

  @IsIn(STRATEGY_NAMES, {
    message: `DISTRIBUTION_STRATEGY must be one of: ${STRATEGY_NAMES.join(', ')}`,
  })
  DISTRIBUTION_STRATEGY: StrategyName = 'weighted-random';

  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of: ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  @Matches(/^\d+(b|kb|mb)?$/i, { message: 'BODY_LIMIT must be a size such as 100kb or 1mb' })
  BODY_LIMIT = '100kb';

  /** `production` turns off pretty logs; anything else is a development setting. */
  @Matches(/^[a-z]+$/, { message: 'NODE_ENV must be a word such as production or development' })
  NODE_ENV = 'development';

  /** Comma-separated admin keys; unset runs the API open (a warning is logged at start-up). */
  @IsOptional()
  @Matches(/^\s*[\x21-\x2b\x2d-\x7e]{16,}\s*(,\s*[\x21-\x2b\x2d-\x7e]{16,}\s*)*$/, {
    message:
      'ADMIN_API_KEYS must be a comma-separated list of keys of 16 or more printable characters',
  })
  ADMIN_API_KEYS?: string;

  /** Bearer token /metrics requires; unset leaves /metrics open. */
  @IsOptional()
  @Matches(/^[\x21-\x7e]{16,}$/, {
    message: 'METRICS_TOKEN must be 16 or more printable characters',
  })
  METRICS_TOKEN?: string;

  @IsIntegerBetween(1, 8760)
  IDEMPOTENCY_TTL_HOURS = 24;

  /** How often every source's waiting requests are drained as a safety net; 0 turns it off. */
  @IsIntegerBetween(0, 86400000)
  DRAIN_INTERVAL_MS = 5000;

  /**
   * How often waiting requests past their source's skill_fallback_seconds are relaxed; at most
   * 2000, so a request is relaxed within 2 s of its deadline. 0 turns it off (tests drive it).
   */
  @IsIntegerBetween(0, 2000)
  SKILL_FALLBACK_INTERVAL_MS = 500;

  /**
   * How often operators whose shift has started or ended are found and their sources drained; at
   * most 2000, so a shift start drains within 2 s. 0 turns it off (tests drive it).
   */
  @IsIntegerBetween(0, 2000)
  SHIFT_INTERVAL_MS = 500;

  /**
   * How often pending offers past their expires_at are expired; at most 2000, so an offer
   * expires within 2 s of its deadline. 0 turns it off (tests drive it).
   */
  @IsIntegerBetween(0, 2000)
  OFFER_EXPIRY_INTERVAL_MS = 500;

  /** Offers in a row an operator lets expire before its presence becomes away; 0 = never. */
  @IsIntegerBetween(0, 1000)
  MISSED_OFFERS_BEFORE_AWAY = 3;

  /** Requests per minute per API key (or per client IP without one); 0 turns the limit off. */
  @IsIntegerBetween(0, 1000000)
  RATE_LIMIT_PER_MINUTE = 0;

  /** 401s per minute per client IP before it gets 429 without its key being read; 0 = no limit. */
  @IsIntegerBetween(0, 1000000)
  AUTH_FAILURES_PER_MINUTE = 10;

  /** Comma-separated allowed origins; unset allows any origin. */
  @IsOptional()
  @Matches(/^\s*(\*|https?:\/\/[^\s,]+)\s*(,\s*https?:\/\/[^\s,]+\s*)*$/, {
    message: 'CORS_ORIGINS must be * or a comma-separated list of http(s):// origins',
  })
  CORS_ORIGINS?: string;

  /** Express "trust proxy": true, false, a hop count, or addresses/subnets (comma-separated). */
  @IsOptional()
  @IsTrustProxy()
  TRUST_PROXY?: string;

  /** Webhooks: a delivery attempt that has no 2xx response within this many ms has failed. */
  @IsIntegerBetween(100, 120000)
  WEBHOOK_TIMEOUT_MS = 5000;

  /** Webhooks: attempts per delivery, the first included, before it is dead. */
  @IsIntegerBetween(1, 100)
  WEBHOOK_MAX_ATTEMPTS = 12;

  /** Webhooks: the fallback poll for due deliveries; 0 = this instance sends no webhooks. */
  @IsIntegerBetween(0, 3600000)
  WEBHOOK_POLL_INTERVAL_MS = 2000;

  /** Webhooks: the first retry waits about this long; each next one twice as long (jittered). */
  @IsIntegerBetween(1, 3600000)
  WEBHOOK_BACKOFF_BASE_MS = 1000;

  /** Webhooks: the longest wait between two attempts. */
  @IsIntegerBetween(1, 86400000)
  WEBHOOK_BACKOFF_MAX_MS = 3600000;

  /** Webhooks: delivered and dead deliveries older than this are purged. */
  @IsIntegerBetween(1, 3650)
  WEBHOOK_RETENTION_DAYS = 7;

  /** Webhooks: `true` allows loopback, private and link-local targets (tests, closed networks). */
  @IsIn(['true', 'false'], { message: 'WEBHOOK_ALLOW_PRIVATE_TARGETS must be true or false' })
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' | 'false' = 'false';

  get usesPostgres(): boolean {
    return this.DATABASE_URL !== undefined;
  }

  get adminApiKeys(): string[] {
    return splitList(this.ADMIN_API_KEYS);
  }

  get isProduction(): boolean {
    return this.NODE_ENV === 'production';
  }

  /** undefined: any origin (the default); otherwise the listed origins only. */
  get corsOrigins(): string[] | undefined {
    const origins = splitList(this.CORS_ORIGINS);
    return origins.length === 0 || origins.includes('*') ? undefined : origins;
  }

  /** The value for Express's `trust proxy` setting. */
  get trustProxy(): boolean | number | string[] {
    const value = this.TRUST_PROXY?.trim();
    if (value === undefined || value === 'false') return false;
    if (value === 'true') return true;
    if (/^\d+$/.test(value)) return Number(value);
    return splitList(value);
  }

  /** Validates the environment; throws one line naming the first bad variable. */
  static fromEnv(env: Record<string, string | undefined>): AppConfig {
    const known = Object.keys(new AppConfig()).concat(OPTIONAL_VARIABLES);
    const given = Object.fromEntries(
      known
        .filter((key) => env[key] !== undefined && env[key] !== '')
        .map((key) => [key, env[key]]),
    );
    const config = plainToInstance(AppConfig, given);
    const [first] = validateSync(config);
    if (first) {
      const message = Object.values(first.constraints ?? {})[0] ?? `${first.property} is invalid`;
      throw new Error(`Invalid configuration: ${message}`);
    }
    // Rules across variables, reported the same way.
    if (config.WEBHOOK_BACKOFF_BASE_MS > config.WEBHOOK_BACKOFF_MAX_MS) {
      throw new Error(
        `Invalid configuration: WEBHOOK_BACKOFF_BASE_MS (${config.WEBHOOK_BACKOFF_BASE_MS}) ` +
          `must not be greater than WEBHOOK_BACKOFF_MAX_MS (${config.WEBHOOK_BACKOFF_MAX_MS})`,
      );
    }
    return config;
  }

  /** The configuration with its secrets redacted: what JSON.stringify and loggers get. */
  toJSON(): Record<string, unknown> {
    const plain: Record<string, unknown> = { ...(this as object) };
    for (const key of SENSITIVE_VARIABLES) {
      if (plain[key] !== undefined) plain[key] = '[redacted]';
    }
    return plain;
  }

  /** console.log and util.inspect print the redacted form too. */
  [inspect.custom](): Record<string, unknown> {
    return this.toJSON();
  }
}
