import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { IsOptionalNonNull } from '../../common/validation';
import { CreateWebhookDto } from './create-webhook.dto';

/** Any subset of url, events, source_id (null: every source), description, is_active. */
export class UpdateWebhookDto extends PartialType(CreateWebhookDto) {
  @ApiPropertyOptional({
    example: false,
    description: 'false pauses the webhook: no new deliveries, and queued ones wait',
  })
  @IsOptionalNonNull()
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;
}
