// Which dropped or picked file is a lab pack: exactly one file whose name ends in .classlab. Checked in the
// page so a wrong drop is answered at once, before anything is sent; the core checks the bytes.

/** The file extension lab packs carry (what Export names them, and what the picker offers). */
export const PACK_EXTENSION = '.classlab';

/** What the page knows of one dropped or picked item before reading it. */
export interface DroppedItem {
  name: string;
  bytes: number;
  /** A dropped folder (the browser hands it over as a file of 0 bytes or none at all). */
  folder: boolean;
}

export type PackChoice<T extends DroppedItem> = { ok: true; item: T } | { ok: false; problem: string };

const ABOUT = `A lab pack is one ${PACK_EXTENSION} file, made by “Export lab pack…” on the instructor’s computer.`;

/** The one lab pack among `items`, or why they are not one (in words for the person who dropped them). */
export function choosePackFile<T extends DroppedItem>(items: readonly T[]): PackChoice<T> {
  if (items.length === 0) return { ok: false, problem: `Nothing to import: no file came with the drop. ${ABOUT}` };
  if (items.length > 1) return { ok: false, problem: `Drop one lab pack at a time (that was ${items.length} items). ${ABOUT}` };
  const item = items[0]!;
  if (item.folder) return { ok: false, problem: `“${item.name}” is a folder, not a lab pack. ${ABOUT}` };
  if (!item.name.toLowerCase().endsWith(PACK_EXTENSION) || item.name.length === PACK_EXTENSION.length) {
    return { ok: false, problem: `“${item.name}” is not a lab pack. ${ABOUT}` };
  }
  if (item.bytes === 0) return { ok: false, problem: `“${item.name}” is empty (0 bytes): it is not a whole lab pack. Copy it again from where it came.` };
  return { ok: true, item };
}
