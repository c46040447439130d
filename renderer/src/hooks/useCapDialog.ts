import { useCallback, useState } from 'react';

export interface CapDialogState {
  /** The refusal's message (TOO_MANY_LABS), or null while no dialog is shown. */
  message: string | null;
  show(message: string): void;
  close(): void;
}

/** The cap dialog's state: shown when an open is refused with TOO_MANY_LABS. */
export function useCapDialog(): CapDialogState {
  const [message, setMessage] = useState<string | null>(null);
  const show = useCallback((m: string) => setMessage(m), []);
  const close = useCallback(() => setMessage(null), []);
  return { message, show, close };
}
