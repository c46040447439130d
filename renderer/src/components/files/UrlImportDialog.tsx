import { useId, useState } from 'react';
import type { UrlImport } from '../../../../electron/api/contract';
import { errorMessage } from '../../errors';
import { baseName } from '../../files/format';
import { FormDialog } from './FormDialog';

interface Props {
  /** The folder it is saved into, for the words ('' is the top). */
  dir: string;
  onImport(url: string): Promise<UrlImport>;
  /** Opens the imported notebook, or null when the lab is not ready. */
  onOpen: ((path: string) => void) | null;
  onClose(): void;
}

function urlProblem(text: string): string | null {
  try {
    const u = new URL(text.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? null : 'Only http:// and https:// addresses can be opened.';
  } catch {
    return 'Type a whole address, starting with https://';
  }
}

/** "Open from URL…": fetches a notebook into the folder shown; then offers to open it. Mount it to open it. */
export function UrlImportDialog({ dir, onImport, onOpen, onClose }: Props) {
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<UrlImport | null>(null);
  const fieldId = useId();
  const hintId = useId();
  const problem = urlProblem(url);

  if (done) {
    const name = baseName(done.path);
    return (
      <FormDialog
        open
        title="Notebook saved"
        submitLabel={onOpen ? 'Open it' : 'Done'}
        onCancel={onClose}
        onSubmit={() => {
          onOpen?.(done.path);
          onClose();
        }}
      >
        <p role="status">
          Saved as <strong>{name}</strong> in {dir ? `“${dir}”` : 'the top folder'}.
        </p>
        {!onOpen && <p>Open the lab to edit this notebook.</p>}
      </FormDialog>
    );
  }

  return (
    <FormDialog
      open
      title="Open a notebook from a URL"
      submitLabel="Fetch"
      busy={busy ? 'Fetching the notebook…' : null}
      error={error}
      submitDisabled={problem !== null}
      onCancel={onClose}
      onSubmit={() => {
        setBusy(true);
        setError(null);
        onImport(url.trim()).then(
          (result) => {
            setBusy(false);
            setDone(result);
          },
          (err: unknown) => {
            setBusy(false);
            setError(errorMessage(err));
          },
        );
      }}
    >
      <label htmlFor={fieldId}>Address of a notebook (.ipynb)</label>
      <input
        id={fieldId}
        className="text-field"
        type="url"
        inputMode="url"
        placeholder="https://example.org/lesson.ipynb"
        value={url}
        autoFocus
        spellCheck={false}
        aria-describedby={hintId}
        onChange={(e) => {
          setUrl(e.target.value);
          setError(null);
        }}
      />
      <p id={hintId} className="field-hint">
        {url && problem ? problem : `It is saved into ${dir ? `“${dir}”` : 'the top folder'} of the workspace.`}
      </p>
    </FormDialog>
  );
}
