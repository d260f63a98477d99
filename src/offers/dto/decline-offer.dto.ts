import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

export class DeclineOfferDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    minLength: 1,
    maxLength: 500,
    example: 'not my language',
    description: 'Why; absent or null: none',
  })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string | null;
}
