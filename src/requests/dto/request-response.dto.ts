import { ApiProperty } from '@nestjs/swagger';
import { REQUEST_STATUSES, type RequestStatus } from '../entities/request.entity';

export class RequestResponseDto {
  @ApiProperty({ type: 'integer', example: 1 })
  id: number;

  @ApiProperty({ type: 'integer', example: 1 })
  lead_id: number;

  @ApiProperty({ type: 'integer', example: 1 })
  source_id: number;

  @ApiProperty({
    example: 2,
    nullable: true,
    type: 'integer',
    description: 'null when nobody was available',
  })
  operator_id: number | null;

  @ApiProperty({ example: 'John Doe', nullable: true, type: String })
  operator_name: string | null;

  @ApiProperty({ enum: REQUEST_STATUSES, example: 'active' })
  status: RequestStatus;

  @ApiProperty({ example: 'I have a question about pricing', nullable: true, type: String })
  message: string | null;

  @ApiProperty({ example: '2026-01-27T10:30:00.000Z' })
  created_at: string;

  @ApiProperty({
    example: '2026-01-27T10:30:00.000Z',
    nullable: true,
    type: String,
    description: 'When the current operator got it; null while waiting',
  })
  assigned_at: string | null;

  @ApiProperty({ example: '2026-01-27T10:30:00.000Z', description: 'The last state change' })
  updated_at: string;
}

export class LeadRequestResponseDto extends RequestResponseDto {
  @ApiProperty({ example: 'Telegram Bot' })
  source_name: string;
}

/** The columns a request response is built from, as the queries select them. */
export interface RequestView {
  id: number;
  leadId: number;
  sourceId: number;
  operatorId: number | null;
  operatorName: string | null;
  status: RequestStatus;
  message: string | null;
  createdAt: Date;
  assignedAt: Date | null;
  updatedAt: Date | null;
}

export function toRequestResponse(view: RequestView): RequestResponseDto {
  return {
    id: view.id,
    lead_id: view.leadId,
    source_id: view.sourceId,
    operator_id: view.operatorId,
    operator_name: view.operatorName,
    status: view.status,
    message: view.message,
    created_at: view.createdAt.toISOString(),
    assigned_at: view.assignedAt?.toISOString() ?? null,
    updated_at: (view.updatedAt ?? view.createdAt).toISOString(),
  };
}
