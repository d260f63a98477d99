import { useState } from 'preact/hooks';
import { api } from './api';
import type { SourceResponseDto, StrategyResponseDto } from './api-types';
import { Dialog } from './Dialog';

interface Props {
  /** The source to edit, or null to create one. */
  source: SourceResponseDto | null;
  strategies: StrategyResponseDto[];
  onClose(): void;
  onSaved(message: string): void;
  explain(error: unknown): string;
}

/** Create a source, or change its name, description, strategy and stickiness. */
export function SourceForm({ source, strategies, onClose, onSaved, explain }: Props) {
  const [name, setName] = useState(source?.name ?? '');
  const [description, setDescription] = useState(source?.description ?? '');
  const [strategy, setStrategy] = useState(source?.strategy ?? '');
  const [sticky, setSticky] = useState(source?.sticky ?? false);
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
