import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsString, Length, Max, Min } from 'class-validator';
import { IsOptionalNonNull, IsNotBlank } from '../../common/validation';
import { IsSkillList } from '../../distribution/skills.dto';
import { ScheduleDto, ScheduleField } from '../../shifts/schedule.dto';

export const MAX_LOAD_LIMIT = 100_000;

export class CreateOperatorDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'John Doe' })
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  name: string;

  @ApiPropertyOptional({ default: true, example: true })
  @IsOptionalNonNull()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_LOAD_LIMIT,
    default: 10,
    example: 10,
    description: 'Most active requests this operator may hold at once',
  })
  @IsOptionalNonNull()
  @IsInt()
  @Min(0)
  @Max(MAX_LOAD_LIMIT)
  max_load?: number;

  @IsSkillList(
    'What this operator can handle; a request goes only to operators with all its skills. ' +
      'Default []; a PATCH replaces the whole list',
    ['de', 'billing'],
  )
  skills?: string[];

  @ScheduleField()
  schedule?: ScheduleDto | null;
}
