import type { OperatorResponseDto } from './api-types';
import { moment } from './format';
import { OperatorSkills } from './OperatorSkills';
import { TableCard } from './TableCard';

interface Props {
  operators: OperatorResponseDto[];
  now: number;
  onToggle(operator: OperatorResponseDto, active: boolean): void;
  onRelease(operator: OperatorResponseDto): void;
  onAdd(): void;
  onEdit(operator: OperatorResponseDto): void;
  /** Lists the operator's active requests (the search, filtered). */
  onShowRequests(operator: OperatorResponseDto): void;
  /** Replaces the operator's skills; rejects with the service's error. */
  onSaveSkills(operator: OperatorResponseDto, skills: string[]): Promise<void>;
  explain(error: unknown): string;
}

/** "Available", "Away: lunch", "Offline". */
export function presenceText(operator: OperatorResponseDto): string {
  const word = operator.presence.charAt(0).toUpperCase() + operator.presence.slice(1);
  return operator.presence_reason ? `${word}: ${operator.presence_reason}` : word;
}

/** "On shift", "On shift until 18:00", "Off shift until Mon 09:00". */
function shiftText(operator: OperatorResponseDto, now: number): string {
  const state = operator.on_shift ? 'On shift' : 'Off shift';
  return operator.next_shift_change_at
    ? `${state} until ${moment(operator.next_shift_change_at, now)}`
    : state;
}

export function Operators({
  operators,
  now,
  onToggle,
  onRelease,
  onAdd,
  onEdit,
  onShowRequests,
  onSaveSkills,
  explain,
}: Props) {
  return (
    <TableCard
      id="operators"
      title="Operators"
      columns={['Name', 'Load', 'Presence', 'Shift', 'Skills', 'Active', null]}
      empty={operators.length === 0 ? 'No operators yet.' : null}
      toolbar={
        <button type="button" class="secondary" onClick={onAdd}>
          Add operator
        </button>
      }
    >
      {operators.map((operator) => (
        <tr key={operator.id}>
          <th scope="row">{operator.name}</th>
          <td>
            <div class="load">
              <meter
                min={0}
                max={Math.max(operator.max_load, 1)}
                high={Math.max(operator.max_load, 1) * 0.8}
                value={operator.current_load}
                aria-label={`Load of ${operator.name}`}
              />
              <span class="load-text" data-testid="load">
                {operator.current_load} / {operator.max_load}
              </span>
            </div>
            {operator.offered_load > 0 && (
              <span class="meta" data-testid="offered">
                {operator.offered_load} offered
              </span>
            )}
          </td>
          <td data-testid="presence">
            <span class={`presence presence-${operator.presence}`}>{presenceText(operator)}</span>
          </td>
          <td data-testid="shift" class={operator.on_shift ? undefined : 'off-shift'}>
            {shiftText(operator, now)}
          </td>
          <td>
            <OperatorSkills operator={operator} onSave={onSaveSkills} explain={explain} />
          </td>
          <td>
            <label class="switch">
              <input
                type="checkbox"
                role="switch"
                checked={operator.is_active}
                aria-label={`${operator.name} active`}
                onChange={(event) => onToggle(operator, event.currentTarget.checked)}
              />
              <span aria-hidden="true">{operator.is_active ? 'On' : 'Off'}</span>
            </label>
          </td>
          <td class="row-actions">
            <button
              type="button"
              class="secondary"
              aria-label={`Active requests of ${operator.name}`}
              onClick={() => onShowRequests(operator)}
            >
              Requests
            </button>
            <button
              type="button"
              class="secondary"
              aria-label={`Edit operator ${operator.name}`}
              onClick={() => onEdit(operator)}
            >
              Edit
            </button>
            {!operator.is_active && operator.current_load > 0 && (
              <button type="button" onClick={() => onRelease(operator)}>
                Release
              </button>
            )}
          </td>
        </tr>
      ))}
    </TableCard>
  );
}
