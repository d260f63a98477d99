import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { IsOptionalNonNull, IsNotBlank } from '../../common/validation';

/** Any subset of name, description and strategy; null clears description and strategy. */
export class UpdateSourceDto {
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 200,
    example: 'Telegram Bot',
    description: 'Unique',
  })
  @IsOptionalNonNull()
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  name?: string;

  @ApiPropertyOptional({ maxLength: 2000, example: 'Main Telegram channel', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({
    example: 'weighted-least-loaded',
    nullable: true,
    type: String,
    description:
      'A name from GET /strategies; null goes back to the DISTRIBUTION_STRATEGY default. ' +
      'Changing the strategy restarts the round-robin sequence.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  strategy?: string | null;
}
