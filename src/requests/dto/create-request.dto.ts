import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { MAX_ID, IsNotBlank, IsOptionalNonNull } from '../../common/validation';
import { IsSkillList } from '../../distribution/skills.dto';
import { MAX_PRIORITY } from '../priority';

export class CreateRequestDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 255,
    example: 'customer_12345',
    description: 'The customer’s id in the source system; one lead per external id',
  })
  @IsString()
  @Length(1, 255)
  @IsNotBlank()
  lead_external_id: string;

  @ApiProperty({ type: 'integer', example: 1, minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  source_id: number;

  @ApiPropertyOptional({
    maxLength: 10000,
    example: 'I have a question about pricing',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  message?: string | null;

  @ApiPropertyOptional({ maxLength: 200, example: 'Jane Smith', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  lead_name?: string | null;

  @ApiPropertyOptional({
    maxLength: 320,
    example: 'jane@example.com',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  lead_email?: string | null;

  @ApiPropertyOptional({ maxLength: 50, example: '+1234567890', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  lead_phone?: string | null;

  @IsSkillList(
    "Skills this request needs besides its source's required_skills; only operators with all " +
      'of them get it (until the source’s skill_fallback_seconds)',
    ['de'],
  )
  skills?: string[];

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_PRIORITY,
    example: 50,
    description: 'Higher goes first when requests wait; absent: the source’s default_priority',
  })
  @IsOptionalNonNull()
  @IsInt()
  @Min(0)
  @Max(MAX_PRIORITY)
  priority?: number;
}
