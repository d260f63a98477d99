import { useState } from 'preact/hooks';
import { api } from './api';
import { type OperatorResponseDto, type Presence, PRESENCES } from './api-types';
import { Dialog } from './Dialog';
import { CheckField, FormEnd, NumberField, SelectField, TextField } from './FormFields';
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
        <TextField
          id="operator-name"
          label="Name"
          required
          maxLength={200}
          value={name}
          onValue={setName}
        />
        <NumberField
          id="operator-max-load"
          label="Max load"
          hint="Most active requests at once. Lowering it below the current load keeps the work."
          min={0}
          max={100000}
          value={maxLoad}
          onValue={setMaxLoad}
        />
        <TextField
          id="operator-skills"
          label="Skills"
          hint={
            'Separated by commas: lowercase letters, digits, "_", "." and "-". A request that ' +
            'needs skills goes to someone who has them all.'
          }
          placeholder="de, billing"
          value={skills}
          onValue={setSkills}
        />
        <SelectField
          id="operator-presence"
          label="Presence"
          hint={
            'The person’s own switch: only available operators get new work. Away or offline ' +
            'keeps their requests and withdraws their offers.'
          }
          value={presence}
          onValue={setPresence}
        >
          {PRESENCES.map((p) => (
            <option key={p} value={p}>
              {p.charAt(0).toUpperCase() + p.slice(1)}
            </option>
          ))}
        </SelectField>
        {presence !== 'available' && (
          <TextField
            id="operator-presence-reason"
            label="Reason"
            maxLength={200}
            placeholder="lunch"
            value={reason}
            onValue={setReason}
          />
        )}
        <ScheduleEditor draft={schedule} onChange={setSchedule} />
        <CheckField label="Active (gets new requests)" checked={active} onValue={setActive} />
        <FormEnd problem={problem} saving={saving} />
      </form>
    </Dialog>
  );
}
