/**
 * An offer: a request proposed to one operator, who accepts it (and then has it) or not. Only a
 * pending offer changes, once: to accepted, declined, expired or withdrawn.
 */
export const OFFER_STATUSES = ['pending', 'accepted', 'declined', 'expired', 'withdrawn'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

/** How a pending offer may end. */
export type OfferOutcome = Exclude<OfferStatus, 'pending'>;

export interface Offer {
  id: number;
  requestId: number;
  operatorId: number;
  status: OfferStatus;
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
  reason: string | null;
  /** A declined or expired offer that still keeps its operator from this request's next offers. */
  excluding: boolean;
}

/**
 * What an accept or a decline of this offer does: `apply` (it is pending), `same` (an accept of
 * an offer this operator accepted already: the same answer again), or `refuse` (409
 * OFFER_NOT_PENDING, nothing changes).
 */
export function decisionOn(offer: Pick<Offer, 'status'>, action: 'accept' | 'decline') {
  if (offer.status === 'pending') return 'apply' as const;
  if (action === 'accept' && offer.status === 'accepted') return 'same' as const;
  return 'refuse' as const;
}

/** True when a pending offer's time is up at `now`. */
export function isDue(offer: Pick<Offer, 'status' | 'expiresAt'>, now: Date): boolean {
  return offer.status === 'pending' && offer.expiresAt.getTime() <= now.getTime();
}

/**
 * An offer's outcome keeps its operator from the request's next offers when the person said no
 * or let it lapse; a withdrawal is not the person's answer (invariant 9).
 */
export function excludesOperator(outcome: OfferOutcome): boolean {
  return outcome === 'declined' || outcome === 'expired';
}

/** The offer's expiry: `timeoutSeconds` after it was made. */
export function expiryOf(createdAt: Date, timeoutSeconds: number): Date {
  return new Date(createdAt.getTime() + timeoutSeconds * 1000);
}

/**
 * True when the operator's run of expired offers has reached the limit that sets it away
 * (MISSED_OFFERS_BEFORE_AWAY; 0 never does).
 */
export function missedEnough(missedInARow: number, limit: number): boolean {
  return limit > 0 && missedInARow >= limit;
}
