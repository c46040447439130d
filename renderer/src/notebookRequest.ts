// "Open this workspace file in the notebook": the Files panel asks, the notebook area passes the path on
// its next notebook.show call (the third argument) and takes it, so later calls keep what is shown.
import { useSyncExternalStore } from 'react';

let pending: { labId: string; path: string; seq: number } | null = null;
let seq = 0;
const listeners = new Set<() => void>();

export function requestNotebookOpen(labId: string, path: string): void {
  seq += 1;
  pending = { labId, path, seq };
  for (const l of [...listeners]) l();
}

/** The path to open in this lab's notebook, once: null when nothing was asked (or it was taken). */
export function takeNotebookRequest(labId: string): string | null {
  if (!pending || pending.labId !== labId) return null;
  const { path } = pending;
  pending = null;
  return path;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Changes whenever a new request is made: the notebook area re-shows on it. */
export function useNotebookRequestSeq(): number {
  return useSyncExternalStore(subscribe, () => seq);
}
