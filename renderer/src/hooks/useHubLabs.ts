import { useCallback, useEffect, useState } from 'react';
import type { HubLab } from '../../../electron/api/contract';
import { useApi } from '../context';

export interface HubLabs {
  /** The hubs' labs (empty when this computer uses no hub). */
  labs: HubLab[];
  open(id: string): Promise<void>;
  stop(id: string): Promise<void>;
}

function withHubLab(labs: HubLab[], lab: HubLab): HubLab[] {
  return labs.some((l) => l.id === lab.id) ? labs.map((l) => (l.id === lab.id ? lab : l)) : [...labs, lab];
}

/** The labs on the JupyterHubs this computer uses (hubs:list), kept up to date by hubs:changed; reloaded with `reloadKey`. */
export function useHubLabs(reloadKey: string, enabled: boolean, onError: (err: unknown) => void): HubLabs {
  const api = useApi();
  const [labs, setLabs] = useState<HubLab[]>([]);

  useEffect(() => {
    const off = api.on('hubs:changed', (lab) => setLabs((l) => withHubLab(l, lab)));
    if (enabled) void api.hubs.list().then(setLabs, onError);
    return off;
  }, [api, enabled, onError, reloadKey]);

  const open = useCallback(
    async (id: string) => {
      try {
        const lab = await api.hubs.open(id);
        setLabs((l) => withHubLab(l, lab));
      } catch (err) {
        onError(err);
      }
    },
    [api, onError],
  );
  const stop = useCallback(
    async (id: string) => {
      try {
        const lab = await api.hubs.stop(id);
        setLabs((l) => withHubLab(l, lab));
      } catch (err) {
        onError(err);
      }
    },
    [api, onError],
  );
  return { labs, open, stop };
}
