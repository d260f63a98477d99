import { useEffect, useRef, useState } from 'preact/hooks';
import type { OperatorResponseDto } from './api-types';
import { parseSkills, skillsText } from './skills';

interface Props {
  operator: OperatorResponseDto;
  /** Replaces the operator's skills; rejects with the service's error. */
  onSave(operator: OperatorResponseDto, skills: string[]): Promise<void>;
  explain(error: unknown): string;
}

/** An operator's skills in the Operators table, edited in place. */
export function OperatorSkills({ operator, onSave, explain }: Props) {
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  /** Focus follows the control that replaced the one it was on. */
  const focusNext = useRef<'input' | 'button' | null>(null);
  const base = `operator-${operator.id}-skills`;

  useEffect(() => {
    if (focusNext.current === 'input') input.current?.focus();
    if (focusNext.current === 'button') editButton.current?.focus();
    focusNext.current = null;
  }, [draft === null]);

  const open = () => {
    focusNext.current = 'input';
    setProblem(null);
    setDraft(skillsText(operator.skills));
  };
  const close = () => {
    focusNext.current = 'button';
    setProblem(null);
    setDraft(null);
  };
  const save = async () => {
    if (draft === null) return;
    setSaving(true);
    try {
      await onSave(operator, parseSkills(draft));
      close();
    } catch (error) {
      setProblem(explain(error));
      input.current?.focus();
    } finally {
      setSaving(false);
    }
  };

  if (draft === null) {
    return (
      <div class="skills-cell">
        {operator.skills.length === 0 ? (
          <span class="meta">none</span>
        ) : (
          <ul class="skills" aria-label={`Skills of ${operator.name}`}>
            {operator.skills.map((skill) => (
              <li key={skill} class="skill">
                {skill}
              </li>
            ))}
          </ul>
        )}
        <button
          ref={editButton}
          type="button"
          class="link"
          aria-label={`Edit skills of ${operator.name}`}
          onClick={open}
        >
          Edit
        </button>
      </div>
    );
  }

  return (
    <form
      class="skills-form"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <label class="visually-hidden" for={`${base}-input`}>
        Skills of {operator.name}
      </label>
      <input
        ref={input}
        id={`${base}-input`}
        value={draft}
        placeholder="de, billing"
        aria-describedby={problem ? `${base}-problem` : `${base}-hint`}
        aria-invalid={problem ? true : undefined}
        onInput={(event) => setDraft(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            close();
          }
        }}
      />
      <span class="visually-hidden" id={`${base}-hint`}>
        Skill names separated by commas; empty for none.
      </span>
      <div class="skills-buttons">
        <button type="submit" disabled={saving}>
          Save
        </button>
        <button type="button" class="secondary" onClick={close}>
          Cancel
        </button>
      </div>
      {problem && (
        <p class="error-text" role="alert" id={`${base}-problem`}>
          {problem}
        </p>
      )}
    </form>
  );
}
