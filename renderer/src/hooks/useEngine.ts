import { useCallback, useEffect, useState } from 'react';
import type { EngineStatus } from '../../../electron/api/contract';
import { useApi } from '../context';

const FALLBACK_POLL_MS = 10_000;

export interface Engine {
  /** null until the first answer. */
  status: EngineStatus | null;
  checking: boolean;
  /** The last engine.status() call failed (not with ENGINE_DOWN). */
  failed: boolean;
  checkNow(): Promise<void>;
  /** A call failed with ENGINE_DOWN: show the engine screen now, then ask for the details. */
  reportDown(message: string): void;
}

/** The Docker engine's status, from engine.status() and engine:changed. Reloads on every reconnection. */
export function useEngine(generation: number, onError: (err: unknown) => void): Engine {
  const api = useApi();
  const [status, setStatus] = useState<EngineStatus | null>(null);
  const [checking, setChecking] = useState(false);
  const [failed, setFailed] = useState(false);

  const checkNow = useCallback(async () => {
    setChecking(true);
    setFailed(false);
    try {
      setStatus(await api.engine.status());
    } catch (err) {
      setFailed(true);
      onError(err);
    } finally {
      setChecking(false);
    }
  }, [api, onError]);

  useEffect(() => api.on('engine:changed', setStatus), [api]);

  // engine:changed brings the engine back; asking now and then too means a missed event cannot leave
  // the user on the "Docker is not running" screen.
  const down = status?.state === 'down';
  useEffect(() => {
    if (!down) return;
    const timer = setInterval(() => {
      api.engine.status().then(setStatus, () => {});
    }, FALLBACK_POLL_MS);
    return () => clearInterval(timer);
  }, [api, down]);

  useEffect(() => {
    if (generation > 0) void checkNow();
  }, [generation, checkNow]);

  const reportDown = useCallback(
    (message: string) => {
      setStatus((s) => ({
        state: 'down',
        endpoint: s?.endpoint ?? null,
        version: null,
        problem: message,
        hint: s?.hint ?? null,
        nextCheckAt: s?.nextCheckAt ?? null,
      }));
      void checkNow();
    },
    [checkNow],
  );

  return { status, checking, failed, checkNow, reportDown };
}
