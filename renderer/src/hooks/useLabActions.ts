import type { LabAction } from '../../../electron/api/phase-rules';
import { useCallback, useState } from 'react';
import type { LabView } from '../../../electron/api/contract';
import type { Admin } from '../adminLock';
import { useApi } from '../context';

export type { LabAction };

export interface LabActions {
  /** The action running for each lab, so its buttons can wait. */
  busy: Readonly<Record<string, LabAction>>;
  run(action: LabAction, id: string): Promise<LabView | null>;
}

/**
 * Calls the lab methods, one at a time per lab, puts their results into the list and reports errors.
 * Building or pulling an image is an admin action: it asks for the admin PIN first when locked.
 */
export function useLabActions(update: (lab: LabView) => void, onError: (err: unknown) => void, asAdmin: Admin['asAdmin']): LabActions {
  const api = useApi();
  const [busy, setBusy] = useState<Record<string, LabAction>>({});

  const run = useCallback(
    async (action: LabAction, id: string): Promise<LabView | null> => {
      // Busy only once the call starts: not while the PIN is asked for.
      const perform = async (): Promise<LabView> => {
        setBusy((b) => ({ ...b, [id]: action }));
        try {
          const lab = await (action === 'prepare'
            ? api.images.prepare(id)
            : action === 'open'
              ? api.labs.open(id)
              : action === 'stop'
                ? api.labs.stop(id)
                : api.labs.reset(id));
          update(lab);
          return lab;
        } finally {
          setBusy((b) => {
            const { [id]: _done, ...rest } = b;
            return rest;
          });
        }
      };
      try {
        return action === 'prepare' ? await asAdmin('Building or pulling an image', perform) : await perform();
      } catch (err) {
        onError(err);
        return null;
      }
    },
    [api, update, onError, asAdmin],
  );

  return { busy, run };
}
