import { useState } from 'preact/hooks';
import type { OperatorResponseDto, RequestResponseDto } from './api-types';
import { age } from './format';

interface Props {
  waiting: RequestResponseDto[];
  operators: OperatorResponseDto[];
  sourceName(id: number): string;
  now: number;
  onAssign(request: RequestResponseDto, operatorId: number): void;
  onOpen(request: RequestResponseDto): void;
}

export function Waiting({ waiting, operators, sourceName, now, onAssign, onOpen }: Props) {
  return (
    <section class="card" aria-labelledby="waiting-title">
      <h2 id="waiting-title">Waiting</h2>
      {waiting.length === 0 ? (
        <p class="empty">Nothing waits: every request has an operator.</p>
      ) : (
        <ol class="queue">
          {waiting.map((request) => (
            <WaitingItem
              key={request.id}
              request={request}
              operators={operators}
              source={sourceName(request.source_id)}
              age={age(request.created_at, now)}
              onAssign={onAssign}
              onOpen={onOpen}
            />
          ))}
        </ol>
      )}
    </section>
  );
}

interface ItemProps {
  request: RequestResponseDto;
  operators: OperatorResponseDto[];
  source: string;
  age: string;
  onAssign(request: RequestResponseDto, operatorId: number): void;
  onOpen(request: RequestResponseDto): void;
}

function WaitingItem({ request, operators, source, age, onAssign, onOpen }: ItemProps) {
  const candidates = operators.filter((o) => o.is_active);
  const [chosen, setChosen] = useState('');
  const selectId = `assign-${request.id}`;
  const withRoom = candidates.find((o) => o.current_load < o.max_load);
  const value = chosen || (withRoom ? String(withRoom.id) : '');
  return (
    <li class="queue-item" aria-label={`Request #${request.id}`}>
      <div class="queue-text">
        <strong>{request.message || `Lead #${request.lead_id}`}</strong>
        <span class="meta">
          #{request.id} · {source} · waiting {age}
        </span>
      </div>
      <form
        class="queue-actions"
        onSubmit={(event) => {
          event.preventDefault();
          if (value) onAssign(request, Number(value));
        }}
      >
        <label class="visually-hidden" for={selectId}>
          Operator for request #{request.id}
        </label>
        <select
          id={selectId}
          value={value}
          onChange={(event) => setChosen(event.currentTarget.value)}
        >
          {candidates.length === 0 && <option value="">No active operator</option>}
          {candidates.map((o) => (
            <option key={o.id} value={String(o.id)}>
              {o.name} ({o.current_load}/{o.max_load})
            </option>
          ))}
        </select>
        <button type="submit" disabled={!value}>
          Assign
        </button>
        <button type="button" class="secondary" onClick={() => onOpen(request)}>
          Details
        </button>
      </form>
    </li>
  );
}
