// "The workspace of this lab changed" (a course sync or a snapshot restore wrote into it): the Files panel
// lists again at once instead of at its next periodic refresh.
import { useEffect } from 'react';

const listeners = new Set<(labId: string) => void>();

export function announceWorkspaceChange(labId: string): void {
  for (const l of [...listeners]) l(labId);
}

/** Calls `onChange` whenever something announces a change in lab `labId`'s workspace. */
export function useWorkspaceChanges(labId: string, onChange: () => void): void {
  useEffect(() => {
    const listener = (id: string) => {
      if (id === labId) onChange();
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [labId, onChange]);
}
