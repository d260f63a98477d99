import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNumber, Max, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { IsOptionalNonNull } from '../../common/validation';

/** Above this the search for N (one step per server) is no longer a quick answer. */
export const MAX_TRAFFIC_ERLANGS = 100_000;

const finite = { allowNaN: false, allowInfinity: false };

/** Strict bounds, which class-validator's Min and Max are not. */
export function IsGreaterThan(bound: number): PropertyDecorator {
  return ValidateBy({
    name: 'isGreaterThan',
    validator: {
      validate: (value: unknown) => typeof value === 'number' && value > bound,
      defaultMessage: () => `$property must be greater than ${bound}`,
    },
  });
}

export function IsLessThan(bound: number): PropertyDecorator {
  return ValidateBy({
    name: 'isLessThan',
    validator: {
      validate: (value: unknown) => typeof value === 'number' && value < bound,
      defaultMessage: () => `$property must be less than ${bound}`,
    },
  });
}

/** The offered traffic the other fields make must stay searchable (see MAX_TRAFFIC_ERLANGS). */
function IsSearchableTraffic(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSearchableTraffic',
      validator: {
        validate: (_value: unknown, args) => {
          const { arrivals, interval_minutes, aht_seconds } = args!.object as ErlangCRequestDto;
          if (![arrivals, interval_minutes, aht_seconds].every((v) => typeof v === 'number')) {
            return true; // each field's own rules report it
          }
          if (interval_minutes <= 0) return true;
          return (arrivals * aht_seconds) / (interval_minutes * 60) <= MAX_TRAFFIC_ERLANGS;
        },
        defaultMessage: () =>
          `arrivals × aht_seconds / (interval_minutes × 60) must be at most ${MAX_TRAFFIC_ERLANGS} erlangs`,
      },
    },
    options,
  );
}

export class ErlangCRequestDto {
  @ApiProperty({
    minimum: 0,
    example: 100,
    description:
      'Requests expected in one interval (may be a fractional mean). Together with ' +
      `interval_minutes and aht_seconds at most ${MAX_TRAFFIC_ERLANGS} erlangs.`,
  })
  @IsNumber(finite)
  @Min(0)
  @IsSearchableTraffic()
  arrivals: number;

  @ApiProperty({
    minimum: 0,
    exclusiveMinimum: true,
    example: 30,
    description: 'Length of the interval',
  })
  @IsNumber(finite)
  @IsGreaterThan(0)
  interval_minutes: number;

  @ApiProperty({
    minimum: 0,
    exclusiveMinimum: true,
    example: 180,
    description: 'Average handle time',
  })
  @IsNumber(finite)
  @IsGreaterThan(0)
  aht_seconds: number;

  @ApiProperty({
    minimum: 0,
    example: 20,
    description: 'T: a request answered within this many seconds counts as answered in time',
  })
  @IsNumber(finite)
  @Min(0)
  target_answer_seconds: number;

  @ApiProperty({
    minimum: 0,
    exclusiveMinimum: true,
    maximum: 1,
    exclusiveMaximum: true,
    example: 0.8,
    description: 'Wanted share answered within target_answer_seconds, in (0, 1)',
  })
  @IsNumber(finite)
  @IsGreaterThan(0)
  @IsLessThan(1)
  target_service_level: number;

  @ApiPropertyOptional({
    minimum: 0,
    exclusiveMinimum: true,
    maximum: 1,
    default: 1,
    example: 0.85,
    description: 'Highest acceptable occupancy (traffic / servers), in (0, 1]',
  })
  @IsOptionalNonNull()
  @IsNumber(finite)
  @IsGreaterThan(0)
  @Max(1)
  max_occupancy?: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 1,
    exclusiveMaximum: true,
    default: 0,
    example: 0.3,
    description:
      'Share of scheduled time people are not answering (breaks, meetings, absence), in [0, 1)',
  })
  @IsOptionalNonNull()
  @IsNumber(finite)
  @Min(0)
  @IsLessThan(1)
  shrinkage?: number;
}

export class ErlangCResponseDto {
  @ApiProperty({
    example: 10,
    description: 'Offered traffic A = arrivals × aht_seconds / (interval_minutes × 60), 4 decimals',
  })
  traffic_erlangs: number;

  @ApiProperty({
    type: 'integer',
    example: 14,
    description:
      'N: the fewest servers that meet the target service level and the occupancy cap ' +
      '(0 when nothing arrives)',
  })
  raw_agents: number;

  @ApiProperty({
    type: 'integer',
    example: 20,
    description: 'People to schedule: ceil(raw_agents / (1 − shrinkage))',
  })
  agents: number;

  @ApiProperty({
    example: 0.8884,
    description: 'With raw_agents: 1 − P(wait)·e^(−(N−A)·T/AHT), 4 decimals',
  })
  service_level: number;

  @ApiProperty({
    example: 0.1741,
    description: 'With raw_agents: the probability a request waits at all (Erlang C), 4 decimals',
  })
  p_wait: number;

  @ApiProperty({
    example: 7.84,
    description: 'With raw_agents: average speed of answer over all requests, 2 decimals',
  })
  asa_seconds: number;

  @ApiProperty({ example: 0.7143, description: 'With raw_agents: A / N, 4 decimals' })
  occupancy: number;
}
