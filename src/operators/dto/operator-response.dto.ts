import { ApiProperty } from '@nestjs/swagger';
import { parseSkills } from '../../distribution/skills';
import { Operator } from '../entities/operator.entity';

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

  @ApiProperty({ type: [String], example: ['billing', 'de'], description: 'Sorted' })
  skills: string[];

  @ApiProperty({ example: '2026-01-27T10:30:00.000Z' })
  created_at: string;
}

export function toOperatorResponse(operator: Operator): OperatorResponseDto {
  return {
    id: operator.id,
    name: operator.name,
    is_active: operator.isActive,
    max_load: operator.maxLoad,
    current_load: operator.currentLoad,
    // parseSkills: after an insert, PostgreSQL hands back the column default as stored text.
    skills: parseSkills(operator.skills),
    created_at: operator.createdAt.toISOString(),
  };
}
