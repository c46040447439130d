import { useConfirmed } from '../../host/useConfirmed';
import { ConfirmDialog } from '../ConfirmDialog';

interface Props {
  title: string;
  disabled: boolean;
  onDelete(): Promise<void>;
}

/** "Delete" with a confirmation that says a backup is made first, and what goes. */
export function DeleteLabButton({ title, disabled, onDelete }: Props) {
  const deletion = useConfirmed(onDelete);
  return (
    <>
      <button type="button" className="button" disabled={disabled || deletion.running} onClick={deletion.ask} aria-label={`Delete ${title}`}>
        {deletion.running ? 'Deleting…' : 'Delete'}
      </button>
      <ConfirmDialog
        open={deletion.asking}
        title={`Delete ${title}?`}
        confirmLabel="Back up, then delete"
        danger
        onCancel={deletion.cancel}
        onConfirm={deletion.confirm}
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
