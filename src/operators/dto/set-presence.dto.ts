import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PRESENCES, type Presence } from '../presence';

export class SetPresenceDto {
  @ApiProperty({ enum: PRESENCES, example: 'away' })
  @IsIn(PRESENCES, { message: `presence must be one of: ${PRESENCES.join(', ')}` })
  presence: Presence;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    minLength: 1,
    maxLength: 200,
    example: 'lunch',
    description: 'Why; absent or null: none',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reason?: string | null;
}
