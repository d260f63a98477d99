import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import type {
  DecisionResponseDto,
  LeadResponseDto,
  OperatorResponseDto,
  RequestEventResponseDto,
  RequestResponseDto,
} from './api-types';
import { AssignControl } from './AssignControl';
import { Dialog } from './Dialog';
import { time } from './format';
import { missingText } from './skills';

interface Props {
  requestId: number;
  /** Bumped whenever the stream brings an event of this request. */
  version: number;
  operators: OperatorResponseDto[];
  operatorName(id: number | null): string;
  explain(error: unknown): string;
  /** After a successful action: the board says `message` and reloads. */
  onChanged(message: string): void;
  onClose(): void;
}

/**
 * The customer, the decision (why this operator) and the request's timeline, refreshed by its
 * live events; with the actions a team lead takes on it: close, reopen, reassign, assign.
 */
export function RequestDetail(props: Props) {
  const { requestId, version, operators, operatorName, explain, onChanged, onClose } = props;
  const [request, setRequest] = useState<RequestResponseDto | null>(null);
  const [lead, setLead] = useState<LeadResponseDto | null>(null);
  const [decision, setDecision] = useState<DecisionResponseDto | null>(null);
  const [events, setEvents] = useState<RequestEventResponseDto[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [reloads, setReloads] = useState(0);

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
        if (lead?.id !== r.lead_id) {
          api<LeadResponseDto>('GET', `/leads/${r.lead_id}`).then(
            (l) => !cancelled && setLead(l),
            (error: unknown) => !cancelled && setProblem(explain(error)),
          );
        }
      },
      (error: unknown) => {
        if (!cancelled) setProblem(explain(error));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [requestId, version, reloads]);

  const act = async (
    work: () => Promise<RequestResponseDto>,
    done: (r: RequestResponseDto) => string,
  ) => {
    setBusy(true);
    try {
      const result = await work();
      setProblem(null);
      onChanged(done(result));
    } catch (error) {
      setProblem(explain(error));
    } finally {
      setBusy(false);
      setReloads((n) => n + 1);
    }
  };
  const setStatus = (status: 'closed' | 'active') =>
    act(
      () => api('PATCH', `/requests/${requestId}/status`, { status }),
      (r) =>
        status === 'closed'
          ? `Request #${r.id} closed.`
          : `Request #${r.id} reopened${r.operator_id === null ? ': waiting' : ` with ${operatorName(r.operator_id)}`}.`,
    );
  const offered = request?.pending_offer ?? null;
  const waiting = request?.status === 'active' && request.operator_id === null && !offered;

  return (
    <Dialog title="Request detail" onClose={onClose}>
      {problem && (
        <p class="error-text" role="alert">
          {problem}
        </p>
      )}
      {request && (
        <p class="detail-summary">
          <strong>#{request.id}</strong> · {waiting ? 'waiting' : request.status} ·{' '}
          {offered
            ? `offered to ${operatorName(offered.operator_id)}`
            : request.operator_id === null
              ? 'waiting for an operator'
              : `with ${request.operator_name}`}
          {request.message && <span class="meta"> · “{request.message}”</span>}
        </p>
      )}
      {lead && (
        <section aria-labelledby="customer-title">
          <h3 id="customer-title">Customer</h3>
          <dl class="customer">
            <dt>Name</dt>
            <dd>{lead.name ?? '—'}</dd>
            <dt>Email</dt>
            <dd>{lead.email ? <a href={`mailto:${lead.email}`}>{lead.email}</a> : '—'}</dd>
            <dt>Phone</dt>
            <dd>{lead.phone ? <a href={`tel:${lead.phone}`}>{lead.phone}</a> : '—'}</dd>
            <dt>Lead</dt>
            <dd>
              #{lead.id} · {lead.external_id}
            </dd>
          </dl>
        </section>
      )}
      {request && (
        <section aria-labelledby="actions-title" class="detail-actions">
          <h3 id="actions-title">Actions</h3>
          <div class="queue-actions">
            {request.status === 'active' ? (
              <button type="button" disabled={busy} onClick={() => void setStatus('closed')}>
                Close request
              </button>
            ) : (
              <button type="button" disabled={busy} onClick={() => void setStatus('active')}>
                Reopen request
              </button>
            )}
            {request.status === 'active' && request.operator_id !== null && (
              <button
                type="button"
                class="secondary"
                disabled={busy}
                onClick={() =>
                  void act(
                    () => api('POST', `/requests/${requestId}/reassign`),
                    (r) => `Request #${r.id} reassigned to ${operatorName(r.operator_id)}.`,
                  )
                }
              >
                Reassign by the source’s rules
              </button>
            )}
          </div>
          {request.status === 'active' && (
            <AssignControl
              requestId={request.id}
              operators={operators}
              currentOperatorId={request.operator_id}
              busy={busy}
              onAssign={(operatorId) =>
                void act(
                  () => api('POST', `/requests/${requestId}/assign`, { operator_id: operatorId }),
                  (r) => `Request #${r.id} assigned to ${operatorName(r.operator_id)}.`,
                )
              }
            />
          )}
        </section>
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
                      <td>
                        {o.eligible
                          ? 'yes'
                          : `no: ${o.reason ?? ''}${missingText(o.missing_skills)}`}
                      </td>
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
