import type { FileEntry } from '../../../../electron/api/contract';
import { isNotebook } from '../../files/format';

/** A small glyph for a folder, a notebook, a file, a link or something else; hidden from screen readers. */
export function FileIcon({ entry }: { entry: FileEntry }) {
  const glyph =
    entry.kind === 'folder' ? '📁' : entry.kind === 'link' ? '🔗' : entry.kind === 'other' ? '◇' : isNotebook(entry.name) ? '📓' : '📄';
  return (
    <span className={`file-icon file-icon-${entry.kind}`} aria-hidden="true">
      {glyph}
    </span>
  );
}
