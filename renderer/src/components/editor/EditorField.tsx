import type { ReactNode } from 'react';
import type { Field, FieldErrors } from '../../editor/profileForm';

/** The id, invalid state and description of a field's control: its label, its hint or its errors. */
export function fieldProps(name: Field, errors: FieldErrors) {
  const invalid = Boolean(errors[name]?.length);
  return { id: `editor-${name}`, 'aria-invalid': invalid, 'aria-describedby': `editor-${name}-msg` };
}

interface Props {
  name: Field;
  label: string;
  errors: FieldErrors;
  hint?: ReactNode;
  children: ReactNode;
}

/** A labelled control with, beside it, the schema's checks of what was typed (or the hint while there are none). */
export function EditorField({ name, label, errors, hint, children }: Props) {
  const messages = errors[name] ?? [];
  return (
    <div className={messages.length ? 'editor-field editor-field-invalid' : 'editor-field'}>
      <label htmlFor={`editor-${name}`}>{label}</label>
      {children}
      <div id={`editor-${name}-msg`} className="field-hint" aria-live="polite">
        {messages.length ? (
          <ul className="editor-errors">
            {messages.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        ) : (
          hint
        )}
      </div>
    </div>
  );
}
