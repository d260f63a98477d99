import { ApiProperty } from '@nestjs/swagger';
import { parseDbTimestamp } from '../../database/timestamps';
import { parseSkills } from '../../distribution/skills';
import { shiftStatus } from '../../shifts/schedule';
import { parseSchedule } from '../../shifts/schedule-column';
import { ScheduleDto } from '../../shifts/schedule.dto';
import { Operator } from '../entities/operator.entity';
import { PRESENCES, type Presence } from '../presence';

export class OperatorResponseDto {
  @ApiProperty({ type: 'integer', example: 1 })
  id: number;

  @ApiProperty({ example: 'John Doe' })
  name: string;

  @ApiProperty({ example: true })
  is_active: boolean;

  @ApiProperty({ type: 'integer', example: 10 })
  max_load: number;

  @ApiProperty({
    type: 'integer',
    example: 3,
    description: 'Number of this operator’s requests with status active',
  })
  current_load: number;

  @ApiProperty({
    type: 'integer',
    example: 1,
    description:
      'Its pending offers; each holds a unit of room, so it gets new work only while ' +
      'current_load + offered_load < max_load',
  })
  offered_load: number;

  @ApiProperty({ type: [String], example: ['billing', 'de'], description: 'Sorted' })
  skills: string[];

  @ApiProperty({
    enum: PRESENCES,
    example: 'available',
    description: 'The person’s own state; only `available` operators get new requests',
  })
  presence: Presence;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Why, as last set' })
  presence_reason: string | null;

  @ApiProperty({ example: '2026-01-27T10:30:00.000Z', description: 'When presence last changed' })
  presence_since: string;

  @ApiProperty({
    type: ScheduleDto,
    nullable: true,
    description: 'Working hours; null means always on shift',
  })
  schedule: ScheduleDto | null;

  @ApiProperty({ example: true, description: 'Inside its schedule’s hours now' })
  on_shift: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '2026-01-27T17:00:00.000Z',
    description: 'When on_shift next changes; null when it never does',
  })
  next_shift_change_at: string | null;

  @ApiProperty({ example: '2026-01-27T10:30:00.000Z' })
  created_at: string;
}

export function toOperatorResponse(operator: Operator, now = new Date()): OperatorResponseDto {
  // parseSchedule: as for skills, an insert hands back what was stored.
  const schedule = parseSchedule(operator.schedule);
  const shift = shiftStatus(schedule, now);
  return {
    id: operator.id,
    name: operator.name,
    is_active: operator.isActive,
    max_load: operator.maxLoad,
    current_load: operator.currentLoad,
    offered_load: operator.offeredLoad ?? 0,
    // parseSkills: after an insert, PostgreSQL hands back the column default as stored text.
    skills: parseSkills(operator.skills),
    presence: operator.presence,
    presence_reason: operator.presenceReason ?? null,
    // Rows written without it (raw inserts) have been so since they were created.
    presence_since: parseDbTimestamp(operator.presenceSince ?? operator.createdAt).toISOString(),
    schedule,
    on_shift: shift.onShift,
    next_shift_change_at: shift.nextChange?.toISOString() ?? null,
    // parseDbTimestamp: TypeORM leaves SQLite text unconverted while a test fakes Date.
    created_at: parseDbTimestamp(operator.createdAt).toISOString(),
  };
}
