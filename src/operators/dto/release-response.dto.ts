import { ApiProperty } from '@nestjs/swagger';

export class ReleaseResponseDto {
  @ApiProperty({ example: 3, type: 'integer' })
  operator_id: number;

  @ApiProperty({ example: 5, type: 'integer', description: 'Active requests taken from it' })
  released: number;

  @ApiProperty({ example: 4, type: 'integer', description: 'Of those, assigned to others' })
  reassigned: number;

  @ApiProperty({ example: 1, type: 'integer', description: 'Of those, now waiting' })
  waiting: number;
}
