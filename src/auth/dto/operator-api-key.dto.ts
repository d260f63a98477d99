import { ApiProperty } from '@nestjs/swagger';
import type { OperatorApiKey } from '../entities/operator-api-key.entity';

export class CreatedOperatorApiKeyDto {
  @ApiProperty({ type: 'integer', example: 4 })
  id: number;

  @ApiProperty({
    example: 'ldo_Zk2Pq7Wm4Rt9Xv1Bn6Jc3Hs8Ld5Fg0Ay2Ue7Io4Tr1',
    description: 'The key itself: shown this once, stored only as a SHA-256 hash',
  })
  key: string;

  @ApiProperty({ example: '2026-01-27T10:30:00.000Z' })
  created_at: string;
}

export class OperatorApiKeyDto {
  @ApiProperty({ type: 'integer', example: 4 })
  id: number;

  @ApiProperty({ type: 'integer', example: 2 })
  operator_id: number;

  @ApiProperty({ example: 'ldo_Zk2Pq7Wm', description: 'The first characters of the key' })
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

export function toOperatorApiKeyDto(key: OperatorApiKey): OperatorApiKeyDto {
  return {
    id: key.id,
    operator_id: key.operatorId,
    prefix: key.keyPrefix,
    created_at: key.createdAt.toISOString(),
    revoked_at: key.revokedAt ? key.revokedAt.toISOString() : null,
  };
}
