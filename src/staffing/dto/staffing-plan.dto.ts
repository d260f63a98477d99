import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, Max, Min, ValidateBy } from 'class-validator';
import {
  DEFAULT_TARGET_ANSWER_SECONDS,
  MAX_TARGET_ANSWER_SECONDS,
} from '../../analytics/dto/service-levels-query.dto';
import { MAX_ID } from '../../common/validation';
import { timeZoneErrors } from '../../shifts/schedule-validation';
import { WEEKDAYS, type Weekday } from '../../shifts/schedule';
import { HANDLE_TIME_SAMPLE } from '../staffing-plan';
import { IsGreaterThan, IsLessThan } from './erlang-c.dto';

export const DEFAULT_PLAN_WEEKS = 4;
export const MAX_PLAN_WEEKS = 52;
export const DEFAULT_TARGET_SERVICE_LEVEL = 0.8;
export const DEFAULT_PLAN_TIME_ZONE = 'UTC';

/** An IANA zone, spelled as IANA does (the rule of an operator's schedule.time_zone). */
function IsTimeZone(): PropertyDecorator {
  return ValidateBy({
    name: 'isTimeZone',
    validator: {
      validate: (value: unknown, args) => timeZoneErrors(value, args!.property).length === 0,
      defaultMessage: (args) => timeZoneErrors(args!.value, args!.property)[0],
    },
  });
}

export class StaffingPlanQueryDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1, description: 'The source to plan' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  source_id: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_PLAN_WEEKS,
    default: DEFAULT_PLAN_WEEKS,
    example: DEFAULT_PLAN_WEEKS,
    description: 'How many weeks of history, ending now, the arrivals and handle time come from',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PLAN_WEEKS)
  weeks?: number;

  @ApiPropertyOptional({
    default: DEFAULT_PLAN_TIME_ZONE,
    example: 'Europe/Berlin',
    description: 'IANA time zone whose weekdays and hours the cells are',
  })
  @IsOptional()
  @IsTimeZone()
  time_zone?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_TARGET_ANSWER_SECONDS,
    default: DEFAULT_TARGET_ANSWER_SECONDS,
    example: DEFAULT_TARGET_ANSWER_SECONDS,
    description: 'T: a request answered within this many seconds counts as answered in time',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_TARGET_ANSWER_SECONDS)
  target_answer_seconds?: number;

  @ApiPropertyOptional({
    minimum: 0,
    exclusiveMinimum: true,
    maximum: 1,
    exclusiveMaximum: true,
    default: DEFAULT_TARGET_SERVICE_LEVEL,
    example: DEFAULT_TARGET_SERVICE_LEVEL,
    description: 'Wanted share answered within target_answer_seconds, in (0, 1)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsGreaterThan(0)
  @IsLessThan(1)
  target_service_level?: number;
}

export class StaffingPlanCellDto {
  @ApiProperty({ enum: WEEKDAYS, example: 'mon', description: 'Weekday in time_zone' })
  day: Weekday;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 23,
    example: 9,
    description: 'Hour in time_zone',
  })
  hour: number;

  @ApiProperty({
    example: 12.25,
    description:
      'Mean requests created in this hour of the week, per hour, over the window (4 decimals). ' +
      'Each hour the window shows is one sample: on the day clocks go back the repeated hour ' +
      'counts twice (with the arrivals of both), on the day they go forward the skipped hour ' +
      'not at all; an hour the window never showed is 0.',
  })
  arrivals_per_hour: number;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 4,
    description:
      'Erlang C servers for arrivals_per_hour in 60 minutes at aht_seconds (as shown), ' +
      'target_answer_seconds and target_service_level, no occupancy cap, no shrinkage: the ' +
      'raw_agents POST /staffing/erlang-c answers for them. A unit of max_load is one server. ' +
      '0 when nothing arrives; null when requests arrive but aht_seconds is null.',
  })
  required_capacity: number | null;

  @ApiProperty({
    type: 'integer',
    example: 6,
    description:
      'Sum of max_load of the source’s active operators with weight > 0 whose schedule covers ' +
      'the whole hour (no schedule: always), on the date this weekday falls on in the seven ' +
      'days from today in time_zone.',
  })
  scheduled_capacity: number;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 2,
    description: 'scheduled_capacity − required_capacity: negative is understaffed; null with it',
  })
  gap: number | null;
}

export class StaffingPlanResponseDto {
  @ApiProperty({ type: 'integer', example: 1 })
  source_id: number;

  @ApiProperty({ type: 'integer', example: 4 })
  weeks: number;

  @ApiProperty({ example: 'Europe/Berlin' })
  time_zone: string;

  @ApiProperty({
    example: '2026-01-06T10:15:00.000Z',
    description: 'Start of the history window: `to` minus `weeks` weeks',
  })
  from: string;

  @ApiProperty({
    example: '2026-02-03T10:15:00.000Z',
    description: 'End of the history window (exclusive): now, rounded down to a quarter hour',
  })
  to: string;

  @ApiProperty({ type: 'integer', example: 60 })
  target_answer_seconds: number;

  @ApiProperty({ example: 0.8 })
  target_service_level: number;

  @ApiProperty({
    type: 'number',
    nullable: true,
    example: 312.5,
    description:
      'Mean handle time (first assignment → first close) of the source’s requests created in ' +
      'the window and closed after an assignment (of its latest ' +
      `${HANDLE_TIME_SAMPLE} when the window holds more), 2 decimals; null when none was.`,
  })
  aht_seconds: number | null;

  @ApiProperty({
    type: StaffingPlanCellDto,
    isArray: true,
    description: '168 cells: Monday to Sunday, each hour 0..23 in time_zone',
  })
  cells: StaffingPlanCellDto[];
}
