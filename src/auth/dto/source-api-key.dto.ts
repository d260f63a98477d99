import { ApiProperty } from '@nestjs/swagger';
import type { SourceApiKey } from '../entities/source-api-key.entity';

export class CreatedSourceApiKeyDto {
  @ApiProperty({ type: 'integer', example: 3 })
  id: number;

  @ApiProperty({
    example: 'lds_q8Xv3kR2b0mZt7WcJdYp1LsN4aHfE6uG9iOxTyVwBzQ',
    description: 'The key itself: shown this once, stored only as a SHA-256 hash',
  })
  key: string;

  @ApiProperty({ example: '2026-01-27T10:30:00.000Z' })
  created_at: string;
}

export class SourceApiKeyDto {
  @ApiProperty({ type: 'integer', example: 3 })
  id: number;

  @ApiProperty({ type: 'integer', example: 1 })
  source_id: number;

  @ApiProperty({ example: 'lds_q8Xv3kR2', description: 'The first characters of the key' })
  prefix: string;

  @ApiProperty({ example: '2026-01-27T10:30:00.000Z' })
  created_at: string;

  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: 'When the key was revoked; null while it works',
  })
  revoked_at: string | null;
}

export function toSourceApiKeyDto(key: SourceApiKey): SourceApiKeyDto {
  return {
    id: key.id,
    source_id: key.sourceId,
    prefix: key.keyPrefix,
    created_at: key.createdAt.toISOString(),
    revoked_at: key.revokedAt ? key.revokedAt.toISOString() : null,
  };
}
