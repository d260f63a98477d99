/**
 * The API's shapes the console reads, named and written as the OpenAPI document at /docs-json
 * declares them (components.schemas). test/e2e/console.e2e-spec.ts checks every field listed in
 * CONSOLE_FIELDS against that document, so this file cannot drift from the API unnoticed.
 */
export interface OperatorResponseDto {
  id: number;
  name: string;
  is_active: boolean;
  max_load: number;
  current_load: number;
  /** Its pending offers: each holds a unit of room. */
  offered_load: number;
  /** Sorted. */
  skills: string[];
  presence: Presence;
  presence_reason: string | null;
  presence_since: string;
  /** null: always on shift. */
  schedule: ScheduleDto | null;
  on_shift: boolean;
  /** null: never changes. */
  next_shift_change_at: string | null;
  created_at: string;
}

export const PRESENCES = ['available', 'away', 'offline'] as const;
export type Presence = (typeof PRESENCES)[number];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WeeklyIntervalDto {
  day: Weekday;
  /** HH:MM in the time zone. */
  start: string;
  /** HH:MM, after start; 24:00 ends the day. */
  end: string;
}

export interface ScheduleExceptionDto {
  /** YYYY-MM-DD. */
  date: string;
  /** Both absent: a day off. */
  start?: string;
  end?: string;
}

export interface ScheduleDto {
  /** IANA name. */
  time_zone: string;
  weekly: WeeklyIntervalDto[];
  exceptions: ScheduleExceptionDto[];
}

export interface PendingOfferDto {
  id: number;
  operator_id: number;
  expires_at: string;
}

export interface OfferResponseDto {
  id: number;
  request_id: number;
  operator_id: number;
  status: 'pending' | 'accepted' | 'declined' | 'expired' | 'withdrawn';
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  reason: string | null;
}

export interface SourceResponseDto {
  id: number;
  name: string;
  description: string | null;
  strategy: string | null;
  sticky: boolean;
  /** Sorted. */
  required_skills: string[];
  /** null: never. */
  skill_fallback_seconds: number | null;
  default_priority: number;
  priority_aging_per_minute: number;
  /** direct: the chosen operator gets the request; offer: it is offered, to accept or decline. */
  assignment: 'direct' | 'offer';
  offer_timeout_seconds: number;
  created_at: string;
}

export interface SourceWeightResponseDto {
  operator_id: number;
  operator_name: string;
  weight: number;
}

export interface RequestResponseDto {
  id: number;
  lead_id: number;
  source_id: number;
  operator_id: number | null;
  operator_name: string | null;
  status: 'active' | 'closed';
  message: string | null;
  created_at: string;
  assigned_at: string | null;
  updated_at: string;
  /** The source's required skills and the request's own, sorted. */
  skills: string[];
  priority: number;
  skills_relaxed: boolean;
  /** null unless the request waits. */
  effective_priority: number | null;
  /** While offered: to whom, until when (its operator_id is null meanwhile). */
  pending_offer: PendingOfferDto | null;
}

export interface OperatorStatsDto {
  operator_id: number;
  operator_name: string;
  weight: number;
  requests: number;
  active_requests: number;
  share: number;
  expected_share: number;
}

export interface SourceStatsDto {
  source_id: number;
  source_name: string;
  strategy: string;
  total_requests: number;
  unassigned_requests: number;
  operators: OperatorStatsDto[];
}

export interface DecisionOperatorDto {
  operator_id: number;
  operator_name: string;
  weight: number;
  current_load: number;
  max_load: number;
  is_active: boolean;
  eligible: boolean;
  reason: string | null;
  missing_skills: string[];
}

export interface DecisionResponseDto {
  request_id: number;
  source_id: number;
  strategy: string;
  trigger: string;
  sticky: boolean;
  summary: string;
  chosen_operator_id: number | null;
  operators: DecisionOperatorDto[];
  decided_at: string;
}

export interface SimulatedOperatorDto extends DecisionOperatorDto {
  expected_share: number;
  requests: number;
  share: number;
}

export interface SimulationResponseDto {
  source_id: number;
  strategy: string;
  capacity: 'current' | 'ignore';
  requests: number;
  assigned: number;
  unassigned: number;
  operators: SimulatedOperatorDto[];
}

export interface StrategyResponseDto {
  name: string;
  description: string;
}

export interface LeadResponseDto {
  id: number;
  external_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
}

export interface RequestEventResponseDto {
  id: number;
  request_id: number;
  type:
    | 'created'
    | 'assigned'
    | 'waiting'
    | 'reassigned'
    | 'closed'
    | 'reopened'
    | 'relaxed'
    | 'offered'
    | 'offer_declined'
    | 'offer_expired'
    | 'offer_withdrawn';
  operator_id: number | null;
  previous_operator_id: number | null;
  trigger: string | null;
  actor: string;
  created_at: string;
}

export interface ReleaseResponseDto {
  operator_id: number;
  released: number;
  reassigned: number;
  waiting: number;
}

export interface ServiceLevelBucketDto {
  start: string;
  arrivals: number;
  assigned: number;
  abandoned: number;
  answered_within_target: number;
  /** null without arrivals. */
  service_level: number | null;
  wait_p50_seconds: number | null;
  wait_p90_seconds: number | null;
  wait_max_seconds: number | null;
}

export interface ServiceLevelsResponseDto {
  source_id: number | null;
  target_answer_seconds: number;
  buckets: ServiceLevelBucketDto[];
}

export interface StaffingPlanCellDto {
  day: 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
  hour: number;
  arrivals_per_hour: number;
  /** null: arrivals without a known handle time (nothing was handled in the window). */
  required_capacity: number | null;
  scheduled_capacity: number;
  /** scheduled − required: negative is understaffed; null when required is. */
  gap: number | null;
}

export interface StaffingPlanResponseDto {
  source_id: number;
  weeks: number;
  time_zone: string;
  aht_seconds: number | null;
  /** 168: mon..sun × 0..23 in the asked time zone. */
  cells: StaffingPlanCellDto[];
}

/** A message of GET /events/stream (the webhook body). */
export interface PublicEvent {
  id: string;
  type: string;
  created_at: string;
  data: {
    request: RequestResponseDto;
    previous_operator_id: number | null;
    trigger: string | null;
  };
}

/** Every schema and field the console relies on, checked against /docs-json by the e2e test. */
export const CONSOLE_FIELDS: Record<string, readonly string[]> = {
  OperatorResponseDto: [
    'id',
    'name',
    'is_active',
    'max_load',
    'current_load',
    'offered_load',
    'skills',
    'presence',
    'presence_reason',
    'presence_since',
    'schedule',
    'on_shift',
    'next_shift_change_at',
  ],
  ScheduleDto: ['time_zone', 'weekly', 'exceptions'],
  WeeklyIntervalDto: ['day', 'start', 'end'],
  ScheduleExceptionDto: ['date', 'start', 'end'],
  PendingOfferDto: ['id', 'operator_id', 'expires_at'],
  OfferResponseDto: ['id', 'request_id', 'operator_id', 'status', 'expires_at'],
  SourceResponseDto: [
    'id',
    'name',
    'description',
    'strategy',
    'sticky',
    'required_skills',
    'skill_fallback_seconds',
    'default_priority',
    'priority_aging_per_minute',
    'assignment',
    'offer_timeout_seconds',
  ],
  StrategyResponseDto: ['name', 'description'],
  LeadResponseDto: ['id', 'external_id', 'name', 'email', 'phone'],
  SourceWeightResponseDto: ['operator_id', 'operator_name', 'weight'],
  RequestResponseDto: [
    'id',
    'lead_id',
    'source_id',
    'operator_id',
    'operator_name',
    'status',
    'message',
    'created_at',
    'skills',
    'priority',
    'skills_relaxed',
    'effective_priority',
    'pending_offer',
  ],
  SourceStatsDto: ['source_id', 'source_name', 'strategy', 'total_requests', 'operators'],
  OperatorStatsDto: ['operator_id', 'operator_name', 'weight', 'share', 'expected_share'],
  DecisionResponseDto: ['strategy', 'trigger', 'summary', 'chosen_operator_id', 'operators'],
  DecisionOperatorDto: ['operator_id', 'operator_name', 'eligible', 'reason', 'missing_skills'],
  SimulationResponseDto: ['capacity', 'requests', 'assigned', 'unassigned', 'operators'],
  SimulatedOperatorDto: ['operator_id', 'share'],
  RequestEventResponseDto: ['id', 'type', 'operator_id', 'trigger', 'actor', 'created_at'],
  ReleaseResponseDto: ['released', 'reassigned', 'waiting'],
  StaffingPlanResponseDto: ['source_id', 'weeks', 'time_zone', 'aht_seconds', 'cells'],
  StaffingPlanCellDto: [
    'day',
    'hour',
    'arrivals_per_hour',
    'required_capacity',
    'scheduled_capacity',
    'gap',
  ],
  ServiceLevelsResponseDto: ['target_answer_seconds', 'buckets'],
  ServiceLevelBucketDto: [
    'start',
    'arrivals',
    'answered_within_target',
    'service_level',
    'wait_p90_seconds',
    'wait_max_seconds',
  ],
};
