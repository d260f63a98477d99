/**
 * Why a change was refused with 409: every 409 body carries one of these as `code` beside its
 * `message`, so a client can tell "try again" from "don't" without reading English.
 */
export const CONFLICT_CODES = [
  'AT_CAPACITY',
  'REQUEST_CLOSED',
  'REQUEST_WAITING',
  'NO_OTHER_OPERATOR',
  'OPERATOR_INACTIVE',
  'OPERATOR_ACTIVE',
  'CHANGED_MEANWHILE',
  'NAME_TAKEN',
  'ALREADY_DELIVERED',
  'IDEMPOTENCY_CONTENDED',
  'IDEMPOTENCY_EXPIRED',
  'OFFER_NOT_PENDING',
] as const;

export type ConflictCode = (typeof CONFLICT_CODES)[number];

/** A refused change, thrown by services; AppExceptionFilter answers it (conflictResponse). */
export class ConflictError extends Error {
  constructor(
    readonly code: ConflictCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * How each code is answered: its status, and whether the same request may simply be sent again
 * (only a race lost to another change, or an Idempotency-Key still in flight). Exhaustive: a new
 * code does not compile until it says.
 */
export function conflictResponse(code: ConflictCode): { status: 409; retry: boolean } {
  switch (code) {
    case 'CHANGED_MEANWHILE':
    case 'IDEMPOTENCY_CONTENDED':
      return { status: 409, retry: true };
    case 'AT_CAPACITY':
    case 'REQUEST_CLOSED':
    case 'REQUEST_WAITING':
    case 'NO_OTHER_OPERATOR':
    case 'OPERATOR_INACTIVE':
    case 'OPERATOR_ACTIVE':
    case 'NAME_TAKEN':
    case 'ALREADY_DELIVERED':
    case 'IDEMPOTENCY_EXPIRED':
    case 'OFFER_NOT_PENDING':
      return { status: 409, retry: false };
    default: {
      const unmapped: never = code;
      throw new Error(`conflict code ${String(unmapped)} has no response`);
    }
  }
}
