import { useState } from 'preact/hooks';
import { api } from './api';
import type { OperatorResponseDto } from './api-types';
import { Dialog } from './Dialog';
import { parseSkills, skillsText } from './skills';

interface Props {
  /** The operator to edit, or null to create one. */
  operator: OperatorResponseDto | null;
  onClose(): void;
  onSaved(message: string): void;
  explain(error: unknown): string;
}

/** Create an operator, or change its name, max load, skills and whether it is active. */
export function OperatorForm({ operator, onClose, onSaved, explain }: Props) {
  const [name, setName] = useState(operator?.name ?? '');
  const [maxLoad, setMaxLoad] = useState(String(operator?.max_load ?? 10));
  const [active, setActive] = useState(operator?.is_active ?? true);
  const [skills, setSkills] = useState(skillsText(operator?.skills ?? []));
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const save = async () => {
    const load = Number(maxLoad);
    if (maxLoad.trim() === '' || !Number.isInteger(load) || load < 0 || load > 100000) {
      setProblem('Max load is a whole number from 0 to 100000.');
      return;
    }
    setSaving(true);
    const body = {
      name: name.trim(),
      max_load: load,
      is_active: active,
      skills: parseSkills(skills),
    };
    try {
      if (operator) {
        await api('PATCH', `/operators/${operator.id}`, body);
        onSaved(`Operator ${body.name} saved.`);
      } else {
        await api('POST', '/operators', body);
        onSaved(`Operator ${body.name} added.`);
      }
      onClose();
    } catch (error) {
      setProblem(explain(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog title={operator ? `Edit operator: ${operator.name}` : 'Add operator'} onClose={onClose}>
      <form
        class="entity-form"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <div class="field">
          <label for="operator-name">Name</label>
          <input
            id="operator-name"
            required
            maxLength={200}
            value={name}
            onInput={(event) => setName(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="operator-max-load">Max load</label>
          <input
            id="operator-max-load"
            type="number"
            min={0}
            max={100000}
            step={1}
            inputMode="numeric"
            aria-describedby="operator-max-load-hint"
            value={maxLoad}
            onInput={(event) => setMaxLoad(event.currentTarget.value)}
          />
          <p class="hint" id="operator-max-load-hint">
            Most active requests at once. Lowering it below the current load keeps the work.
          </p>
        </div>
        <div class="field">
          <label for="operator-skills">Skills</label>
          <input
            id="operator-skills"
            placeholder="de, billing"
            aria-describedby="operator-skills-hint"
            value={skills}
            onInput={(event) => setSkills(event.currentTarget.value)}
          />
          <p class="hint" id="operator-skills-hint">
            Separated by commas: lowercase letters, digits, "_", "." and "-". A request that needs
            skills goes to someone who has them all.
          </p>
        </div>
        <label class="check">
          <input
            type="checkbox"
            checked={active}
            onChange={(event) => setActive(event.currentTarget.checked)}
          />{' '}
          Active (gets new requests)
        </label>
        {problem && (
          <p class="error-text" role="alert">
            {problem}
          </p>
        )}
        <div class="dialog-actions">
          <button type="submit" disabled={saving}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
