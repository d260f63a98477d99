import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_ID } from '../../common/validation';

export class AssignRequestDto {
  @ApiProperty({ example: 7, type: 'integer', minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  operator_id: number;
}
