import { useCallback, useEffect, useMemo, useState } from 'react';
import type { FileEntry, LabView } from '../../../../electron/api/contract';
import { useApi, useReportError } from '../../context';
import { errorCode, errorMessage } from '../../errors';
import type { UploadItem } from '../../files/uploadItems';
import { baseName, isNotebook, joinPath, parentOf } from '../../files/format';
import { nextSort, sortEntries, type Sort } from '../../files/sort';
import { startDownload } from '../../files/transfer';
import { useAlerts } from '../../hooks/useAlerts';
import { useFolder } from '../../hooks/useFolder';
import { useNow } from '../../hooks/useNow';
import { useUpload } from '../../hooks/useUpload';
import { useOverlayOpen } from '../../overlays';
import { useWorkspaceChanges } from '../../workspaceChanges';
import { AlertList } from '../AlertList';
import { Breadcrumbs } from './Breadcrumbs';
import { ClashDialog } from './ClashDialog';
import { DiskMeter } from './DiskMeter';
import { DropZone } from './DropZone';
import { FileTable } from './FileTable';
import { MoveDialog } from './MoveDialog';
import { NameDialog } from './NameDialog';
import { PanelMessage, type Message } from './PanelMessage';
import { SelectionActions } from './SelectionActions';
import { TrashView } from './TrashView';
import { UploadButtons } from './UploadButtons';
import { UploadStatus } from './UploadStatus';
import { UrlImportDialog } from './UrlImportDialog';
import '../../files.css';

interface Props {
  id: string;
  lab: LabView;
  /** The workspace can be reached now (the lab runs, or is stopped and a helper serves it). */
  available: boolean;
  /** Opens a notebook in the Notebook tab; null while the lab is not ready. */
  onOpenNotebook: ((path: string) => void) | null;
}

type Dialog = { kind: 'mkdir' } | { kind: 'rename'; entry: FileEntry } | { kind: 'move'; entry: FileEntry } | { kind: 'url' } | null;

/** Errors the whole app handles (the engine is down, the connection is gone) are not the panel's. */
const appWide = (err: unknown): boolean => errorCode(err) === 'ENGINE_DOWN' || errorCode(err) === 'DISCONNECTED';

/**
 * The lab's workspace beside the notebook: browse, upload (picker or drop, whole folders too), download,
 * new folder, rename, move, delete to the trash and back, open a notebook, fetch one from a URL, and the
 * disk use. Works while the lab is stopped (a helper serves the files).
 */
export function FilesPanel({ id, lab, available, onOpenNotebook }: Props) {
  const api = useApi();
  const reportError = useReportError();
  const alerts = useAlerts();
  // The list changes with every alert; push itself stays the same function.
  const pushAlert = alerts.push;
  const [dir, setDir] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [sort, setSort] = useState<Sort>({ key: 'name', direction: 'ascending' });
  const [view, setView] = useState<'files' | 'trash'>('files');
  const [dialog, setDialog] = useState<Dialog>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [dropFolder, setDropFolder] = useState<string | null>(null);
  const [showHidden, setShowHidden] = useState(false);
  const dialogOpen = useOverlayOpen();
  const now = useNow(true, 30_000);

  const fail = useCallback(
    (err: unknown) => {
      if (appWide(err)) reportError(err);
      else pushAlert(err);
    },
    [pushAlert, reportError],
  );

  const folder = useFolder(lab.id, dir, available, view === 'files' && !dialogOpen);
  const { refresh } = folder;
  const upload = useUpload(lab.id, fail, () => void refresh());
  const listing = folder.listing?.path === dir ? folder.listing : null;
  const entries = useMemo(
    () =>
      sortEntries(
        (listing?.entries ?? []).filter((e) => showHidden || !e.name.startsWith('.')),
        sort,
      ),
    [listing, sort, showHidden],
  );
  const selectedEntry = entries.find((e) => e.name === selected) ?? null;

  // The folder shown was deleted or renamed elsewhere: go up to one that is there.
  const listError = folder.error;
  useEffect(() => {
    const code = errorCode(listError);
    if (dir !== '' && (code === 'NOT_FOUND' || code === 'PATH_INVALID')) setDir(parentOf(dir));
  }, [listError, dir]);

  // A course sync or a snapshot restore wrote into the workspace.
  useWorkspaceChanges(
    lab.id,
    useCallback(() => void refresh(), [refresh]),
  );

  // The lab started or stopped: what serves the files changed.
  useEffect(() => {
    void refresh();
  }, [lab.phase, refresh]);

  const go = (path: string): void => {
    setDir(path);
    setSelected(null);
  };

  const pathOf = (entry: FileEntry): string => joinPath(dir, entry.name);

  const open = (entry: FileEntry): void => {
    if (entry.kind === 'folder') return go(pathOf(entry));
    if (entry.kind === 'link')
      return setMessage({ text: `“${entry.name}” is a link made in the lab (to ${entry.linkTarget ?? 'somewhere unknown'}): it is shown, not followed.` });
    if (entry.kind !== 'file') return setMessage({ text: `“${entry.name}” is not a regular file.` });
    if (!isNotebook(entry.name)) return setMessage({ text: `Only notebooks open here: use Download to get “${entry.name}”.` });
    if (!onOpenNotebook) return setMessage({ text: 'Open the lab to edit this notebook.' });
    onOpenNotebook(pathOf(entry));
  };

  const download = (entry: FileEntry): void => {
    startDownload(api, lab.id, pathOf(entry)).then((fileName) => setMessage({ text: `Downloading “${fileName}”…` }), fail);
  };

  const remove = (entry: FileEntry): void => {
    const path = pathOf(entry);
    api.files
      .trash(lab.id, [path])
      .then(() => {
        setSelected(null);
        setMessage({
          text: `Moved “${entry.name}” to the trash.`,
          action: {
            label: 'Undo',
            run: () => {
              api.files
                .trashList(lab.id)
                .then((items) => {
                  const item = items.filter((i) => i.originalPath === path).sort((a, b) => b.deletedAtMs - a.deletedAtMs)[0];
                  if (!item) throw new Error(`“${entry.name}” is no longer in the trash.`);
                  return api.files.restore(lab.id, item.id);
                })
                .then((at) => {
                  setSelected(baseName(at));
                  setMessage({ text: `Restored “${baseName(at)}”.` });
                }, fail)
                .finally(() => void refresh());
            },
          },
        });
      }, fail)
      .finally(() => void refresh());
  };

  const startUpload = (items: UploadItem[], into: string): void => {
    setMessage(null);
    void upload.start(into, items);
  };

  const uploading = upload.state.kind === 'planning' || upload.state.kind === 'sending' || upload.state.kind === 'asking';
  const where = (name: string): string => (name ? `“${name}”` : 'the top folder');
  const folderTitle = dir ? baseName(dir) : 'Workspace';

  return (
    <aside id={id} className="files-panel" aria-label="Files">
      <DropZone
        disabled={!available || uploading || view !== 'files'}
        hint={(f) => `Drop to upload into ${where(f ? joinPath(dir, f) : dir)}`}
        onHover={setDropFolder}
        onDrop={(items, f) => {
          const into = f ? joinPath(dir, f) : dir;
          items.then((list) => startUpload(list, into), fail);
        }}
      >
        <div className="files-header">
          <h2 className="files-title">Files</h2>
          <div className="toolbar-spacer" />
          {view === 'files' && available && (
            <>
              <button type="button" className="button button-ghost button-small" onClick={() => setView('trash')}>
                Trash{listing && listing.trashCount > 0 ? ` (${listing.trashCount})` : ''}
              </button>
              <button type="button" className="button button-ghost button-small" disabled={folder.loading} onClick={() => void refresh()}>
                Refresh
              </button>
            </>
          )}
        </div>
        {listing?.viaHelper && <p className="files-note">Lab stopped — files still available</p>}
        <AlertList alerts={alerts.alerts} onDismiss={alerts.dismiss} />
        {!available ? (
          <p className="files-empty">
            {lab.phase === 'starting' || lab.phase === 'stopping'
              ? 'The files are shown again in a moment.'
              : 'The files are available once the lab has been opened.'}
          </p>
        ) : view === 'trash' ? (
          <TrashView
            labId={lab.id}
            now={now}
            onError={fail}
            onChanged={(text) => {
              setMessage({ text });
              void refresh();
            }}
            onBack={() => setView('files')}
          />
        ) : (
          <>
            <div role="toolbar" aria-label="File actions" className="files-actions">
              <UploadButtons disabled={uploading} onPick={(items) => startUpload(items, dir)} />
              <button type="button" className="button button-small" onClick={() => setDialog({ kind: 'mkdir' })}>
                New folder
              </button>
              <button type="button" className="button button-small" onClick={() => setDialog({ kind: 'url' })}>
                Open from URL…
              </button>
            </div>
            <div className="files-where">
              <Breadcrumbs path={dir} onNavigate={go} />
              <label className="files-hidden-toggle" title="Show names that start with a dot">
                <input type="checkbox" checked={showHidden} onChange={(e) => setShowHidden(e.target.checked)} />
                Hidden
              </label>
            </div>
            <UploadStatus state={upload.state} onCancel={upload.cancel} onDismiss={upload.dismiss} />
            <PanelMessage message={message} onDismiss={() => setMessage(null)} />
            {folder.error !== null && !appWide(folder.error) && (
              <p className="files-problem" role="alert">
                {errorMessage(folder.error)}
              </p>
            )}
            <div className="files-list">
              {/* Stays mounted while the next folder loads: the keyboard focus follows into it. */}
              <FileTable
                entries={entries}
                label={`Files in ${folderTitle}`}
                sort={sort}
                now={now}
                selected={selected}
                dropFolder={dropFolder}
                onSort={(key) => setSort((s) => nextSort(s, key))}
                onSelect={setSelected}
                onOpen={open}
                onDelete={remove}
                onRename={(entry) => setDialog({ kind: 'rename', entry })}
              />
              {listing === null && folder.error === null && (
                <p className="files-empty" role="status">
                  <span className="spinner spinner-small" aria-hidden="true" /> Loading…
                </p>
              )}
              {listing && entries.length === 0 && <p className="files-empty">This folder is empty. Drop files here to upload them.</p>}
            </div>
            <SelectionActions
              entry={selectedEntry}
              disabled={false}
              onDownload={() => selectedEntry && download(selectedEntry)}
              onRename={() => selectedEntry && setDialog({ kind: 'rename', entry: selectedEntry })}
              onMove={() => selectedEntry && setDialog({ kind: 'move', entry: selectedEntry })}
              onDelete={() => selectedEntry && remove(selectedEntry)}
            />
          </>
        )}
        <DiskMeter usage={listing?.usage ?? null} />
      </DropZone>

      <ClashDialog
        clashes={upload.state.kind === 'asking' ? upload.state.plan.clashes : null}
        dir={upload.state.kind === 'asking' ? upload.state.dir : dir}
        onChoose={(choice) => void upload.choose(choice)}
      />
      {dialog?.kind === 'mkdir' && (
        <NameDialog
          title="New folder"
          label={`Name of the new folder in ${where(dir)}`}
          submitLabel="Create"
          initial=""
          onClose={() => setDialog(null)}
          onSubmit={async (name) => {
            await api.files.mkdir(lab.id, joinPath(dir, name));
            setSelected(name);
            await refresh();
          }}
        />
      )}
      {dialog?.kind === 'rename' && (
        <NameDialog
          title={`Rename “${dialog.entry.name}”`}
          label="New name"
          submitLabel="Rename"
          initial={dialog.entry.name}
          onClose={() => setDialog(null)}
          onSubmit={async (name) => {
            await api.files.move(lab.id, pathOf(dialog.entry), joinPath(dir, name));
            setSelected(name);
            await refresh();
          }}
        />
      )}
      {dialog?.kind === 'move' && (
        <MoveDialog
          name={dialog.entry.name}
          from={dir}
          suggestions={[
            '',
            ...(dir ? [parentOf(dir)] : []),
            ...entries.filter((e) => e.kind === 'folder' && e.name !== dialog.entry.name).map((e) => joinPath(dir, e.name)),
          ].filter((v, i, all) => all.indexOf(v) === i)}
          onClose={() => setDialog(null)}
          onMove={async (dest) => {
            await api.files.move(lab.id, pathOf(dialog.entry), joinPath(dest, dialog.entry.name));
            setSelected(null);
            setMessage({ text: `Moved “${dialog.entry.name}” to ${where(dest)}.` });
            await refresh();
          }}
        />
      )}
      {dialog?.kind === 'url' && (
        <UrlImportDialog
          dir={dir}
          onClose={() => setDialog(null)}
          onOpen={onOpenNotebook}
          onImport={async (url) => {
            const result = await api.files.importUrl(lab.id, dir, url);
            setSelected(baseName(result.path));
            await refresh();
            return result;
          }}
        />
      )}
    </aside>
  );
}
