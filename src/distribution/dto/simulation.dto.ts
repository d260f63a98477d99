import { IsSkillList } from '../skills.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsOptionalNonNull } from '../../common/validation';
import { MAX_WEIGHTS_PER_SOURCE, SourceWeightDto } from '../../sources/dto/source-weight.dto';
import { DecisionOperatorDto } from '../../requests/dto/decision-response.dto';
import { SIMULATION_CAPACITIES, type SimulationCapacity } from '../simulate';

const CAPACITY_DESCRIPTION =
  '`current` (default): from the operators’ current loads within max_load, so full operators ' +
  'drop out and the rest may stay unassigned: what the next requests would meet now. ' +
  '`ignore`: every operator as if idle with unlimited room, so `share` is the strategy’s split ' +
  'by weight alone (all assigned while anyone active has weight > 0). Inactive and zero-weight ' +
  'operators get nothing either way.';

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

  @ApiPropertyOptional({
    enum: SIMULATION_CAPACITIES,
    default: 'current',
    example: 'ignore',
    description: CAPACITY_DESCRIPTION,
  })
  @IsOptionalNonNull()
  @IsIn(SIMULATION_CAPACITIES, {
    message: `$property must be one of: ${SIMULATION_CAPACITIES.join(', ')}`,
  })
  capacity?: SimulationCapacity;

  @IsSkillList(
    "Skills the simulated requests need besides the source's required_skills: operators " +
      'without all of them get none (as before the skill fallback)',
    ['de'],
  )
  skills?: string[];
}

/** An operator as the simulation starts (the same view a decision records), and its outcome. */
export class SimulatedOperatorDto extends DecisionOperatorDto {
  @ApiProperty({ example: 0.25, description: 'weight / sum of the configuration’s weights' })
  expected_share: number;

  @ApiProperty({
    type: 'integer',
    example: 250,
    description: 'Simulated requests assigned to the operator',
  })
  requests: number;

  @ApiProperty({ example: 0.25, description: 'requests / simulated assigned requests' })
  share: number;
}

export class SimulationResponseDto {
  @ApiProperty({ type: 'integer', example: 1 })
  source_id: number;

  @ApiProperty({
    type: [String],
    example: ['de'],
    description: "The simulated requests' skills: the source's required skills and the given ones",
  })
  required_skills: string[];

  @ApiProperty({ example: 'weighted-round-robin', description: 'The strategy simulated' })
  strategy: string;

  @ApiProperty({
    enum: SIMULATION_CAPACITIES,
    example: 'current',
    description: `How loads and capacities were treated. ${CAPACITY_DESCRIPTION}`,
  })
  capacity: SimulationCapacity;

  @ApiProperty({ type: 'integer', example: 1000 })
  requests: number;

  @ApiProperty({ type: 'integer', example: 1000 })
  assigned: number;

  @ApiProperty({ type: 'integer', example: 0, description: 'Simulated requests nobody could take' })
  unassigned: number;

  @ApiProperty({ type: SimulatedOperatorDto, isArray: true })
  operators: SimulatedOperatorDto[];
}
