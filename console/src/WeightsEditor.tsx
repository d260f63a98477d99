import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import type {
  OperatorResponseDto,
  SimulationResponseDto,
  SourceResponseDto,
  SourceWeightResponseDto,
} from './api-types';
import { Dialog } from './Dialog';
import { percent } from './format';

interface Props {
  source: SourceResponseDto;
  operators: OperatorResponseDto[];
  onClose(): void;
  onSaved(message: string): void;
  onError(error: unknown): void;
}

const PREVIEW_REQUESTS = 1000;

type Draft = Record<number, string>;

function proposal(draft: Draft): { weights: { operator_id: number; weight: number }[] } | string {
  const weights: { operator_id: number; weight: number }[] = [];
  for (const [id, text] of Object.entries(draft)) {
    if (text.trim() === '') continue;
    const weight = Number(text);
    if (!Number.isInteger(weight) || weight < 0 || weight > 1000000) {
      return 'Each weight is a whole number from 0 to 1000000 (blank: not configured).';
    }
    weights.push({ operator_id: Number(id), weight });
  }
  return { weights };
}

/** Per-operator weights of one source, with the simulator's preview before saving. */
export function WeightsEditor({ source, operators, onClose, onSaved, onError }: Props) {
  const [draft, setDraft] = useState<Draft | null>(null);
  const [preview, setPreview] = useState<SimulationResponseDto | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    api<SourceWeightResponseDto[]>('GET', `/sources/${source.id}/weights`).then(
      (weights) => {
        const initial: Draft = {};
        for (const operator of operators) initial[operator.id] = '';
        for (const w of weights) initial[w.operator_id] = String(w.weight);
        setDraft(initial);
      },
      (error: unknown) => {
        onError(error);
        onClose();
      },
    );
  }, [source.id]);

  const parsed = draft ? proposal(draft) : null;

  useEffect(() => {
    if (!parsed) return;
    if (typeof parsed === 'string') {
      setProblem(parsed);
      setPreview(null);
      return;
    }
    let cancelled = false;
    const timer = window.setTimeout(() => {
      api<SimulationResponseDto>('POST', `/sources/${source.id}/simulate`, {
        requests: PREVIEW_REQUESTS,
        weights: parsed.weights,
        // Shares by weight: the question is "who gets what", not "who has room right now".
        capacity: 'ignore',
      }).then(
        (result) => {
          if (cancelled) return;
          setPreview(result);
          setProblem(null);
        },
        (error: unknown) => {
          if (cancelled) return;
          setPreview(null);
          setProblem(error instanceof Error ? error.message : String(error));
        },
      );
    }, 250);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [JSON.stringify(parsed)]);

  const save = async () => {
    if (!parsed || typeof parsed === 'string') return;
    setSaving(true);
    try {
      await api('POST', `/sources/${source.id}/weights`, parsed.weights);
      onSaved(`Weights of ${source.name} saved.`);
      onClose();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog title={`Weights: ${source.name}`} onClose={onClose}>
      {!draft ? (
        <p>Loading…</p>
      ) : (
        <form
          class="weights"
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <p class="hint">
            Blank: the operator is not configured for this source. 0: configured, never chosen.
          </p>
          <div class="weights-grid">
            {operators.map((operator) => (
              <div class="field" key={operator.id}>
                <label for={`weight-${operator.id}`}>{operator.name}</label>
                <input
                  id={`weight-${operator.id}`}
                  type="number"
                  min={0}
                  max={1000000}
                  step={1}
                  inputMode="numeric"
                  value={draft[operator.id] ?? ''}
                  onInput={(event) =>
                    setDraft({ ...draft, [operator.id]: event.currentTarget.value })
                  }
                />
              </div>
            ))}
          </div>
          <section aria-labelledby="preview-title" class="preview">
            <h3 id="preview-title">Preview: share of new requests</h3>
            <p class="hint">
              By weight, as if everyone had room ({PREVIEW_REQUESTS} simulated requests with the
              source’s strategy). Who is full now is noted below.
            </p>
            <div role="status">
              {problem && <p class="error-text">{problem}</p>}
              {!problem && !preview && <p>Simulating…</p>}
              {!problem && preview && <PreviewTable preview={preview} />}
            </div>
          </section>
          <div class="dialog-actions">
            <button type="submit" disabled={saving || typeof parsed === 'string'}>
              Save
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function PreviewTable({ preview }: { preview: SimulationResponseDto }) {
  const configured = preview.operators.filter((o) => o.weight > 0);
  const notes = configured.flatMap((o) =>
    o.reason === 'at_capacity'
      ? [
          `${o.operator_name} is full now (${o.current_load}/${o.max_load}): new requests wait or go to others.`,
        ]
      : o.reason === 'inactive'
        ? [`${o.operator_name} is inactive: gets nothing until switched on.`]
        : [],
  );
  if (preview.assigned === 0) {
    notes.unshift('Nobody active has a weight above 0: every new request would wait.');
  }
  const total = preview.operators.reduce((sum, o) => sum + o.share, 0);
  return (
    <>
      <table aria-label="Preview">
        <thead>
          <tr>
            <th scope="col">Operator</th>
            <th scope="col">Weight</th>
            <th scope="col">Share</th>
          </tr>
        </thead>
        <tbody>
          {preview.operators.map((o) => (
            <tr key={o.operator_id}>
              <th scope="row">{o.operator_name}</th>
              <td>{o.weight}</td>
              <td>{percent(o.share)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td />
            <td>{percent(total)}</td>
          </tr>
        </tfoot>
      </table>
      {notes.length > 0 && (
        <div class="capacity-notes">
          <h4 id="capacity-title">Capacity now</h4>
          <ul aria-labelledby="capacity-title">
            {notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
