import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import type { DecisionResponseDto, RequestEventResponseDto, RequestResponseDto } from './api-types';
import { Dialog } from './Dialog';
import { time } from './format';

interface Props {
  requestId: number;
  /** Bumped whenever the stream brings an event of this request. */
  version: number;
  operatorName(id: number | null): string;
  onClose(): void;
}

/** The decision (why this operator) and the request's timeline, refreshed by its live events. */
export function RequestDetail({ requestId, version, operatorName, onClose }: Props) {
  const [request, setRequest] = useState<RequestResponseDto | null>(null);
  const [decision, setDecision] = useState<DecisionResponseDto | null>(null);
  const [events, setEvents] = useState<RequestEventResponseDto[]>([]);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    Promise.all([
      api<RequestResponseDto>('GET', `/requests/${requestId}`),
      api<DecisionResponseDto>('GET', `/requests/${requestId}/decision`),
      api<RequestEventResponseDto[]>('GET', `/requests/${requestId}/events`),
    ]).then(
      ([r, d, e]) => {
        if (cancelled) return;
        setRequest(r);
        setDecision(d);
        setEvents(e);
        setProblem(null);
      },
      (error: unknown) => {
        if (!cancelled) setProblem(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [requestId, version]);

  return (
    <Dialog title="Request detail" onClose={onClose}>
      {problem && (
        <p class="error-text" role="alert">
          {problem}
        </p>
      )}
      {request && (
        <p class="detail-summary">
          <strong>#{request.id}</strong> · {request.status} ·{' '}
          {request.operator_id === null
            ? 'waiting for an operator'
            : `with ${request.operator_name}`}
          {request.message && <span class="meta"> · “{request.message}”</span>}
        </p>
      )}
      {decision && (
        <section aria-labelledby="decision-title">
          <h3 id="decision-title">Decision</h3>
          <p>{decision.summary}</p>
          <p class="meta">
            Strategy {decision.strategy} · trigger {decision.trigger}
            {decision.sticky ? ' · sticky' : ''}
          </p>
          {decision.operators.length > 0 && (
            <div class="scroll">
              <table aria-label="Operators considered">
                <thead>
                  <tr>
                    <th scope="col">Operator</th>
                    <th scope="col">Weight</th>
                    <th scope="col">Load</th>
                    <th scope="col">Eligible</th>
                  </tr>
                </thead>
                <tbody>
                  {decision.operators.map((o) => (
                    <tr key={o.operator_id}>
                      <th scope="row">
                        {o.operator_name}
                        {o.operator_id === decision.chosen_operator_id ? ' (chosen)' : ''}
                      </th>
                      <td>{o.weight}</td>
                      <td>
                        {o.current_load} / {o.max_load}
                      </td>
                      <td>{o.eligible ? 'yes' : `no: ${o.reason ?? ''}`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
      <section aria-labelledby="timeline-title">
        <h3 id="timeline-title">Timeline</h3>
        <ol class="timeline" aria-labelledby="timeline-title">
          {events.map((event) => (
            <li key={event.id} class={`event event-${event.type}`}>
              <span class="event-type">{event.type}</span>
              <span class="meta">
                {time(event.created_at)}
                {event.operator_id !== null && ` · ${operatorName(event.operator_id)}`}
                {event.trigger && ` · ${event.trigger}`} · by {event.actor}
              </span>
            </li>
          ))}
        </ol>
      </section>
    </Dialog>
  );
}
