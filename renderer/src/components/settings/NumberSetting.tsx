import { useEffect, useId, useState, type FormEvent } from 'react';

interface Props {
  label: string;
  value: number;
  min: number;
  max: number;
  unit: string;
  saving: boolean;
  error: string | undefined;
  onSave(value: number): Promise<boolean>;
}

/** A whole number with its range, saved with its own button (Enter saves too); the core checks it again. */
export function NumberSetting({ label, value, min, max, unit, saving, error, onSave }: Props) {
  const id = useId();
  const [text, setText] = useState(String(value));
  useEffect(() => setText(String(value)), [value]);
  const n = Number(text);
  const problem = text.trim() === '' || !Number.isInteger(n) ? 'A whole number.' : n < min || n > max ? `From ${min} to ${max}.` : null;
  const shown = problem ?? error ?? null;
  const submit = (ev: FormEvent): void => {
    ev.preventDefault();
    if (!problem && n !== value) void onSave(n);
  };
  return (
    <form className="settings-number" onSubmit={submit}>
      <label htmlFor={id}>{label}</label>
      <span className="settings-number-field">
        <input
          id={id}
          className="text-field"
          type="number"
          inputMode="numeric"
          min={min}
          max={max}
          step={1}
          value={text}
          aria-invalid={shown ? true : undefined}
          aria-describedby={`${id}-hint`}
          onChange={(ev) => setText(ev.target.value)}
        />
        <span className="muted">{unit}</span>
        <button type="submit" className="button" aria-label={`Save: ${label}`} disabled={saving || problem !== null || n === value}>
          Save
        </button>
      </span>
      <span id={`${id}-hint`} className={`field-hint ${shown ? 'settings-problem' : 'muted'}`} role={error ? 'alert' : undefined}>
        {shown ?? `${min}–${max} ${unit}`}
      </span>
    </form>
  );
}
