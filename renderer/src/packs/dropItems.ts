// What a drop onto the launcher or the pack picker carries, as files the pack import can check
// (choosePackFile). The File objects stay the browser's: their bytes are read only by the upload itself.
import type { DroppedItem } from './packFile';

export type DroppedFile = DroppedItem & { file: File | null };

/** Must be called during the drop event: the items are gone after it. */
export function droppedFiles(data: DataTransfer): DroppedFile[] {
  const items = [...data.items].filter((i) => i.kind === 'file');
  if (items.length === 0) return pickedFiles(data.files);
  return items.map((item) => {
    const file = item.getAsFile();
    const folder = item.webkitGetAsEntry?.()?.isDirectory ?? false;
    return { name: file?.name ?? '', bytes: file?.size ?? 0, folder, file };
  });
}

export const pickedFiles = (list: FileList | null): DroppedFile[] =>
  [...(list ?? [])].map((file) => ({ name: file.name, bytes: file.size, folder: false, file }));
