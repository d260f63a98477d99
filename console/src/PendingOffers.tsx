import type { OfferResponseDto } from './api-types';
import { useClock } from './clock';
import { secondsLeft } from './format';

interface Props {
  offers: OfferResponseDto[];
  operatorName(id: number): string;
  onOpen(requestId: number): void;
}

/** "42 s left", or "expiring…" past the deadline, until the service's expiry pass takes it. */
export function timeLeft(expiresAt: string, now: number): string {
  const left = secondsLeft(expiresAt, now);
  return left > 0 ? `${left} s left` : 'expiring…';
}

/** The offers waiting for an answer, soonest deadline first, with their seconds counting down. */
export function PendingOffers({ offers, operatorName, onOpen }: Props) {
  const now = useClock(offers.length > 0);
  const sorted = [...offers].sort(
    (a, b) => Date.parse(a.expires_at) - Date.parse(b.expires_at) || a.id - b.id,
  );
  return (
    <section class="card" aria-labelledby="pending-offers-title">
      <h2 id="pending-offers-title">Pending offers</h2>
      {sorted.length === 0 ? (
        <p class="empty">No offer waits for an answer.</p>
      ) : (
        <ul class="offers">
          {sorted.map((offer) => (
            <li key={offer.id} class="offer">
              <button type="button" class="link" onClick={() => onOpen(offer.request_id)}>
                Request #{offer.request_id}
              </button>{' '}
              <span>offered to {operatorName(offer.operator_id)}</span>{' '}
              <span class="countdown" data-testid="seconds-left">
                {timeLeft(offer.expires_at, now)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
