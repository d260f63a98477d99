import type {
  ComponentChildren,
  InputHTMLAttributes,
  SelectHTMLAttributes,
  TextareaHTMLAttributes,
} from 'preact';

/** What every field of an entity form states: its control's id, its label and its hint. */
interface FieldProps {
  /** The control's id, which the label points at; the hint's id is `${id}-hint`. */
  id: string;
  label: string;
  /** Shown under the control, and read with it (aria-describedby). */
  hint?: ComponentChildren;
}

/** The control's own attributes, beyond what the field sets (id, value, its handler). */
type ControlAttributes<Attributes> = Omit<
  Attributes,
  'id' | 'label' | 'value' | 'onInput' | 'onChange' | 'aria-describedby'
>;

interface ValueProps {
  value: string;
  onValue(value: string): void;
}

const hintId = (id: string) => `${id}-hint`;

/** The attributes that tie a control to its field: its id, and its hint when there is one. */
function controlOf(id: string, hint: ComponentChildren | undefined) {
  return hint === undefined ? { id } : { id, 'aria-describedby': hintId(id) };
}

function Field({ id, label, hint, children }: FieldProps & { children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
      {hint !== undefined && (
        <p class="hint" id={hintId(id)}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** A labelled text input; extra attributes (required, maxLength, placeholder …) go to it. */
export function TextField({
  id,
  label,
  hint,
  value,
  onValue,
  ...input
}: FieldProps & ValueProps & ControlAttributes<InputHTMLAttributes<HTMLInputElement>>) {
  return (
    <Field id={id} label={label} hint={hint}>
      <input
        {...controlOf(id, hint)}
        {...input}
        value={value}
        onInput={(event) => onValue(event.currentTarget.value)}
      />
    </Field>
  );
}

/**
 * A labelled whole-number input, kept as typed: the form, or the service, judges it and says
 * which field it refuses.
 */
export function NumberField(props: Parameters<typeof TextField>[0]) {
  return <TextField type="number" step={1} inputMode="numeric" {...props} />;
}

/** A labelled multi-line text input. */
export function TextAreaField({
  id,
  label,
  hint,
  value,
  onValue,
  ...textarea
}: FieldProps & ValueProps & ControlAttributes<TextareaHTMLAttributes<HTMLTextAreaElement>>) {
  return (
    <Field id={id} label={label} hint={hint}>
      <textarea
        {...controlOf(id, hint)}
        {...textarea}
        value={value}
        onInput={(event) => onValue(event.currentTarget.value)}
      />
    </Field>
  );
}

/** A labelled select of the `<option>`s given as children. */
export function SelectField<Value extends string>({
  id,
  label,
  hint,
  value,
  onValue,
  children,
  ...select
}: FieldProps & {
  value: Value;
  /** The chosen option's value, which is one of the options given. */
  onValue(value: NoInfer<Value>): void;
  children: ComponentChildren;
} & ControlAttributes<SelectHTMLAttributes<HTMLSelectElement>>) {
  return (
    <Field id={id} label={label} hint={hint}>
      <select
        {...controlOf(id, hint)}
        {...select}
        value={value}
        onChange={(event) => onValue(event.currentTarget.value as Value)}
      >
        {children}
      </select>
    </Field>
  );
}

/** A checkbox with its words beside it. */
export function CheckField({
  label,
  checked,
  onValue,
}: {
  label: string;
  checked: boolean;
  onValue(checked: boolean): void;
}) {
  return (
    <label class="check">
      <input
        type="checkbox"
        checked={checked}
        onChange={(event) => onValue(event.currentTarget.checked)}
      />{' '}
      {label}
    </label>
  );
}

/** The end of an entity form: why the last save failed (the service's words), and Save. */
export function FormEnd({ problem, saving }: { problem: string | null; saving: boolean }) {
  return (
    <>
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
    </>
  );
}
