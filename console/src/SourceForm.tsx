import { useState } from 'preact/hooks';
import { api } from './api';
import type { SourceResponseDto, StrategyResponseDto } from './api-types';
import { Dialog } from './Dialog';
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
        <div class="field">
          <label for="source-name">Name</label>
          <input
            id="source-name"
            required
            maxLength={200}
            value={name}
            onInput={(event) => setName(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="source-description">Description</label>
          <textarea
            id="source-description"
            maxLength={2000}
            rows={2}
            value={description}
            onInput={(event) => setDescription(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="source-strategy">Strategy</label>
          <select
            id="source-strategy"
            value={strategy}
            aria-describedby="source-strategy-hint"
            onChange={(event) => setStrategy(event.currentTarget.value)}
          >
            <option value="">Service default</option>
            {strategies.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
          <p class="hint" id="source-strategy-hint">
            {chosen ? chosen.description : 'The DISTRIBUTION_STRATEGY the service runs with.'}
          </p>
        </div>
        <label class="check">
          <input
            type="checkbox"
            checked={sticky}
            onChange={(event) => setSticky(event.currentTarget.checked)}
          />{' '}
          Sticky (a returning customer goes back to the same operator when possible)
        </label>
        <fieldset class="routing">
          <legend>Routing</legend>
          <div class="field">
            <label for="source-required-skills">Required skills</label>
            <input
              id="source-required-skills"
              placeholder="de, billing"
              aria-describedby="source-required-skills-hint"
              value={requiredSkills}
              onInput={(event) => setRequiredSkills(event.currentTarget.value)}
            />
            <p class="hint" id="source-required-skills-hint">
              Separated by commas. Its requests go to operators who have them all.
            </p>
          </div>
          <div class="field">
            <label for="source-skill-fallback">Skill fallback (seconds)</label>
            <input
              id="source-skill-fallback"
              type="number"
              min={1}
              max={604800}
              step={1}
              inputMode="numeric"
              aria-describedby="source-skill-fallback-hint"
              value={fallback}
              onInput={(event) => setFallback(event.currentTarget.value)}
            />
            <p class="hint" id="source-skill-fallback-hint">
              A request still waiting this long may go to anyone. Empty: never.
            </p>
          </div>
          <div class="field">
            <label for="source-default-priority">Default priority</label>
            <input
              id="source-default-priority"
              type="number"
              min={0}
              max={100}
              step={1}
              inputMode="numeric"
              aria-describedby="source-default-priority-hint"
              value={priority}
              onInput={(event) => setPriority(event.currentTarget.value)}
            />
            <p class="hint" id="source-default-priority-hint">
              0 to 100, higher first: for requests that give none.
            </p>
          </div>
          <div class="field">
            <label for="source-priority-aging">Priority aging per minute</label>
            <input
              id="source-priority-aging"
              type="number"
              min={0}
              max={100}
              step={1}
              inputMode="numeric"
              aria-describedby="source-priority-aging-hint"
              value={aging}
              onInput={(event) => setAging(event.currentTarget.value)}
            />
            <p class="hint" id="source-priority-aging-hint">
              Priority a waiting request gains each minute (up to 100), so nothing waits forever.
            </p>
          </div>
          <div class="field">
            <label for="source-assignment">Assignment</label>
            <select
              id="source-assignment"
              value={assignment}
              aria-describedby="source-assignment-hint"
              onChange={(event) =>
                setAssignment(event.currentTarget.value as SourceResponseDto['assignment'])
              }
            >
              <option value="direct">Direct: the chosen operator gets it</option>
              <option value="offer">Offer: the chosen operator accepts or declines</option>
            </select>
            <p class="hint" id="source-assignment-hint">
              An offer that is declined or runs out goes to the next operator.
            </p>
          </div>
          <div class="field">
            <label for="source-offer-timeout">Offer timeout (seconds)</label>
            <input
              id="source-offer-timeout"
              type="number"
              min={5}
              max={86400}
              step={1}
              inputMode="numeric"
              aria-describedby="source-offer-timeout-hint"
              disabled={assignment !== 'offer'}
              value={offerTimeout}
              onInput={(event) => setOfferTimeout(event.currentTarget.value)}
            />
            <p class="hint" id="source-offer-timeout-hint">
              5 to 86400: how long an operator has to accept an offer.
            </p>
          </div>
        </fieldset>
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
