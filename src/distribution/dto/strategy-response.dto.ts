import { ApiProperty } from '@nestjs/swagger';

export class StrategyResponseDto {
  @ApiProperty({ example: 'weighted-round-robin' })
  name: string;

  @ApiProperty({
    example:
      'Deterministic smooth weighted round-robin: every W = total weight consecutive requests give each operator exactly its weight.',
  })
  description: string;
}
