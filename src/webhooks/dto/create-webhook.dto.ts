import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { MAX_ID } from '../../common/validation';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../events/request-event';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://crm.example.com/hooks',
    maxLength: 2048,
    description:
      'http or https; loopback, private, link-local and metadata addresses are refused (also ' +
      'after DNS resolution, at send time) unless WEBHOOK_ALLOW_PRIVATE_TARGETS=true',
  })
  @IsString()
  @MaxLength(2048)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'url must be an http or https URL' },
  )
  url: string;

  @ApiPropertyOptional({
    example: ['request.assigned', 'request.closed'],
    enum: WEBHOOK_EVENT_TYPES,
    isArray: true,
    description: 'The event types to send; when absent, all of them, including types added later',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, {
    each: true,
    message: `each value in events must be one of: ${WEBHOOK_EVENT_TYPES.join(', ')}`,
  })
  events?: WebhookEventType[];

  @ApiPropertyOptional({
    type: 'integer',
    example: 1,
    nullable: true,
    description:
      'Only events of this source (requests of it; presence changes of operators configured ' +
      'for it); every source and operator when null or absent',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  source_id?: number | null;

  @ApiPropertyOptional({
    example: 'Helpdesk sync',
    maxLength: 2000,
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;
}
