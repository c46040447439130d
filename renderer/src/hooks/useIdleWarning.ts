import { useCallback, useEffect, useRef, useState } from 'react';
import type { IdleWarning } from '../../../electron/api/contract';
import { useApi, useReportError } from '../context';

/** Input in the lab view reaches ClassLab at most this often (the idle rule needs only "something happened lately"). */
export const ACTIVITY_THROTTLE_MS = 15_000;

export interface IdleWarningState {
  /** The warning before an idle stop, or null. */
  warning: IdleWarning | null;
  /** "Keep working": the lab is not idle; the warning goes. */
  keepWorking(): void;
}

/**
 * While the lab is ready: reports the user's input in this view (keys, clicks, the wheel, a click into
 * the notebook's frame) with the throttled labs:activity, and follows labs:idleWarning for this lab (and
 * asks labs:idle once, for a warning given before this view opened).
 */
export function useIdleWarning(labId: string, ready: boolean): IdleWarningState {
  const api = useApi();
  const reportError = useReportError();
  const [warning, setWarning] = useState<IdleWarning | null>(null);
  const lastSent = useRef(0);

  const report = useCallback(
    (force: boolean) => {
      const now = Date.now();
      if (!force && now - lastSent.current < ACTIVITY_THROTTLE_MS) return;
      lastSent.current = now;
      api.labs.activity(labId).catch((err: unknown) => {
        if (force) reportError(err);
      });
    },
    [api, labId, reportError],
  );

  useEffect(() => {
    if (!ready) {
      setWarning(null);
      return;
    }
    let live = true;
    const off = api.on('labs:idleWarning', (w) => {
      if (w.labId === labId) setWarning(w.stopsAt === null ? null : w);
    });
    api.labs
      .idle()
      .then((all) => {
        const mine = all.find((l) => l.labId === labId);
        if (live && mine?.stopsAt)
          setWarning((w) => w ?? { labId, stopsAt: mine.stopsAt, idleMinutesSoFar: Math.floor(mine.idleSeconds / 60), idleMinutes: mine.idleMinutes });
      })
      .catch(() => undefined);
    const input = () => report(false);
    // A click into the notebook's frame takes the focus from this page: that is input in the lab too.
    const blur = () => {
      if (document.activeElement?.tagName === 'IFRAME') report(false);
    };
    const kinds = ['keydown', 'pointerdown', 'wheel'] as const;
    for (const k of kinds) document.addEventListener(k, input, { capture: true, passive: true });
    window.addEventListener('blur', blur);
    return () => {
      live = false;
      off();
      for (const k of kinds) document.removeEventListener(k, input, { capture: true });
      window.removeEventListener('blur', blur);
    };
  }, [api, labId, ready, report]);

  const keepWorking = useCallback(() => {
    setWarning(null);
    report(true);
  }, [report]);

  return { warning, keepWorking };
}
