import { useState } from 'react';
import type { LabView } from '../../../electron/api/contract';
import { useNow } from '../hooks/useNow';
import { ProgressView } from './ProgressView';

/** While the container starts and the notebook server boots: elapsed seconds since this view appeared. */
export function StartingView({ lab }: { lab: LabView }) {
  const [since] = useState(() => Date.now());
  const now = useNow();
  const seconds = Math.max(0, Math.floor((now - since) / 1000));
  return (
    <ProgressView
      title="Starting the notebook…"
      detail={
        <>
          <span role="timer" aria-live="off">
            {seconds} s elapsed
          </span>
          {lab.reason ? ` · ${lab.reason}` : ''}
        </>
      }
    />
  );
}
