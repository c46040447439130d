import { useCallback, useEffect, useRef, useState } from 'react';
import type { AdminStatus } from '../../../electron/api/contract';
import { useApi } from '../context';
import { errorCode } from '../errors';
import type { Admin, AdminRequest } from '../adminLock';

export type { Admin, AdminRequest };

/**
 * The admin lock as the UI sees it: the status (from admin.status() and admin:changed, shared with
 * every other window and tab of this ClassLab), and the one place that asks for the PIN.
 */
export function useAdmin(generation: number, onError: (err: unknown) => void): Admin {
  const api = useApi();
  const [status, setStatus] = useState<AdminStatus | null>(null);
  const [request, setRequest] = useState<AdminRequest | null>(null);
  const latest = useRef<AdminStatus | null>(null);
  const pending = useRef<Promise<boolean> | null>(null);

  const statusChanged = useCallback((next: AdminStatus) => {
    latest.current = next;
    setStatus(next);
  }, []);

  useEffect(() => api.on('admin:changed', statusChanged), [api, statusChanged]);
  useEffect(() => {
    if (generation > 0) api.admin.status().then(statusChanged, onError);
  }, [api, generation, statusChanged, onError]);

  const ask = useCallback((what: string | null, known: AdminStatus | null): Promise<boolean> => {
    // One question at a time: a second admin button pressed meanwhile waits for the same answer.
    pending.current ??= new Promise<boolean>((resolve) => {
      setRequest({
        kind: known?.pinSet === false ? 'set' : 'unlock',
        what,
        finish: (unlocked) => {
          pending.current = null;
          setRequest(null);
          resolve(unlocked);
        },
      });
    });
    return pending.current;
  }, []);

  const refresh = useCallback(async (): Promise<AdminStatus> => {
    const next = await api.admin.status();
    statusChanged(next);
    return next;
  }, [api, statusChanged]);

  const ensure = useCallback(
    async (what: string | null): Promise<boolean> => {
      const known = latest.current ?? (await refresh());
      if (known.unlocked) return true;
      return ask(what, known);
    },
    [ask, refresh],
  );

  const asAdmin = useCallback(
    async <T>(what: string, call: () => Promise<T>): Promise<T | null> => {
      if (!(await ensure(what))) return null;
      try {
        return await call();
      } catch (err) {
        if (errorCode(err) !== 'LOCKED') throw err;
        const now = await refresh();
        if (now.unlocked || !(await ask(what, now))) throw err;
        return await call();
      }
    },
    [ensure, refresh, ask],
  );

  const lock = useCallback(async () => {
    try {
      statusChanged(await api.admin.lock());
    } catch (err) {
      onError(err);
    }
  }, [api, statusChanged, onError]);

  return { status, request, statusChanged, ensure, asAdmin, lock };
}
