import { useState } from 'preact/hooks';
import type { OperatorResponseDto } from './api-types';
import { unavailability } from './names';

interface Props {
  requestId: number;
  operators: OperatorResponseDto[];
  /** The request's operator now, if any: offered as "current", not as a choice. */
  currentOperatorId: number | null;
  onAssign(operatorId: number): void;
  busy?: boolean;
}

/**
 * An operator picker and an Assign button. Full and inactive operators stay in the list as
 * disabled options that say why, so nobody wonders where Ann went.
 */
export function AssignControl({ requestId, operators, currentOperatorId, onAssign, busy }: Props) {
  const [chosen, setChosen] = useState('');
  const selectId = `assign-${requestId}-${currentOperatorId ?? 'none'}`;
  const choices = operators.map((o) => ({
    operator: o,
    why: o.id === currentOperatorId ? 'current' : unavailability(o),
  }));
  const open = choices.filter((c) => c.why === null);
  const stillOpen = open.some((c) => String(c.operator.id) === chosen);
  const value = stillOpen ? chosen : open.length > 0 ? String(open[0].operator.id) : '';
  const blocked = choices.filter((c) => c.why === 'full' || c.why === 'inactive');
  const noteId = `${selectId}-note`;
  return (
    <form
      class="queue-actions"
      onSubmit={(event) => {
        event.preventDefault();
        if (value) onAssign(Number(value));
      }}
    >
      <label class="visually-hidden" for={selectId}>
        Operator for request #{requestId}
      </label>
      <select
        id={selectId}
        value={value}
        aria-describedby={blocked.length > 0 ? noteId : undefined}
        onChange={(event) => setChosen(event.currentTarget.value)}
      >
        {open.length === 0 && <option value="">No operator available</option>}
        {choices.map(({ operator: o, why }) => (
          <option key={o.id} value={String(o.id)} disabled={why !== null}>
            {o.name} ({o.current_load}/{o.max_load}){why ? ` · ${why}` : ''}
          </option>
        ))}
      </select>
      <button type="submit" disabled={!value || busy}>
        Assign
      </button>
      {blocked.length > 0 && (
        <p class="visually-hidden" id={noteId}>
          Unavailable:{' '}
          {blocked
            .map(({ operator: o, why }) =>
              why === 'full'
                ? `${o.name} is full (${o.current_load}/${o.max_load})`
                : `${o.name} is inactive`,
            )
            .join('; ')}
          .
        </p>
      )}
    </form>
  );
}
