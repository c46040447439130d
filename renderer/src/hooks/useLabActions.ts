import type { LabAction } from '../../../electron/api/phase-rules';
import { useCallback, useState } from 'react';
import type { LabView } from '../../../electron/api/contract';
import { useApi } from '../context';

export type { LabAction };

export interface LabActions {
  /** The action running for each lab, so its buttons can wait. */
  busy: Readonly<Record<string, LabAction>>;
  run(action: LabAction, id: string): Promise<LabView | null>;
}

/** Calls the lab methods, one at a time per lab, puts their results into the list and reports errors. */
export function useLabActions(update: (lab: LabView) => void, onError: (err: unknown) => void): LabActions {
  const api = useApi();
  const [busy, setBusy] = useState<Record<string, LabAction>>({});

  const run = useCallback(
    async (action: LabAction, id: string): Promise<LabView | null> => {
      setBusy((b) => ({ ...b, [id]: action }));
      try {
        const call =
          action === 'prepare' ? api.images.prepare(id) : action === 'open' ? api.labs.open(id) : action === 'stop' ? api.labs.stop(id) : api.labs.reset(id);
        const lab = await call;
        update(lab);
        return lab;
      } catch (err) {
        onError(err);
        return null;
      } finally {
        setBusy((b) => {
          const { [id]: _done, ...rest } = b;
          return rest;
        });
      }
    },
    [api, update, onError],
  );

  return { busy, run };
}
