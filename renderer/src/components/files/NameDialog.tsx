import { useId, useState } from 'react';
import { errorMessage } from '../../errors';
import { nameProblem } from '../../files/format';
import { FormDialog } from './FormDialog';

interface Props {
  title: string;
  label: string;
  submitLabel: string;
  initial: string;
  /** Does the work; a rejection is shown in the dialog, which stays open. */
  onSubmit(name: string): Promise<void>;
  onClose(): void;
}

/** Asks for one file or folder name (new folder, rename), checked as it is typed. Mount it to open it. */
export function NameDialog({ title, label, submitLabel, initial, onSubmit, onClose }: Props) {
  const [name, setName] = useState(initial);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fieldId = useId();
  const hintId = useId();
  const problem = nameProblem(name);
  const unchanged = name === initial && initial !== '';
  return (
    <FormDialog
      open
      title={title}
      submitLabel={submitLabel}
      busy={busy ? 'Working…' : null}
      error={error}
      submitDisabled={problem !== null || unchanged}
      onCancel={onClose}
      onSubmit={() => {
        setBusy(true);
        setError(null);
        onSubmit(name).then(onClose, (err: unknown) => {
          setBusy(false);
          setError(errorMessage(err));
        });
      }}
    >
      <label htmlFor={fieldId}>{label}</label>
      <input
        id={fieldId}
        className="text-field"
        value={name}
        autoFocus
        spellCheck={false}
        aria-invalid={touched && problem !== null}
        aria-describedby={hintId}
        onFocus={(e) => {
          // Select the name without its extension, as file managers do.
          const dot = e.currentTarget.value.lastIndexOf('.');
          e.currentTarget.setSelectionRange(0, dot > 0 ? dot : e.currentTarget.value.length);
        }}
        onChange={(e) => {
          setName(e.target.value);
          setTouched(true);
          setError(null);
        }}
      />
      <p id={hintId} className="field-hint">
        {touched && problem ? problem : ' '}
      </p>
    </FormDialog>
  );
}
