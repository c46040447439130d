import type { FileEntry } from '../../../../electron/api/contract';
import { isNotebook } from '../../files/format';

type Glyph = 'folder' | 'notebook' | 'file' | 'link' | 'other';

// Drawn, not emoji: lab PCs need not have an emoji font.
const PATHS: Record<Glyph, string> = {
  folder: 'M1.5 3.5h4.2l1.5 1.6h7.3v7.9H1.5z',
  file: 'M3.5 1.5h6l3 3v10h-9zM9.5 1.5v3h3',
  notebook: 'M3.5 1.5h6l3 3v10h-9zM9.5 1.5v3h3M5.5 8h5M5.5 10.5h5M5.5 13h3',
  link: 'M6.8 9.2l2.4-2.4M5.6 7.6L4 9.2a2.3 2.3 0 0 0 3.2 3.2l1.6-1.6M10.4 8.4L12 6.8a2.3 2.3 0 0 0-3.2-3.2L7.2 5.2',
  other: 'M8 2.5l5.5 5.5L8 13.5 2.5 8z',
};

/** A small drawn glyph for a folder, a notebook, a file, a link or something else; hidden from screen readers. */
export function FileIcon({ entry }: { entry: Pick<FileEntry, 'kind' | 'name'> }) {
  const glyph: Glyph = entry.kind === 'file' && isNotebook(entry.name) ? 'notebook' : entry.kind;
  return (
    <svg className={`file-icon file-icon-${glyph}`} viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      <path d={PATHS[glyph]} />
    </svg>
  );
}
