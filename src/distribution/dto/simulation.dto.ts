import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsOptionalNonNull } from '../../common/validation';
import { MAX_WEIGHTS_PER_SOURCE, SourceWeightDto } from '../../sources/dto/source-weight.dto';
import type { IneligibilityReason } from '../eligibility';

export const MAX_SIMULATED_REQUESTS = 100_000;

export class SimulateRequestDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_SIMULATED_REQUESTS, example: 1000 })
  @IsInt()
  @Min(1)
  @Max(MAX_SIMULATED_REQUESTS)
  requests: number;

  @ApiPropertyOptional({
    type: SourceWeightDto,
    isArray: true,
    maxItems: MAX_WEIGHTS_PER_SOURCE,
    description: 'A proposed configuration to try instead of the current one (not saved)',
    example: [
      { operator_id: 1, weight: 1 },
      { operator_id: 2, weight: 3 },
    ],
  })
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMaxSize(MAX_WEIGHTS_PER_SOURCE)
  @ValidateNested({ each: true })
  @Type(() => SourceWeightDto)
  weights?: SourceWeightDto[];

  @ApiPropertyOptional({
    example: 'weighted-round-robin',
    description: 'A strategy to try instead of the source’s (see GET /strategies)',
  })
  @IsOptionalNonNull()
  @IsString()
  @Length(1, 64)
  strategy?: string;
}

export class SimulatedOperatorDto {
  @ApiProperty({ example: 1 })
  operator_id: number;

  @ApiProperty({ example: 'John Doe' })
  operator_name: string;

  @ApiProperty({ example: 1 })
  weight: number;

  @ApiProperty({ example: 0, description: 'Load before the simulation' })
  current_load: number;

  @ApiProperty({ example: 1000 })
  max_load: number;

  @ApiProperty({ example: true })
  is_active: boolean;

  @ApiProperty({ example: true, description: 'Eligible when the simulation starts' })
  eligible: boolean;

  @ApiProperty({
    enum: ['inactive', 'at_capacity', 'zero_weight'],
    nullable: true,
    example: null,
    description: 'Why not eligible at the start',
  })
  reason: IneligibilityReason | null;

  @ApiProperty({ example: 0.25, description: 'weight / sum of the configuration’s weights' })
  expected_share: number;

  @ApiProperty({ example: 250, description: 'Simulated requests assigned to the operator' })
  requests: number;

  @ApiProperty({ example: 0.25, description: 'requests / simulated assigned requests' })
  share: number;
}

export class SimulationResponseDto {
  @ApiProperty({ example: 1 })
  source_id: number;

  @ApiProperty({ example: 'weighted-round-robin', description: 'The strategy simulated' })
  strategy: string;

  @ApiProperty({ example: 1000 })
  requests: number;

  @ApiProperty({ example: 1000 })
  assigned: number;

  @ApiProperty({ example: 0, description: 'Simulated requests nobody could take' })
  unassigned: number;

  @ApiProperty({ type: SimulatedOperatorDto, isArray: true })
  operators: SimulatedOperatorDto[];
}
