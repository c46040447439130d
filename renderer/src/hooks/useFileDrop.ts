import { useEffect, useState } from 'react';
import { dragHasFiles } from '../files/collect';
import { droppedFiles, type DroppedFile } from '../packs/dropItems';

/**
 * Files dropped anywhere on the page while the calling component is mounted (the launcher): `onDrop` gets
 * them; returns whether files are being dragged over the page now, for a highlight. Every file drag is
 * taken, even while `accepting` is false: a file dropped and not taken would make the browser leave the
 * app to show the file.
 */
export function useFileDrop(accepting: boolean, onDrop: (files: DroppedFile[]) => void): boolean {
  const [over, setOver] = useState(false);
  useEffect(() => {
    const take = (e: DragEvent): boolean => {
      if (!dragHasFiles(e.dataTransfer)) return false;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = accepting ? 'copy' : 'none';
      return true;
    };
    const onOver = (e: DragEvent): void => {
      if (take(e)) setOver(accepting);
    };
    // relatedTarget is null when the drag leaves the window (not just one element for another).
    const onLeave = (e: DragEvent): void => {
      if (e.relatedTarget === null) setOver(false);
    };
    const onDropped = (e: DragEvent): void => {
      if (!take(e)) return;
      setOver(false);
      if (accepting && e.dataTransfer) onDrop(droppedFiles(e.dataTransfer));
    };
    document.addEventListener('dragenter', onOver);
    document.addEventListener('dragover', onOver);
    document.addEventListener('dragleave', onLeave);
    document.addEventListener('drop', onDropped);
    return () => {
      document.removeEventListener('dragenter', onOver);
      document.removeEventListener('dragover', onOver);
      document.removeEventListener('dragleave', onLeave);
      document.removeEventListener('drop', onDropped);
    };
  }, [accepting, onDrop]);
  return over;
}
