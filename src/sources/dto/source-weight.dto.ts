import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_ID } from '../../common/validation';

export const MAX_WEIGHT = 1_000_000;
export const MAX_WEIGHTS_PER_SOURCE = 1000;

export class SourceWeightDto {
  @ApiProperty({ type: 'integer', example: 1, minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  operator_id: number;

  @ApiProperty({
    type: 'integer',
    example: 30,
    minimum: 0,
    maximum: MAX_WEIGHT,
    description:
      'Share of this source’s traffic; 0 keeps the operator configured but never selected',
  })
  @IsInt()
  @Min(0)
  @Max(MAX_WEIGHT)
  weight: number;
}

export class SourceWeightResponseDto {
  @ApiProperty({ type: 'integer', example: 1 })
  operator_id: number;

  @ApiProperty({ example: 'John Doe' })
  operator_name: string;

  @ApiProperty({ type: 'integer', example: 30 })
  weight: number;
}
