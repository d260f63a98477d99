import { ApiProperty } from '@nestjs/swagger';
import { OFFER_STATUSES, type Offer, type OfferStatus } from '../offer';

export class OfferResponseDto {
  @ApiProperty({ type: 'integer', example: 7 })
  id: number;

  @ApiProperty({ type: 'integer', example: 12 })
  request_id: number;

  @ApiProperty({ type: 'integer', example: 2 })
  operator_id: number;

  @ApiProperty({ enum: OFFER_STATUSES, example: 'pending' })
  status: OfferStatus;

  @ApiProperty({ example: '2026-01-27T10:30:00.000Z' })
  created_at: string;

  @ApiProperty({
    example: '2026-01-27T10:31:00.000Z',
    description: 'A pending offer expires no later than 2 s after this',
  })
  expires_at: string;

  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: 'When it stopped being pending; null while pending',
  })
  decided_at: string | null;

  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description:
      'A decline’s reason as given; for a withdrawal: request_closed, assigned_by_person, ' +
      'operator_inactive, operator_away, operator_offline or operator_off_shift',
  })
  reason: string | null;
}

export function toOfferResponse(offer: Offer): OfferResponseDto {
  return {
    id: offer.id,
    request_id: offer.requestId,
    operator_id: offer.operatorId,
    status: offer.status,
    created_at: offer.createdAt.toISOString(),
    expires_at: offer.expiresAt.toISOString(),
    decided_at: offer.decidedAt?.toISOString() ?? null,
    reason: offer.reason,
  };
}
