import { SOURCE_ASSIGNMENTS, type SourceAssignment } from '../source-rules';
import { ApiProperty } from '@nestjs/swagger';
import { parseSkills } from '../../distribution/skills';
import { Source } from '../entities/source.entity';

export class SourceResponseDto {
  @ApiProperty({ type: 'integer', example: 1 })
  id: number;

  @ApiProperty({ example: 'Telegram Bot' })
  name: string;

  @ApiProperty({ example: 'Main Telegram channel', nullable: true, type: String })
  description: string | null;

  @ApiProperty({
    example: 'weighted-round-robin',
    nullable: true,
    type: String,
    description: 'null: the DISTRIBUTION_STRATEGY default',
  })
  strategy: string | null;

  @ApiProperty({
    example: false,
    description:
      'A returning lead goes back to its last operator on this source when that one is eligible',
  })
  sticky: boolean;

  @ApiProperty({ type: [String], example: ['de'], description: 'Sorted' })
  required_skills: string[];

  @ApiProperty({ type: 'integer', nullable: true, example: 120, description: 'null: never' })
  skill_fallback_seconds: number | null;

  @ApiProperty({ type: 'integer', example: 0 })
  default_priority: number;

  @ApiProperty({ type: 'integer', example: 0 })
  priority_aging_per_minute: number;

  @ApiProperty({ enum: SOURCE_ASSIGNMENTS, example: 'direct' })
  assignment: SourceAssignment;

  @ApiProperty({ type: 'integer', example: 60 })
  offer_timeout_seconds: number;

  @ApiProperty({ example: '2026-01-27T10:30:00.000Z' })
  created_at: string;
}

export function toSourceResponse(source: Source): SourceResponseDto {
  return {
    id: source.id,
    name: source.name,
    description: source.description,
    strategy: source.strategy,
    sticky: Boolean(source.sticky),
    // parseSkills: after an insert, PostgreSQL hands back the column default as stored text.
    required_skills: parseSkills(source.requiredSkills),
    skill_fallback_seconds: source.skillFallbackSeconds,
    default_priority: source.defaultPriority,
    priority_aging_per_minute: source.priorityAgingPerMinute,
    assignment: source.assignment,
    offer_timeout_seconds: source.offerTimeoutSeconds,
    created_at: source.createdAt.toISOString(),
  };
}
