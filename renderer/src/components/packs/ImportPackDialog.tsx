import { useId } from 'react';
import type { PackImport } from '../../hooks/usePackImport';
import { importRunning, uploadFraction } from '../../packs/importFlow';
import { canImport, importOutcome, percentWords, signerWords, whereImported } from '../../packs/packWords';
import { formatBytes } from '../../../../electron/api/units';
import { ModalDialog } from '../ModalDialog';
import { ProgressBar } from '../ProgressBar';
import { PackSummaryView } from './PackSummaryView';
import { SignerBlock } from './SignerBlock';

/**
 * The import of one lab pack, screen by screen: the upload, what the pack holds and who signed it (with the
 * trust question), one progress bar while it imports, and what it changed. Errors stay in the dialog.
 * The first button keeps its place on every screen (Cancel, then Close), so the focus stays on it.
 */
export function ImportPackDialog({ job }: { job: PackImport }) {
  const { state } = job;
  const blockedId = useId();
  const running = importRunning(state);
  // Cancel stops the step that runs; once nothing runs, it closes (and discards a pack not imported).
  const dismiss = (): void => {
    if (state.kind === 'uploading' || state.kind === 'importing') job.cancel();
    else job.close();
  };
  const summary = state.kind === 'summary' || state.kind === 'importing' || state.kind === 'done' || state.kind === 'failed' ? state.summary : null;
  const cancelling = state.kind === 'importing' && state.cancelling;

  return (
    <ModalDialog
      open={state.kind !== 'idle'}
      size="wide"
      title="Import lab pack"
      onCancel={dismiss}
      actions={
        <>
          <button type="button" className="button" disabled={cancelling} onClick={dismiss}>
            {running || state.kind === 'summary' ? 'Cancel' : 'Close'}
          </button>
          {state.kind === 'summary' && (
            <button
              type="button"
              className="button button-primary"
              disabled={!canImport(state.summary, state.trustAnswered)}
              aria-describedby={canImport(state.summary, state.trustAnswered) ? undefined : blockedId}
              onClick={() => void job.importNow()}
            >
              {signerWords(state.summary.signer).kind === 'untrusted' ? 'Trust and import' : 'Import'}
            </button>
          )}
        </>
      }
    >
      {state.kind === 'refused' && (
        <p className="dialog-error" role="alert">
          {state.problem}
        </p>
      )}
      {state.kind === 'uploading' && (
        <div className="pack-progress">
          <p role="status">
            Reading {state.fileName}: {formatBytes(state.sent)} of {formatBytes(state.total)} · {percentWords(uploadFraction(state.sent, state.total))}
          </p>
          <ProgressBar fraction={uploadFraction(state.sent, state.total)} label="Reading the lab pack" />
        </div>
      )}
      {state.kind === 'inspecting' && (
        <p className="dialog-busy" role="status">
          <span className="spinner spinner-small" aria-hidden="true" /> Reading what {state.fileName} holds…
        </p>
      )}
      {summary && <PackSummaryView summary={summary} />}
      {(state.kind === 'summary' || state.kind === 'failed') && summary && (
        <SignerBlock
          signer={summary.signer}
          trustAnswered={state.kind === 'summary' && state.trustAnswered}
          onTrustAnswered={job.setTrustAnswered}
          ask={state.kind === 'summary'}
        />
      )}
      {state.kind === 'summary' && !canImport(state.summary, state.trustAnswered) && (
        <p id={blockedId} className="field-hint">
          Answer the question above to import.
        </p>
      )}
      {state.kind === 'importing' && (
        <div className="pack-progress">
          <p role="status">
            {cancelling ? 'Cancelling…' : (state.progress?.stage ?? 'Checking the pack…')} {percentWords(state.progress?.fraction ?? null)}
          </p>
          <ProgressBar fraction={state.progress?.fraction ?? null} label="Import progress" />
        </div>
      )}
      {state.kind === 'done' && (
        <div className="pack-done" role="status">
          <p>
            <strong>{state.result.unchanged ? 'Already installed.' : 'Imported.'}</strong>
          </p>
          {importOutcome(state.summary, state.result).map((line) => (
            <p key={line}>{line}</p>
          ))}
          <p>{whereImported(state.result)}</p>
        </div>
      )}
      {state.kind === 'failed' && !summary && <p>{state.fileName} was not imported.</p>}
      {state.kind === 'failed' && (
        // The code (PACK_INVALID, PACK_UNTRUSTED, …) for whoever reads the page's structure; the words are the core's.
        <p className="dialog-error" role="alert" data-code={state.code ?? undefined}>
          {state.message}
        </p>
      )}
      {state.kind === 'cancelled' && (
        <p role="status">
          {state.during === 'upload'
            ? 'Cancelled: the pack was not read, and nothing on this computer changed.'
            : 'Import cancelled: nothing on this computer changed.'}
        </p>
      )}
    </ModalDialog>
  );
}
