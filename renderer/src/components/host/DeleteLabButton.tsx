import { useState } from 'react';
import { ConfirmDialog } from '../ConfirmDialog';

interface Props {
  title: string;
  disabled: boolean;
  onDelete(): Promise<void>;
}

/** "Delete" with a confirmation that says a backup is made first, and what goes. */
export function DeleteLabButton({ title, disabled, onDelete }: Props) {
  const [asking, setAsking] = useState(false);
  const [deleting, setDeleting] = useState(false);
  return (
    <>
      <button type="button" className="button" disabled={disabled || deleting} onClick={() => setAsking(true)} aria-label={`Delete ${title}`}>
        {deleting ? 'Deleting…' : 'Delete'}
      </button>
      <ConfirmDialog
        open={asking}
        title={`Delete ${title}?`}
        confirmLabel="Back up, then delete"
        danger
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false);
          setDeleting(true);
          void onDelete().finally(() => setDeleting(false));
        }}
      >
        <p>
          The lab's workspace is <strong>backed up first</strong> (and the backup checked); then its container and its workspace with every file are deleted.
          The lab stays in the catalog and starts fresh next time.
        </p>
        <p>A backup can be restored into a lab later (classlab restore).</p>
      </ConfirmDialog>
    </>
  );
}
