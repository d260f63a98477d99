import type { OperatorResponseDto, RequestResponseDto } from './api-types';
import { AssignControl } from './AssignControl';
import { age } from './format';
import { skillsText } from './skills';

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
      {waiting.length > 0 && (
        <p class="hint">
          In the order they will be taken: highest effective priority, then oldest.
        </p>
      )}
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
  return (
    <li class="queue-item" aria-label={`Request #${request.id}`}>
      <div class="queue-text">
        <strong>{request.message || `Lead #${request.lead_id}`}</strong>
        <span class="meta">
          #{request.id} · {source} · waiting {age}
        </span>
        <span class="meta" data-testid="priority">
          Priority {request.priority} · effective {request.effective_priority ?? request.priority}
        </span>
        {request.skills.length > 0 && (
          <span class="meta" data-testid="skills">
            {request.skills_relaxed
              ? `Skills relaxed (was ${skillsText(request.skills)}): anyone may take it`
              : `Needs ${skillsText(request.skills)}`}
          </span>
        )}
      </div>
      <div class="queue-actions">
        <AssignControl
          requestId={request.id}
          operators={operators}
          currentOperatorId={null}
          onAssign={(operatorId) => onAssign(request, operatorId)}
        />
        <button type="button" class="secondary" onClick={() => onOpen(request)}>
          Details
        </button>
      </div>
    </li>
  );
}
