import 'reflect-metadata';
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
  validateSync,
} from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const between = (name: string, min: number, max: number) => ({
  message: `${name} must be an integer between ${min} and ${max}`,
});

/**
 * Every environment variable the service reads, validated once at start-up.
 * Code reads these typed fields and never process.env.
 */
export class AppConfig {
  @Type(() => Number)
  @IsInt(between('PORT', 0, 65535))
  @Min(0, between('PORT', 0, 65535))
  @Max(65535, between('PORT', 0, 65535))
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @IsString()
  SQLITE_PATH = 'data/crm.sqlite';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @Type(() => Number)
  @IsInt(between('DATABASE_POOL_SIZE', 1, 1000))
  @Min(1, between('DATABASE_POOL_SIZE', 1, 1000))
  @Max(1000, between('DATABASE_POOL_SIZE', 1, 1000))
  DATABASE_POOL_SIZE = 10;

  @Type(() => Number)
  @IsInt(between('DATABASE_STATEMENT_TIMEOUT_MS', 0, 3600000))
  @Min(0, between('DATABASE_STATEMENT_TIMEOUT_MS', 0, 3600000))
  @Max(3600000, between('DATABASE_STATEMENT_TIMEOUT_MS', 0, 3600000))
  DATABASE_STATEMENT_TIMEOUT_MS = 10000;

  @IsIn(STRATEGY_NAMES, {
    message: `DISTRIBUTION_STRATEGY must be one of: ${STRATEGY_NAMES.join(', ')}`,
  })
  DISTRIBUTION_STRATEGY: StrategyName = 'weighted-random';

  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of: ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  @Matches(/^\d+(b|kb|mb)?$/i, { message: 'BODY_LIMIT must be a size such as 100kb or 1mb' })
  BODY_LIMIT = '100kb';

  get usesPostgres(): boolean {
    return this.DATABASE_URL !== undefined;
  }

  /** Validates the environment; throws one line naming the first bad variable. */
  static fromEnv(env: Record<string, string | undefined>): AppConfig {
    const known = Object.keys(new AppConfig()).concat('DATABASE_URL');
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
    return config;
  }
}
