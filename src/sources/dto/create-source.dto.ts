import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsNotBlank, IsOptionalNonNull } from '../../common/validation';
import { IsSkillList } from '../../distribution/skills.dto';
import { MAX_PRIORITY } from '../../requests/priority';
import { SOURCE_ASSIGNMENTS, type SourceAssignment } from '../source-rules';

export const MIN_OFFER_TIMEOUT_SECONDS = 5;
export const MAX_OFFER_TIMEOUT_SECONDS = 86_400;

/** A week: the longest a request may wait for a skill before any operator may take it. */
export const MAX_FALLBACK_SECONDS = 604_800;

export class CreateSourceDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Telegram Bot', description: 'Unique' })
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  name: string;

  @ApiPropertyOptional({
    maxLength: 2000,
    example: 'Main Telegram channel',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({
    example: 'weighted-round-robin',
    nullable: true,
    type: String,
    description:
      'A name from GET /strategies; null or absent uses the DISTRIBUTION_STRATEGY default',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  strategy?: string | null;

  @ApiPropertyOptional({
    example: false,
    // No `default` keyword: generators would make the field required in the request body.
    description:
      'Default false. A returning lead goes back to the operator of its most recent assigned request on this ' +
      'source when that operator is eligible now; otherwise the strategy decides',
  })
  @IsOptional()
  @IsBoolean()
  sticky?: boolean;

  @IsSkillList('Skills every request of this source needs (default []); a request adds its own', [
    'de',
  ])
  required_skills?: string[];

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_FALLBACK_SECONDS,
    nullable: true,
    example: 120,
    description:
      'Default null (never). A request still waiting this long after it arrived needs no skill ' +
      'any more (history `relaxed`) and drains among all the source’s operators',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_FALLBACK_SECONDS)
  skill_fallback_seconds?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_PRIORITY,
    example: 0,
    description: 'Default 0. A request’s priority when it gives none (higher goes first)',
  })
  @IsOptionalNonNull()
  @IsInt()
  @Min(0)
  @Max(MAX_PRIORITY)
  default_priority?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_PRIORITY,
    example: 0,
    description:
      'Default 0. Priority a waiting request gains per minute waited (up to 100), so low ' +
      'priorities are not starved',
  })
  @IsOptionalNonNull()
  @IsInt()
  @Min(0)
  @Max(MAX_PRIORITY)
  priority_aging_per_minute?: number;

  @ApiPropertyOptional({
    enum: SOURCE_ASSIGNMENTS,
    example: 'direct',
    description:
      'Default `direct`: the chosen operator gets the request. `offer`: the chosen operator is ' +
      'offered it and has offer_timeout_seconds to accept; a decline or expiry offers it to the ' +
      'next eligible operator. Switching back to `direct` leaves pending offers to run their course',
  })
  @IsOptionalNonNull()
  @IsIn(SOURCE_ASSIGNMENTS)
  assignment?: SourceAssignment;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: MIN_OFFER_TIMEOUT_SECONDS,
    maximum: MAX_OFFER_TIMEOUT_SECONDS,
    example: 60,
    description: 'Default 60. How long an operator has to accept an offer (new offers only)',
  })
  @IsOptionalNonNull()
  @IsInt()
  @Min(MIN_OFFER_TIMEOUT_SECONDS)
  @Max(MAX_OFFER_TIMEOUT_SECONDS)
  offer_timeout_seconds?: number;
}
