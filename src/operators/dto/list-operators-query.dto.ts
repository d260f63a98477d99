import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination.dto';
import { SKILL_NAME } from '../../distribution/skills';

export class ListOperatorsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({
    example: 'de',
    pattern: SKILL_NAME.source,
    description: 'Only operators that have this skill',
  })
  @IsOptional()
  @Matches(SKILL_NAME, { message: 'skill must be a skill name (a-z, 0-9, "_", "." and "-")' })
  skill?: string;
}
