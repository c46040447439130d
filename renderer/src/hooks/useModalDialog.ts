import { useEffect, useRef, type RefObject } from 'react';
import { useOverlay } from '../overlays';

/**
 * A native modal <dialog> shown while `open`: focus is trapped and the page behind is inert. It registers
 * as an overlay, so Electron's native notebook view steps aside while it is open.
 */
export function useModalDialog(open: boolean): RefObject<HTMLDialogElement | null> {
  const ref = useRef<HTMLDialogElement>(null);
  useOverlay(open);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return ref;
}
