import { useState } from 'react';
import type { LabView } from '../../../../electron/api/contract';
import { errorMessage } from '../../errors';
import { usePackExport } from '../../hooks/usePackExport';
import { defaultSelection, exportProblem } from '../../packs/exportFlow';
import { exportLine, percentWords } from '../../packs/packWords';
import { ModalDialog } from '../ModalDialog';
import { ProgressBar } from '../ProgressBar';

interface Props {
  labs: readonly LabView[];
  onClose(): void;
}

/**
 * Export labs into one lab pack: choose the labs, one progress bar with Cancel, then save the file. The
 * signing key's fingerprint is shown in full, for the instructor to hand to whoever imports the pack.
 * Mounted only while open, so every opening starts afresh.
 */
export function ExportPackDialog({ labs, onClose }: Props) {
  const job = usePackExport();
  const { state, signer } = job;
  const [chosen, setChosen] = useState<string[]>(() => defaultSelection(labs));
  const [saving, setSaving] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const running = state.kind === 'running';

  const close = (): void => (running ? job.cancel() : onClose());
  const toggle = (id: string, on: boolean): void => setChosen((c) => (on ? [...c.filter((x) => x !== id), id] : c.filter((x) => x !== id)));
  // In the order of the launcher, whatever order they were ticked in.
  const selected = labs.filter((l) => chosen.includes(l.id) && exportProblem(l) === null).map((l) => l.id);

  return (
    <ModalDialog
      open
      size="wide"
      title="Export lab pack"
      onCancel={close}
      actions={
        <>
          <button type="button" className="button" disabled={running && state.cancelling} onClick={close}>
            {state.kind === 'choosing' || running ? 'Cancel' : 'Close'}
          </button>
          {state.kind === 'choosing' && (
            <button type="button" className="button button-primary" disabled={selected.length === 0} onClick={() => void job.run(selected)}>
              Export
            </button>
          )}
          {state.kind === 'done' && (
            <button
              type="button"
              className="button button-primary"
              onClick={() => {
                setSaveError(null);
                job.save().then(
                  () => setSaving(state.result.fileName),
                  (err: unknown) => setSaveError(errorMessage(err)),
                );
              }}
            >
              Save {state.result.fileName}
            </button>
          )}
        </>
      }
    >
      {state.kind === 'choosing' && (
        <fieldset className="pack-choose">
          <legend>Labs to put in the pack</legend>
          {labs.length === 0 && <p>There are no labs to export.</p>}
          {labs.map((lab) => {
            const problem = exportProblem(lab);
            return (
              <label key={lab.id} className="pack-choice">
                <input
                  type="checkbox"
                  checked={problem === null && chosen.includes(lab.id)}
                  disabled={problem !== null}
                  onChange={(e) => toggle(lab.id, e.target.checked)}
                />
                <span>
                  <strong>{lab.title}</strong>
                  <span className="small"> · {problem ? `cannot be exported: ${problem}` : lab.image}</span>
                </span>
              </label>
            );
          })}
          <p className="small">
            The pack carries each lab’s image and the ClassLab helper images, its profile and its course materials, so it installs offline.
          </p>
        </fieldset>
      )}
      {running && (
        <div className="pack-progress">
          <p role="status">
            {state.cancelling ? 'Cancelling…' : (state.progress?.stage ?? 'Starting the export…')} {percentWords(state.progress?.fraction ?? null)}
          </p>
          <ProgressBar fraction={state.progress?.fraction ?? null} label="Export progress" />
        </div>
      )}
      {state.kind === 'done' && (
        <p role="status">
          <strong>{exportLine(state.result)}</strong>{' '}
          {saving ? `Saving ${saving}: your browser shows the download.` : 'Save it, then copy it to a USB stick or a shared folder.'}
        </p>
      )}
      {state.kind === 'failed' && (
        <p className="dialog-error" role="alert">
          {state.message}
        </p>
      )}
      {saveError && (
        <p className="dialog-error" role="alert">
          {saveError}
        </p>
      )}
      {state.kind === 'cancelled' && <p role="status">Export cancelled: no file was written.</p>}
      {state.kind !== 'cancelled' && state.kind !== 'failed' && (
        <div className="pack-signer">
          {signer ? (
            <>
              <p>
                {state.kind === 'done' ? 'Signed with' : 'Packs are signed with'} this computer’s key: <code className="fingerprint">{signer}</code>
              </p>
              <p className="small">Give this fingerprint to the students and hosts who import the pack, so they can check it came from you.</p>
            </>
          ) : (
            <p className="small">This computer has no signing key yet: the first export makes one, and shows its fingerprint here.</p>
          )}
        </div>
      )}
    </ModalDialog>
  );
}
