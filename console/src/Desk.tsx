import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, backgroundRead } from './api';
import {
  type OfferResponseDto,
  type OperatorResponseDto,
  type Presence,
  PRESENCES,
  type RequestResponseDto,
} from './api-types';
import { useClock } from './clock';
import { moment, time } from './format';
import { timeLeft } from './PendingOffers';
import { connectStream, type StreamState } from './stream';
import { DESK_POLL_MS } from './timing';

interface Props {
  /** The operator whose key is in use, as GET /me answered at sign-in. */
  me: OperatorResponseDto;
  say(kind: 'error' | 'info', text: string): void;
  /** A refused key (401): back to the sign-in. */
  onUnauthorized(reason: string): void;
}

type Live = StreamState | 'polling';

interface DeskData {
  me: OperatorResponseDto;
  offers: OfferResponseDto[];
  requests: RequestResponseDto[];
}

const PRESENCE_WORDS: Record<Presence, string> = {
  available: 'Available',
  away: 'Away',
  offline: 'Offline',
};

/** The reason as a person reads it; the service's own codes in words. */
function reasonWords(reason: string | null): string | null {
  if (reason === null) return null;
  if (reason === 'missed_offers') return 'set away after offers ran out unanswered';
  return reason;
}

/**
 * The operator's desk: its pending offers (Accept, Decline, the seconds left), its active
 * requests (Close) and its presence switch. It follows the event stream when the key may read
 * it, and otherwise reads GET /me, /me/offers and /me/requests every DESK_POLL_MS.
 */
export function Desk({ me: signedIn, say, onUnauthorized }: Props) {
  const [data, setData] = useState<DeskData>({ me: signedIn, offers: [], requests: [] });
  const [loaded, setLoaded] = useState(false);
  const [live, setLive] = useState<Live>('connecting');
  /** The offered requests, read once each: what the customer wrote. */
  const [offered, setOffered] = useState<Record<number, RequestResponseDto>>({});
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const refreshing = useRef<Promise<void> | null>(null);
  const again = useRef(false);
  const asked = useRef(new Set<number>());
  const now = useClock(data.offers.length > 0);
  const me = data.me;

  const fail = useCallback((error: unknown) => {
    if (error instanceof ApiError && error.status === 401) {
      onUnauthorized('The service refused the key: sign in again.');
      return;
    }
    say('error', error instanceof ApiError ? capitalized(error.detail) : String(error));
  }, []);

  const refresh = useCallback((background = false): Promise<void> => {
    const read = <T,>(path: string) => (background ? backgroundRead<T>(path) : api<T>('GET', path));
    if (refreshing.current) {
      again.current = true;
      return refreshing.current;
    }
    const run = async () => {
      do {
        again.current = false;
        try {
          const [me, offers, requests] = await Promise.all([
            read<OperatorResponseDto>('/me'),
            read<OfferResponseDto[]>('/me/offers?limit=100'),
            read<RequestResponseDto[]>('/me/requests?limit=1000'),
          ]);
          setData({ me, offers, requests });
          setLoaded(true);
        } catch (error) {
          fail(error);
          return;
        }
      } while (again.current);
    };
    refreshing.current = run().finally(() => (refreshing.current = null));
    return refreshing.current;
  }, []);

  // What each new offer is about (GET /requests/{id} is open to the operator it is offered to).
  useEffect(() => {
    for (const offer of data.offers) {
      if (asked.current.has(offer.request_id)) continue;
      asked.current.add(offer.request_id);
      backgroundRead<RequestResponseDto>(`/requests/${offer.request_id}`).then(
        (request) => setOffered((map) => ({ ...map, [request.id]: request })),
        // Gone meanwhile (withdrawn, taken): the next read drops the offer too.
        () => undefined,
      );
    }
  }, [data.offers]);

  useEffect(() => {
    void refresh();
    let poll: number | undefined;
    const stop = connectStream({
      onState: (state) => {
        if (state === 'unauthorized') {
          onUnauthorized('The service refused the key: sign in again.');
        } else if (state === 'forbidden') {
          // The key may not read the stream: read the desk's own routes every 2 s instead.
          setLive('polling');
          poll = window.setInterval(() => void refresh(true), DESK_POLL_MS);
        } else {
          setLive(state);
          if (state === 'live') void refresh();
        }
      },
      // Any request's change may be one of ours: the desk's reads are small.
      onEvent: () => void refresh(),
    });
    const onVisible = () => {
      if (document.visibilityState === 'visible') void refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stop();
      window.clearInterval(poll);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);

  /** Runs one action of a button (by `key`), reports its outcome, reads the desk again. */
  const act = async (key: string, work: () => Promise<unknown>, done: string, focus: string) => {
    setBusy((b) => ({ ...b, [key]: true }));
    try {
      await work();
      say('info', done);
    } catch (error) {
      fail(error);
    } finally {
      setBusy((b) => ({ ...b, [key]: false }));
    }
    await refresh();
    // The item is gone with its button: focus its list's heading, not the page's start.
    document.getElementById(focus)?.focus();
  };

  const presenceChain = useRef<Promise<unknown>>(Promise.resolve());
  const setPresence = (presence: Presence) => {
    // One change at a time, in the order chosen: the last choice is what stays.
    presenceChain.current = presenceChain.current.then(async () => {
      try {
        const updated = await api<OperatorResponseDto>('PUT', `/operators/${me.id}/presence`, {
          presence,
        });
        setData((d) => ({ ...d, me: updated }));
      } catch (error) {
        fail(error);
      }
      await refresh();
    });
  };

  const reason = reasonWords(me.presence_reason);
  const offers = [...data.offers].sort(
    (a, b) => Date.parse(a.expires_at) - Date.parse(b.expires_at) || a.id - b.id,
  );

  return (
    <>
      <p class={`live live-${live === 'polling' ? 'live' : live}`} role="status">
        {live === 'live'
          ? 'Live'
          : live === 'polling'
            ? 'Live (updated every 2 s)'
            : live === 'connecting'
              ? 'Connecting…'
              : 'Reconnecting…'}
        {!loaded && ' · loading…'}
      </p>
      <main class="desk">
        <section class="card desk-presence" aria-labelledby="desk-title">
          <h2 id="desk-title">{me.name}</h2>
          <div class="field">
            <label for="desk-presence">Presence</label>
            <select
              id="desk-presence"
              value={me.presence}
              aria-describedby="desk-presence-hint"
              onChange={(event) => setPresence(event.currentTarget.value as Presence)}
            >
              {PRESENCES.map((p) => (
                <option key={p} value={p}>
                  {PRESENCE_WORDS[p]}
                </option>
              ))}
            </select>
          </div>
          <p class="hint" id="desk-presence-hint">
            {me.presence === 'available'
              ? 'You get new work.'
              : 'No new work comes to you; your requests stay yours.'}
            {reason && ` (${reason})`}
          </p>
          <p class="meta" data-testid="desk-load">
            {me.current_load} of {me.max_load} requests
            {me.offered_load > 0 && ` · ${me.offered_load} offered`} ·{' '}
            {me.on_shift ? 'on shift' : 'off shift'}
            {me.next_shift_change_at && ` until ${moment(me.next_shift_change_at, now)}`}
            {!me.is_active && ' · inactive (ask your lead)'}
          </p>
        </section>
        <section class="card" aria-labelledby="desk-offers-title">
          <h2 id="desk-offers-title" tabIndex={-1}>
            Offers
          </h2>
          {offers.length === 0 ? (
            <p class="empty">No offer waits for you.</p>
          ) : (
            <ul class="offers">
              {offers.map((offer) => {
                const request = offered[offer.request_id];
                const key = `offer-${offer.id}`;
                return (
                  <li key={offer.id} class="desk-item" aria-label={`Request #${offer.request_id}`}>
                    <div class="queue-text">
                      <strong>{request?.message || `Request #${offer.request_id}`}</strong>
                      <span class="meta">
                        #{offer.request_id} · offered at {time(offer.created_at)}
                      </span>
                    </div>
                    <span class="countdown" data-testid="seconds-left">
                      {timeLeft(offer.expires_at, now)}
                    </span>
                    <div class="queue-actions">
                      <button
                        type="button"
                        disabled={busy[key]}
                        onClick={() =>
                          void act(
                            key,
                            () => api('POST', `/offers/${offer.id}/accept`),
                            `Request #${offer.request_id} is yours.`,
                            'desk-requests-title',
                          )
                        }
                      >
                        Accept
                      </button>
                      <button
                        type="button"
                        class="secondary"
                        disabled={busy[key]}
                        onClick={() =>
                          void act(
                            key,
                            () => api('POST', `/offers/${offer.id}/decline`, {}),
                            `Request #${offer.request_id} declined.`,
                            'desk-offers-title',
                          )
                        }
                      >
                        Decline
                      </button>
                    </div>
                  </li>
                );
              })}
            </ul>
          )}
        </section>
        <section class="card" aria-labelledby="desk-requests-title">
          <h2 id="desk-requests-title" tabIndex={-1}>
            My requests
          </h2>
          {data.requests.length === 0 ? (
            <p class="empty">No active request.</p>
          ) : (
            <ul class="offers">
              {data.requests.map((request) => {
                const key = `request-${request.id}`;
                return (
                  <li key={request.id} class="desk-item" aria-label={`Request #${request.id}`}>
                    <div class="queue-text">
                      <strong>{request.message || `Lead #${request.lead_id}`}</strong>
                      <span class="meta">
                        #{request.id} · yours since{' '}
                        {time(request.assigned_at ?? request.created_at)}
                      </span>
                    </div>
                    <button
                      type="button"
                      disabled={busy[key]}
                      onClick={() =>
                        void act(
                          key,
                          () =>
                            api('PATCH', `/requests/${request.id}/status`, { status: 'closed' }),
                          `Request #${request.id} closed.`,
                          'desk-requests-title',
                        )
                      }
                    >
                      Close
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </section>
      </main>
    </>
  );
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
