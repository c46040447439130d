import { useId, type ReactNode } from 'react';
import { useModalDialog } from '../../hooks/useModalDialog';

interface Props {
  open: boolean;
  title: string;
  children: ReactNode;
  submitLabel: string;
  /** Set while the submitted work runs: the buttons wait, a spinner shows. */
  busy?: string | null;
  /** Why the last submit failed (shown verbatim), or null. */
  error?: string | null;
  submitDisabled?: boolean;
  onSubmit(): void;
  onCancel(): void;
}

/** A modal form (a name, a folder, an address): Enter submits, Escape cancels, errors stay in the dialog. */
export function FormDialog({ open, title, children, submitLabel, busy = null, error = null, submitDisabled = false, onSubmit, onCancel }: Props) {
  const ref = useModalDialog(open);
  const titleId = useId();
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onCancel();
      }}
    >
      {open && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!busy && !submitDisabled) onSubmit();
          }}
        >
          <h2 id={titleId}>{title}</h2>
          <div className="dialog-body">{children}</div>
          {busy && (
            <p className="dialog-busy" role="status">
              <span className="spinner spinner-small" aria-hidden="true" /> {busy}
            </p>
          )}
          {error && (
            <p className="dialog-error" role="alert">
              {error}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" className="button" disabled={!!busy} onClick={onCancel}>
              Cancel
            </button>
            <button type="submit" className="button button-primary" disabled={!!busy || submitDisabled}>
              {submitLabel}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
