import { useState } from 'react';

/** A destructive action behind a confirmation: whether the question is open, whether the action runs. */
export function useConfirmed(action: () => Promise<void>) {
  const [asking, setAsking] = useState(false);
  const [running, setRunning] = useState(false);
  return {
    asking,
    running,
    ask: () => setAsking(true),
    cancel: () => setAsking(false),
    confirm: () => {
      setAsking(false);
      setRunning(true);
      void action().finally(() => setRunning(false));
    },
  };
}
