import { useId, useState } from 'react';
import { errorMessage } from '../../errors';
import { folderPathProblem, normalizeFolderPath } from '../../files/format';
import { FormDialog } from './FormDialog';

interface Props {
  name: string;
  /** The folder it is in now. */
  from: string;
  /** Folders to suggest (the top, the parent, the folders beside it). */
  suggestions: string[];
  onMove(destination: string): Promise<void>;
  onClose(): void;
}

/** Where to move a file or folder: a folder path in the workspace ('' or '/' is the top). Mount it to open it. */
export function MoveDialog({ name, from, suggestions, onMove, onClose }: Props) {
  const [dest, setDest] = useState(from ? `/${from}` : '/');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fieldId = useId();
  const listId = useId();
  const hintId = useId();
  const problem = folderPathProblem(dest);
  const same = normalizeFolderPath(dest) === from;
  return (
    <FormDialog
      open
      title={`Move “${name}”`}
      submitLabel="Move"
      busy={busy ? 'Moving…' : null}
      error={error}
      submitDisabled={problem !== null || same}
      onCancel={onClose}
      onSubmit={() => {
        setBusy(true);
        setError(null);
        onMove(normalizeFolderPath(dest)).then(onClose, (err: unknown) => {
          setBusy(false);
          setError(errorMessage(err));
        });
      }}
    >
      <label htmlFor={fieldId}>Destination folder</label>
      <input
        id={fieldId}
        className="text-field"
        value={dest}
        list={listId}
        autoFocus
        spellCheck={false}
        aria-describedby={hintId}
        aria-invalid={problem !== null}
        onChange={(e) => {
          setDest(e.target.value);
          setError(null);
        }}
      />
      <datalist id={listId}>
        {suggestions.map((s) => (
          <option key={s} value={`/${s}`} />
        ))}
      </datalist>
      <p id={hintId} className="field-hint">
        {problem ?? (same ? 'It is already in that folder.' : '“/” is the top of the workspace; the folder must exist.')}
      </p>
    </FormDialog>
  );
}
