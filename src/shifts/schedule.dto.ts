import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { WEEKDAYS } from './schedule';
import type { Schedule, ScheduleException, Weekday, WeeklyInterval } from './schedule';
import { IsSchedule, MAX_EXCEPTIONS, MAX_WEEKLY_INTERVALS } from './schedule-validation';

/*
 * The schedule's OpenAPI shapes. They document the wire format only: a schedule is validated as
 * a whole by IsSchedule (schedule-validation.ts), which names every field by its path.
 */

const TIME_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]$';

export class WeeklyIntervalDto implements WeeklyInterval {
  @ApiProperty({ enum: WEEKDAYS, example: 'mon' })
  day: Weekday;

  @ApiProperty({ pattern: TIME_PATTERN, example: '09:00', description: 'HH:MM in the time zone' })
  start: string;

  @ApiProperty({
    pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$',
    example: '18:00',
    description: 'HH:MM, after start; 24:00 is the end of the day',
  })
  end: string;
}

export class ScheduleExceptionDto implements ScheduleException {
  @ApiProperty({ format: 'date', example: '2026-12-24' })
  date: string;

  @ApiPropertyOptional({
    pattern: TIME_PATTERN,
    example: '09:00',
    description: 'With end: the hours of that date. Without both: a day off',
  })
  start?: string;

  @ApiPropertyOptional({
    pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$',
    example: '13:00',
    description: 'With start; after it; 24:00 is the end of the day',
  })
  end?: string;
}

export class ScheduleDto implements Schedule {
  @ApiProperty({ example: 'Europe/Berlin', description: 'IANA time zone of every time here' })
  time_zone: string;

  @ApiProperty({
    type: [WeeklyIntervalDto],
    maxItems: MAX_WEEKLY_INTERVALS,
    example: [
      { day: 'mon', start: '09:00', end: '12:00' },
      { day: 'mon', start: '13:00', end: '18:00' },
    ],
    description:
      'Working hours by weekday; intervals of one day must not overlap (touching ones may)',
  })
  weekly: WeeklyIntervalDto[];

  @ApiProperty({
    type: [ScheduleExceptionDto],
    maxItems: MAX_EXCEPTIONS,
    example: [{ date: '2026-12-24', start: '09:00', end: '13:00' }, { date: '2026-12-25' }],
    description:
      "Dates whose hours replace the weekday's; one without times is a day off, the date's only exception",
  })
  exceptions: ScheduleExceptionDto[];
}

/**
 * The `schedule` field of an operator's create or update body: optional, null for always on
 * shift, replaced whole when given.
 */
export function ScheduleField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: ScheduleDto,
      nullable: true,
      description: 'Working hours; null (the default) means always on shift',
    }),
    IsOptional(),
    IsSchedule(),
  );
}
