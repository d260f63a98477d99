import { ApiProperty } from '@nestjs/swagger';
import { REQUEST_STATUSES, type RequestStatus } from '../entities/request.entity';
import { effectivePriority, MAX_PRIORITY } from '../priority';

export class PendingOfferDto {
  @ApiProperty({ type: 'integer', example: 7 })
  id: number;

  @ApiProperty({ type: 'integer', example: 2 })
  operator_id: number;

  @ApiProperty({ example: '2026-01-27T10:31:00.000Z' })
  expires_at: string;
}

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

  @ApiProperty({
    type: [String],
    example: ['billing', 'de'],
    description: "What its operator must have: its source's required skills and its own, sorted",
  })
  skills: string[];

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: MAX_PRIORITY,
    example: 50,
    description: 'Higher goes first (the source’s default_priority unless the request gave one)',
  })
  priority: number;

  @ApiProperty({
    example: false,
    description:
      "true once it waited past its source's skill_fallback_seconds: any of the source's " +
      'operators may take it',
  })
  skills_relaxed: boolean;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 62,
    description:
      'While waiting: priority plus aging, min(100, priority + floor(minutes waited × the ' +
      'source’s priority_aging_per_minute)), as of this response; the queue is taken in this ' +
      'order. null when not waiting',
  })
  effective_priority: number | null;

  @ApiProperty({
    type: PendingOfferDto,
    nullable: true,
    description:
      'On an offer source: the offer waiting for its operator’s accept (the request is then ' +
      'active with operator_id null, and not waiting); null otherwise',
  })
  pending_offer: PendingOfferDto | null;
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
  skills: readonly string[];
  priority: number;
  skillsRelaxed: boolean;
  /** The source's aging, where the query read it; absent counts as none. */
  agingPerMinute?: number;
  /** The offer waiting for its operator's accept (offer sources), or null. */
  pendingOffer: { id: number; operatorId: number; expiresAt: Date } | null;
}

export function toRequestResponse(view: RequestView, now = new Date()): RequestResponseDto {
  const waiting = view.status === 'active' && view.operatorId === null && !view.pendingOffer;
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
    skills: [...view.skills],
    priority: view.priority,
    skills_relaxed: view.skillsRelaxed,
    effective_priority: waiting
      ? effectivePriority(
          view.priority,
          view.agingPerMinute ?? 0,
          now.getTime() - view.createdAt.getTime(),
        )
      : null,
    pending_offer: view.pendingOffer
      ? {
          id: view.pendingOffer.id,
          operator_id: view.pendingOffer.operatorId,
          expires_at: view.pendingOffer.expiresAt.toISOString(),
        }
      : null,
  };
}
