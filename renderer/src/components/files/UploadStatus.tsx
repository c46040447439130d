import type { UploadState } from '../../hooks/useUpload';
import { formatBytes } from '../../files/format';
import { ProgressBar } from '../ProgressBar';

interface Props {
  state: UploadState;
  onCancel(): void;
  onDismiss(): void;
}

const list = (names: string[]): string => (names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`);

/** One bar for the whole upload (bytes and files) with Cancel; then what it wrote, renamed and skipped. */
export function UploadStatus({ state, onCancel, onDismiss }: Props) {
  if (state.kind === 'planning') {
    return (
      <div className="files-upload" role="status">
        <span className="spinner spinner-small" aria-hidden="true" /> Preparing the upload of {state.count} {state.count === 1 ? 'item' : 'items'}…
      </div>
    );
  }
  if (state.kind === 'sending') {
    const p = state.progress;
    const fraction = p.totalBytes > 0 ? p.bytes / p.totalBytes : p.totalFiles > 0 ? p.files / p.totalFiles : 1;
    const percent = Math.round(fraction * 100);
    return (
      <div className="files-upload">
        <div className="files-upload-line">
          <span className="files-upload-text" role="status">
            Uploading: {formatBytes(p.bytes)} of {formatBytes(p.totalBytes)} · {p.files} of {p.totalFiles} {p.totalFiles === 1 ? 'file' : 'files'} · {percent}%
          </span>
          <button type="button" className="button button-small" onClick={onCancel}>
            Cancel
          </button>
        </div>
        <ProgressBar fraction={fraction} label="Upload progress" />
      </div>
    );
  }
  if (state.kind === 'cancelled') {
    return (
      <div className="files-upload" role="status">
        <div className="files-upload-line">
          <p className="files-upload-text">Upload cancelled; nothing of it was kept.</p>
          <button type="button" className="icon-button icon-button-small" aria-label="Dismiss" title="Dismiss" onClick={onDismiss}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
      </div>
    );
  }
  if (state.kind === 'done') {
    const r = state.result;
    return (
      <div className="files-upload files-upload-done" role="status">
        <div className="files-upload-line">
          <p className="files-upload-text">
            Uploaded {r.files} {r.files === 1 ? 'file' : 'files'} ({formatBytes(r.bytes)}).
          </p>
          <button type="button" className="icon-button icon-button-small" aria-label="Dismiss" title="Dismiss" onClick={onDismiss}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
        <ul className="files-upload-summary">
          {r.written.length > 0 && <li>Written: {list(r.written)}</li>}
          {r.renamed.length > 0 && <li>Kept both: {list(r.renamed.map(([was, now]) => `${was} → ${now}`))}</li>}
          {r.replaced.length > 0 && <li>Replaced (old ones in the trash): {list(r.replaced)}</li>}
          {r.skipped.length > 0 && <li>Skipped: {list(r.skipped)}</li>}
        </ul>
      </div>
    );
  }
  return null;
}
