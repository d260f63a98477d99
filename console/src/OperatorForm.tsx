import { useState } from 'preact/hooks';
import { api } from './api';
import { type OperatorResponseDto, type Presence, PRESENCES } from './api-types';
import { Dialog } from './Dialog';
import { draftOf, ScheduleEditor, scheduleOf, scheduleWords } from './ScheduleEditor';
import { parseSkills, skillsText } from './skills';

interface Props {
  /** The operator to edit, or null to create one. */
  operator: OperatorResponseDto | null;
  onClose(): void;
  onSaved(message: string): void;
  explain(error: unknown): string;
}

/**
 * Create an operator, or change its name, max load, skills, schedule, whether it is active and
 * its presence (the person's own switch, which a lead may set on their behalf).
 */
export function OperatorForm({ operator, onClose, onSaved, explain }: Props) {
  const [name, setName] = useState(operator?.name ?? '');
  const [maxLoad, setMaxLoad] = useState(String(operator?.max_load ?? 10));
  const [active, setActive] = useState(operator?.is_active ?? true);
  const [skills, setSkills] = useState(skillsText(operator?.skills ?? []));
  const [presence, setPresence] = useState<Presence>(operator?.presence ?? 'available');
  const [reason, setReason] = useState(operator?.presence_reason ?? '');
  const [schedule, setSchedule] = useState(() => draftOf(operator?.schedule ?? null));
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
      schedule: scheduleOf(schedule),
    };
    const presenceBody = {
      presence,
      reason: presence === 'available' || reason.trim() === '' ? null : reason.trim(),
    };
    const presenceChanged =
      presenceBody.presence !== (operator?.presence ?? 'available') ||
      presenceBody.reason !== (operator?.presence_reason ?? null);
    try {
      // Presence has its own route (it withdraws offers, drains the queue): after the fields.
      const saved = operator
        ? await api<OperatorResponseDto>('PATCH', `/operators/${operator.id}`, body)
        : await api<OperatorResponseDto>('POST', '/operators', body);
      if (presenceChanged) await api('PUT', `/operators/${saved.id}/presence`, presenceBody);
      onSaved(operator ? `Operator ${body.name} saved.` : `Operator ${body.name} added.`);
      onClose();
    } catch (error) {
      setProblem(scheduleWords(explain(error)));
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
        <div class="field">
          <label for="operator-presence">Presence</label>
          <select
            id="operator-presence"
            value={presence}
            aria-describedby="operator-presence-hint"
            onChange={(event) => setPresence(event.currentTarget.value as Presence)}
          >
            {PRESENCES.map((p) => (
              <option key={p} value={p}>
                {p.charAt(0).toUpperCase() + p.slice(1)}
              </option>
            ))}
          </select>
          <p class="hint" id="operator-presence-hint">
            The person’s own switch: only available operators get new work. Away or offline keeps
            their requests and withdraws their offers.
          </p>
        </div>
        {presence !== 'available' && (
          <div class="field">
            <label for="operator-presence-reason">Reason</label>
            <input
              id="operator-presence-reason"
              maxLength={200}
              placeholder="lunch"
              value={reason}
              onInput={(event) => setReason(event.currentTarget.value)}
            />
          </div>
        )}
        <ScheduleEditor draft={schedule} onChange={setSchedule} />
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
