import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { IsNotBlank } from '../../common/validation';

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
}
