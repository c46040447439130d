import { useState } from 'react';
import type { LabView, ProfileDeleteResult, ProfileEntry } from '../../../../electron/api/contract';
import { useAdminLock, useApi } from '../../context';
import { errorMessage } from '../../errors';
import { FormDialog } from '../files/FormDialog';
import { ModalDialog } from '../ModalDialog';

interface Props {
  lab: LabView;
  entry: ProfileEntry;
  onEdit(id: string): void;
}

/** The editor's actions on a lab's card (admin area open): Edit, Duplicate, and Delete for a lab saved in the editor. */
export function LabEditActions({ lab, entry, onEdit }: Props) {
  const [dialog, setDialog] = useState<'duplicate' | 'delete' | null>(null);
  return (
    <>
      <button type="button" className="button" onClick={() => onEdit(lab.id)} aria-label={`Edit ${lab.title}`}>
        Edit
      </button>
      <button type="button" className="button" onClick={() => setDialog('duplicate')} aria-label={`Duplicate ${lab.title}`}>
        Duplicate
      </button>
      {entry.origin === 'saved' && (
        <button type="button" className="button button-danger" onClick={() => setDialog('delete')} aria-label={`Delete ${lab.title}`}>
          Delete
        </button>
      )}
      {dialog === 'duplicate' && <DuplicateDialog lab={lab} onClose={() => setDialog(null)} onDone={onEdit} />}
      {dialog === 'delete' && <DeleteDialog lab={lab} entry={entry} onClose={() => setDialog(null)} />}
    </>
  );
}

function DuplicateDialog({ lab, onClose, onDone }: { lab: LabView; onClose(): void; onDone(id: string): void }) {
  const api = useApi();
  const { asAdmin } = useAdminLock();
  const [id, setId] = useState(`${lab.id}-copy`.slice(0, 40));
  const [title, setTitle] = useState(`${lab.title} (copy)`.slice(0, 80));
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setBusy('Saving the copy…');
    setError(null);
    try {
      const saved = await asAdmin('Duplicating a lab', () => api.profiles.duplicate(lab.id, id.trim(), title.trim()));
      if (saved) {
        onClose();
        onDone(saved.id);
      }
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };
  return (
    <FormDialog open title={`Duplicate ${lab.title}`} submitLabel="Duplicate" busy={busy} error={error} onSubmit={() => void submit()} onCancel={onClose}>
      <label htmlFor="duplicate-id">Id of the copy</label>
      <input id="duplicate-id" className="text-field" value={id} spellCheck={false} autoFocus onChange={(e) => setId(e.target.value)} />
      <label htmlFor="duplicate-title">Title of the copy</label>
      <input id="duplicate-title" className="text-field" value={title} onChange={(e) => setTitle(e.target.value)} />
      <p className="small">The copy has a workspace of its own; the editor opens on it.</p>
    </FormDialog>
  );
}

function DeleteDialog({ lab, entry, onClose }: { lab: LabView; entry: ProfileEntry; onClose(): void }) {
  const api = useApi();
  const { asAdmin } = useAdminLock();
  const [withWorkspace, setWithWorkspace] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<ProfileDeleteResult | null>(null);
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await asAdmin('Deleting a lab', () => api.profiles.delete(lab.id, { deleteWorkspace: withWorkspace }));
      if (result) setDone(result);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <ModalDialog
      open
      title={done ? `${lab.title} was deleted` : `Delete ${lab.title}?`}
      onCancel={() => !busy && onClose()}
      actions={
        done ? (
          <button type="button" className="button button-primary" onClick={onClose}>
            Close
          </button>
        ) : (
          <>
            <button type="button" className="button" disabled={busy} onClick={onClose}>
              Cancel
            </button>
            <button type="button" className="button button-danger" disabled={busy} onClick={() => void remove()}>
              {busy ? (withWorkspace ? 'Backing up and deleting…' : 'Deleting…') : withWorkspace ? 'Back up and delete' : 'Delete lab'}
            </button>
          </>
        )
      }
    >
      {done ? (
        <>
          <p>{done.workspaceDeleted ? 'Its workspace was deleted after a backup that was read back and checked.' : 'Its workspace was kept.'}</p>
          {done.backup && (
            <p>
              Backup: <code>{done.backup.file}</code> (restore it from the host console).
            </p>
          )}
          {done.restored && <p>The {done.restored} lab of the same id is back in the launcher.</p>}
        </>
      ) : (
        <>
          <p>The lab leaves the launcher{entry.replaces ? ` and the ${entry.replaces} lab it replaced comes back` : ''}. A running lab is stopped first.</p>
          <label className="editor-check">
            <input type="checkbox" checked={withWorkspace} disabled={busy} onChange={(e) => setWithWorkspace(e.target.checked)} /> Also delete its workspace
            (the students&apos; files). A backup is made and checked first.
          </label>
          {!withWorkspace && <p className="small">The workspace is kept: saving a lab with the id {lab.id} again finds the files.</p>}
          {error && (
            <p className="dialog-error" role="alert">
              {error}
            </p>
          )}
        </>
      )}
    </ModalDialog>
  );
}
