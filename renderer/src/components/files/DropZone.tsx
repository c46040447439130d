import { useState, type DragEvent, type ReactNode } from 'react';
import { dragHasFiles, itemsFromDrop } from '../../files/collect';
import type { UploadItem } from '../../files/uploadItems';

interface Props {
  children: ReactNode;
  /** What the highlight says ("Drop to upload into data"), given the folder row under the pointer (or null). */
  hint(folder: string | null): string;
  disabled: boolean;
  /** The folder row a drag is over (rows carry data-drop-folder), or null for the folder shown. */
  onHover(folder: string | null): void;
  onDrop(items: Promise<UploadItem[]>, folder: string | null): void;
}

const folderUnder = (e: DragEvent): string | null =>
  (e.target instanceof Element ? e.target.closest('[data-drop-folder]')?.getAttribute('data-drop-folder') : null) ?? null;

/** Where files and whole folders can be dropped from the desktop, with a visible highlight while dragging. */
export function DropZone({ children, hint, disabled, onHover, onDrop }: Props) {
  const [over, setOver] = useState<{ folder: string | null } | null>(null);
  const accept = (e: DragEvent): boolean => {
    if (disabled || !dragHasFiles(e.dataTransfer)) return false;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    return true;
  };
  const track = (e: DragEvent): void => {
    if (!accept(e)) return;
    const folder = folderUnder(e);
    if (over?.folder !== folder || over === null) {
      setOver({ folder });
      onHover(folder);
    }
  };
  const leave = (): void => {
    setOver(null);
    onHover(null);
  };
  return (
    <div
      className={`files-drop${over ? ' files-drop-active' : ''}`}
      onDragEnter={track}
      onDragOver={track}
      onDragLeave={(e) => {
        if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) leave();
      }}
      onDrop={(e) => {
        if (!accept(e)) return;
        const folder = folderUnder(e);
        leave();
        onDrop(itemsFromDrop(e.dataTransfer), folder);
      }}
    >
      {children}
      {over && (
        <div className="files-drop-hint" aria-hidden="true">
          {hint(over.folder)}
        </div>
      )}
    </div>
  );
}
