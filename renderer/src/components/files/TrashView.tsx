import { useCallback, useEffect, useState } from 'react';
import type { TrashEntry } from '../../../../electron/api/contract';
import { useApi } from '../../context';
import { formatBytes, formatFullTime, formatWhen } from '../../files/format';
import { ConfirmDialog } from '../ConfirmDialog';
import { FileIcon } from './FileIcon';

interface Props {
  labId: string;
  now: number;
  onError(err: unknown): void;
  /** After a restore or emptying: the listing (and its trash count) changed. */
  onChanged(message: string): void;
  onBack(): void;
}

/** What was deleted: restore an item where it was, or empty the trash for good (after asking). */
export function TrashView({ labId, now, onError, onChanged, onBack }: Props) {
  const api = useApi();
  const [items, setItems] = useState<TrashEntry[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);

  const load = useCallback(async () => {
    try {
      const list = await api.files.trashList(labId);
      setItems([...list].sort((a, b) => b.deletedAtMs - a.deletedAtMs));
    } catch (err) {
      onError(err);
    }
  }, [api, labId, onError]);

  useEffect(() => {
    void load();
  }, [load]);

  const act = async (work: () => Promise<string>): Promise<void> => {
    setBusy(true);
    try {
      onChanged(await work());
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
      await load();
    }
  };

  const restore = (item: TrashEntry) =>
    act(async () => {
      const at = await api.files.restore(labId, item.id);
      return at === item.originalPath ? `Restored “${item.name}”.` : `Restored “${item.name}” as “${at}” (the name was taken).`;
    });

  return (
    <section className="trash-view" aria-label="Trash">
      <div className="trash-header">
        <button type="button" className="button button-ghost button-small" onClick={onBack}>
          <span aria-hidden="true">←</span> Back to files
        </button>
        <div className="toolbar-spacer" />
        <button type="button" className="button button-small" disabled={busy || !items || items.length === 0} onClick={() => setAsking(true)}>
          Empty trash
        </button>
      </div>
      {items === null ? (
        <p className="files-empty" role="status">
          <span className="spinner spinner-small" aria-hidden="true" /> Loading the trash…
        </p>
      ) : items.length === 0 ? (
        <p className="files-empty">The trash is empty.</p>
      ) : (
        <ul className="trash-list" aria-label="Items in the trash">
          {items.map((item) => (
            <li key={item.id} className="trash-item">
              <FileIcon entry={item} />
              <div className="trash-item-text">
                <span className="file-name-text" title={item.originalPath}>
                  {item.name}
                </span>
                <span className="muted small" title={formatFullTime(item.deletedAtMs)}>
                  {formatBytes(item.size)} · deleted {formatWhen(item.deletedAtMs, now)} · from /{item.originalPath}
                </span>
              </div>
              <button type="button" className="button button-small" disabled={busy} aria-label={`Restore ${item.name}`} onClick={() => void restore(item)}>
                Restore
              </button>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={asking}
        title="Empty the trash?"
        confirmLabel="Empty trash"
        danger
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false);
          void act(async () => {
            await api.files.emptyTrash(labId);
            return 'The trash was emptied.';
          });
        }}
      >
        <p>
          {items?.length ?? 0} {items?.length === 1 ? 'item is' : 'items are'} deleted for good. <strong>This cannot be undone.</strong>
        </p>
      </ConfirmDialog>
    </section>
  );
}
