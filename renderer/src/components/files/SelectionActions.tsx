import type { FileEntry } from '../../../../electron/api/contract';

interface Props {
  entry: FileEntry | null;
  disabled: boolean;
  onDownload(): void;
  onRename(): void;
  onMove(): void;
  onDelete(): void;
}

/** What can be done with the selected file or folder (opening is a double-click or Enter on its row). */
export function SelectionActions({ entry, disabled, onDownload, onRename, onMove, onDelete }: Props) {
  const off = disabled || entry === null;
  const name = entry ? `“${entry.name}”` : 'the selected item';
  return (
    <div role="toolbar" aria-label="Selected item" className="files-actions">
      <button
        type="button"
        className="button button-small"
        disabled={off || (entry?.kind !== 'file' && entry?.kind !== 'folder')}
        title={entry?.kind === 'folder' ? `Download ${name} as a zip` : `Download ${name}`}
        onClick={onDownload}
      >
        Download
      </button>
      <button type="button" className="button button-small" disabled={off} title={`Rename ${name} (F2)`} onClick={onRename}>
        Rename
      </button>
      <button type="button" className="button button-small" disabled={off} title={`Move ${name} to another folder`} onClick={onMove}>
        Move
      </button>
      <button type="button" className="button button-small" disabled={off} title={`Move ${name} to the trash (Delete)`} onClick={onDelete}>
        Delete
      </button>
    </div>
  );
}
