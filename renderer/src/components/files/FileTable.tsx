import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { FileEntry } from '../../../../electron/api/contract';
import { formatBytes, formatFullTime, formatWhen } from '../../files/format';
import { type Sort, type SortKey } from '../../files/sort';
import { FileIcon } from './FileIcon';

interface Props {
  /** Already sorted. */
  entries: FileEntry[];
  label: string;
  sort: Sort;
  now: number;
  selected: string | null;
  /** The folder row a drag is over, highlighted as the drop target. */
  dropFolder: string | null;
  onSort(key: SortKey): void;
  onSelect(name: string | null): void;
  onOpen(entry: FileEntry): void;
  onDelete(entry: FileEntry): void;
  onRename(entry: FileEntry): void;
}

const COLUMNS: { key: SortKey; label: string; className: string }[] = [
  { key: 'name', label: 'Name', className: 'col-name' },
  { key: 'size', label: 'Size', className: 'col-size' },
  { key: 'modified', label: 'Modified', className: 'col-modified' },
];

/**
 * The folder's contents: a grid of rows, one selected. Up/Down move, Enter (or a double-click) opens,
 * Delete moves to the trash, F2 renames. Column headers sort.
 */
export function FileTable({ entries, label, sort, now, selected, dropFolder, onSort, onSelect, onOpen, onDelete, onRename }: Props) {
  const body = useRef<HTMLTableSectionElement>(null);
  const focusIndex = Math.max(
    0,
    entries.findIndex((e) => e.name === selected),
  );
  const moveFocus = useRef(false);

  // A folder opened with Enter: the keyboard lands on its first row once it is listed.
  const focusOnOpen = useRef<string | null>(null);

  // After an arrow key, the keyboard follows the selection.
  useEffect(() => {
    const opened = focusOnOpen.current !== null && focusOnOpen.current !== label && entries.length > 0;
    if (!moveFocus.current && !opened) return;
    moveFocus.current = false;
    if (opened) focusOnOpen.current = null;
    body.current?.querySelectorAll<HTMLElement>('tr')[focusIndex]?.focus();
  });

  const onKeyDown = (e: KeyboardEvent<HTMLTableRowElement>, entry: FileEntry, index: number): void => {
    let next: number | null = null;
    if (e.key === 'ArrowDown') next = Math.min(entries.length - 1, index + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, index - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = entries.length - 1;
    else if (e.key === 'Enter') {
      if (entry.kind === 'folder') focusOnOpen.current = label;
      onOpen(entry);
    } else if (e.key === 'Delete') onDelete(entry);
    else if (e.key === 'F2') onRename(entry);
    else if (e.key === ' ') onSelect(entry.name);
    else return;
    e.preventDefault();
    if (next !== null) {
      moveFocus.current = true;
      onSelect(entries[next]?.name ?? null);
    }
  };

  return (
    <table className="file-table" role="grid" aria-label={label} aria-rowcount={entries.length + 1}>
      <thead>
        <tr>
          {COLUMNS.map((c) => (
            <th key={c.key} scope="col" className={c.className} aria-sort={sort.key === c.key ? sort.direction : 'none'}>
              <button type="button" className="sort-button" onClick={() => onSort(c.key)}>
                {c.label}
                <span className="sort-mark" aria-hidden="true">
                  {sort.key === c.key ? (sort.direction === 'ascending' ? '▲' : '▼') : ''}
                </span>
              </button>
            </th>
          ))}
        </tr>
      </thead>
      <tbody ref={body}>
        {entries.map((entry, i) => {
          const isSelected = entry.name === selected;
          const classes = ['file-row', isSelected && 'file-row-selected', dropFolder === entry.name && 'file-row-drop'].filter(Boolean).join(' ');
          return (
            <tr
              key={entry.name}
              className={classes}
              aria-selected={isSelected}
              tabIndex={i === focusIndex ? 0 : -1}
              data-drop-folder={entry.kind === 'folder' ? entry.name : undefined}
              onClick={() => onSelect(entry.name)}
              onFocus={() => {
                if (selected === null) onSelect(entry.name);
              }}
              onDoubleClick={() => onOpen(entry)}
              onKeyDown={(e) => onKeyDown(e, entry, i)}
            >
              <td className="col-name">
                <span className="file-name">
                  <FileIcon entry={entry} />
                  <span className="file-name-text" title={entry.name}>
                    {entry.name}
                  </span>
                </span>
                {entry.kind === 'link' && (
                  <span className="file-link-target" title={`A link to ${entry.linkTarget ?? 'an unknown place'}: shown, not followed`}>
                    → {entry.linkTarget ?? '?'}
                  </span>
                )}
              </td>
              <td className="col-size">{entry.kind === 'file' || entry.kind === 'folder' ? formatBytes(entry.size) : ''}</td>
              <td className="col-modified" title={formatFullTime(entry.modifiedMs)}>
                {formatWhen(entry.modifiedMs, now)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
