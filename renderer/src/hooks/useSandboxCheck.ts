import { useCallback, useEffect, useRef, useState } from 'react';
import type { LabView } from '../../../electron/api/contract';
import type { Admin } from '../adminLock';
import { useApi } from '../context';
import { failed, finished, IDLE, progressed, started, type CheckState } from '../sandboxCheck';

export interface SandboxCheck extends CheckState {
  /** Starts the check on every lab (or joins the one already running); errors go to onError. */
  run(labs: LabView[]): void;
}

/**
 * The sandbox check, held at the App's level: it keeps running, and its results stay, while the user
 * is elsewhere in the app. Listens to audit:progress all the time, so the list grows even off screen.
 */
export function useSandboxCheck(onError: (err: unknown) => void, asAdmin: Admin['asAdmin']): SandboxCheck {
  const api = useApi();
  const [state, setState] = useState<CheckState>(IDLE);
  const running = useRef(false);

  useEffect(() => api.on('audit:progress', (p) => setState((s) => progressed(s, p, Date.now()))), [api]);

  const run = useCallback(
    (labs: LabView[]) => {
      if (running.current) return;
      running.current = true;
      // An admin action: asks for the PIN first when locked; cancelled, nothing starts.
      asAdmin('The sandbox check', () => {
        setState(started(labs, Date.now()));
        return api.audit.run(null);
      })
        .then(
          (reports) => {
            if (reports) setState((s) => finished(s, reports, Date.now()));
          },
          (err: unknown) => {
            setState((s) => failed(s, Date.now()));
            onError(err);
          },
        )
        .finally(() => {
          running.current = false;
        });
    },
    [api, onError, asAdmin],
  );

  return { ...state, run };
}
