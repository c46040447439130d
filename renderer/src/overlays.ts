// In Electron the notebook is a native view drawn over the page: a modal dialog would open underneath it.
// Dialogs register here while open, and the notebook area steps aside (notebook.hide) until they close.
import { useEffect, useSyncExternalStore } from 'react';

let open = 0;
const listeners = new Set<() => void>();
const notify = (): void => {
  for (const l of [...listeners]) l();
};

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Marks an overlay as open while `active`. */
export function useOverlay(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    open += 1;
    notify();
    return () => {
      open -= 1;
      notify();
    };
  }, [active]);
}

/** True while any overlay is open. */
export function useOverlayOpen(): boolean {
  return useSyncExternalStore(subscribe, () => open > 0);
}
