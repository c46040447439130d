// The host overview's data while its screen is open: host:status every few seconds (one reading at a
// time: the next waits for the one before, so a slow engine is never asked twice at once), the history of
// each lab for the sparklines, and the machine reset's and deletions' progress (host:progress).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { HostProgress, HostStatus } from '../../../electron/api/contract';
import { useAdminLock, useApi } from '../context';
import { errorCode, errorMessage } from '../errors';
import { addSample, type History } from './overview';

/** Between two readings. A reading costs one stats call per running lab (docs/design-notes.md). */
export const POLL_MS = 5000;

export interface HostOverview {
  status: HostStatus | null;
  history: History;
  /** The last reading failed with this message (the figures shown are older), or null. */
  problem: string | null;
  /** The admin area locked meanwhile: polling waits for an unlock. */
  locked: boolean;
  progress: HostProgress | null;
  /** Reads now (after an action), besides the regular polling. */
  refresh(): Promise<void>;
}

export function useHostOverview(): HostOverview {
  const api = useApi();
  const admin = useAdminLock();
  const [status, setStatus] = useState<HostStatus | null>(null);
  const [history, setHistory] = useState<History>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [progress, setProgress] = useState<HostProgress | null>(null);
  const reading = useRef<Promise<void> | null>(null);
  const unlocked = admin.status?.unlocked ?? false;

  const refresh = useCallback(() => {
    reading.current ??= api.host
      .status()
      .then(
        (s) => {
          setStatus(s);
          setHistory((h) => addSample(h, s, Date.now()));
          setProblem(null);
        },
        (err: unknown) => setProblem(errorCode(err) === 'LOCKED' ? null : errorMessage(err)),
      )
      .finally(() => {
        reading.current = null;
      });
    return reading.current;
  }, [api]);

  useEffect(() => {
    if (!unlocked) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = () => {
      void refresh().finally(() => {
        if (!stopped) timer = setTimeout(tick, POLL_MS);
      });
    };
    tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [refresh, unlocked]);

  useEffect(() => api.on('host:progress', setProgress), [api]);

  return { status, history, problem, locked: !unlocked, progress, refresh };
}
