import { useState } from 'preact/hooks';
import { api } from './api';
import type { SourceResponseDto, StrategyResponseDto } from './api-types';
import { Dialog } from './Dialog';
import {
  CheckField,
  FormEnd,
  NumberField,
  SelectField,
  TextAreaField,
  TextField,
} from './FormFields';
import { parseSkills, skillsText } from './skills';

interface Props {
  /** The source to edit, or null to create one. */
  source: SourceResponseDto | null;
  strategies: StrategyResponseDto[];
  onClose(): void;
  onSaved(message: string): void;
  explain(error: unknown): string;
}

/**
 * A whole number as typed, for the service to judge (it names the field when it refuses one);
 * empty: `empty`.
 */
function wholeNumber<T>(text: string, empty: T): number | T {
  return text.trim() === '' ? empty : Number(text);
}

/** Create a source, or change its name, description, strategy, stickiness and routing. */
export function SourceForm({ source, strategies, onClose, onSaved, explain }: Props) {
  const [name, setName] = useState(source?.name ?? '');
  const [description, setDescription] = useState(source?.description ?? '');
  const [strategy, setStrategy] = useState(source?.strategy ?? '');
  const [sticky, setSticky] = useState(source?.sticky ?? false);
  const [requiredSkills, setRequiredSkills] = useState(skillsText(source?.required_skills ?? []));
  const [fallback, setFallback] = useState(String(source?.skill_fallback_seconds ?? ''));
  const [priority, setPriority] = useState(String(source?.default_priority ?? 0));
  const [aging, setAging] = useState(String(source?.priority_aging_per_minute ?? 0));
  const [assignment, setAssignment] = useState(source?.assignment ?? 'direct');
  const [offerTimeout, setOfferTimeout] = useState(String(source?.offer_timeout_seconds ?? 60));
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const chosen = strategies.find((s) => s.name === strategy);

  const save = async () => {
    setSaving(true);
    const body = {
      name: name.trim(),
      description: description.trim() === '' ? null : description.trim(),
      strategy: strategy === '' ? null : strategy,
      sticky,
      required_skills: parseSkills(requiredSkills),
      skill_fallback_seconds: wholeNumber(fallback, null),
      default_priority: wholeNumber(priority, 0),
      priority_aging_per_minute: wholeNumber(aging, 0),
      assignment,
      offer_timeout_seconds: wholeNumber(offerTimeout, 60),
    };
    try {
      if (source) {
        await api('PATCH', `/sources/${source.id}`, body);
        onSaved(`Source ${body.name} saved.`);
      } else {
        await api('POST', '/sources', body);
        onSaved(`Source ${body.name} added.`);
      }
      onClose();
    } catch (error) {
      setProblem(explain(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog title={source ? `Edit source: ${source.name}` : 'Add source'} onClose={onClose}>
      <form
        class="entity-form"
        // The service checks every field and says which one it refuses, in its own words.
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <TextField
          id="source-name"
          label="Name"
          required
          maxLength={200}
          value={name}
          onValue={setName}
        />
        <TextAreaField
          id="source-description"
          label="Description"
          maxLength={2000}
          rows={2}
          value={description}
          onValue={setDescription}
        />
        <SelectField
          id="source-strategy"
          label="Strategy"
          hint={chosen ? chosen.description : 'The DISTRIBUTION_STRATEGY the service runs with.'}
          value={strategy}
          onValue={setStrategy}
        >
          <option value="">Service default</option>
          {strategies.map((s) => (
            <option key={s.name} value={s.name}>
              {s.name}
            </option>
          ))}
        </SelectField>
        <CheckField
          label="Sticky (a returning customer goes back to the same operator when possible)"
          checked={sticky}
          onValue={setSticky}
        />
        <fieldset class="routing">
          <legend>Routing</legend>
          <TextField
            id="source-required-skills"
            label="Required skills"
            hint="Separated by commas. Its requests go to operators who have them all."
            placeholder="de, billing"
            value={requiredSkills}
            onValue={setRequiredSkills}
          />
          <NumberField
            id="source-skill-fallback"
            label="Skill fallback (seconds)"
            hint="A request still waiting this long may go to anyone. Empty: never."
            min={1}
            max={604800}
            value={fallback}
            onValue={setFallback}
          />
          <NumberField
            id="source-default-priority"
            label="Default priority"
            hint="0 to 100, higher first: for requests that give none."
            min={0}
            max={100}
            value={priority}
            onValue={setPriority}
          />
          <NumberField
            id="source-priority-aging"
            label="Priority aging per minute"
            hint="Priority a waiting request gains each minute (up to 100), so nothing waits forever."
            min={0}
            max={100}
            value={aging}
            onValue={setAging}
          />
          <SelectField
            id="source-assignment"
            label="Assignment"
            hint="An offer that is declined or runs out goes to the next operator."
            value={assignment}
            onValue={setAssignment}
          >
            <option value="direct">Direct: the chosen operator gets it</option>
            <option value="offer">Offer: the chosen operator accepts or declines</option>
          </SelectField>
          <NumberField
            id="source-offer-timeout"
            label="Offer timeout (seconds)"
            hint="5 to 86400: how long an operator has to accept an offer."
            min={5}
            max={86400}
            disabled={assignment !== 'offer'}
            value={offerTimeout}
            onValue={setOfferTimeout}
          />
        </fieldset>
        <FormEnd problem={problem} saving={saving} />
      </form>
    </Dialog>
  );
}
