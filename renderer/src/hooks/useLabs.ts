import { useCallback, useEffect, useState } from 'react';
import type { Catalog, ImageProgress, LabView } from '../../../electron/api/contract';
import { useApi } from '../context';

export interface Labs {
  /** null until the first list arrives. */
  catalog: Catalog | null;
  /** The last labs.list() failed (and no list is shown yet): the UI offers to try again. */
  failed: boolean;
  reload(): Promise<void>;
  /** Put a LabView that a call returned into the list. */
  update(lab: LabView): void;
}

function withLab(catalog: Catalog | null, lab: LabView): Catalog | null {
  if (!catalog) return catalog;
  const found = catalog.labs.some((l) => l.id === lab.id);
  return { ...catalog, labs: found ? catalog.labs.map((l) => (l.id === lab.id ? lab : l)) : [...catalog.labs, lab] };
}

function withoutLab(catalog: Catalog | null, labId: string): Catalog | null {
  if (!catalog) return catalog;
  return { ...catalog, labs: catalog.labs.filter((l) => l.id !== labId) };
}

function withProgress(catalog: Catalog | null, progress: ImageProgress): Catalog | null {
  if (!catalog) return catalog;
  return { ...catalog, labs: catalog.labs.map((l) => (l.id === progress.labId ? { ...l, progress } : l)) };
}

/**
 * The catalog of labs from labs.list(), kept up to date by labs:changed (a lab with a new id is a lab
 * added to the catalog while ClassLab runs), labs:removed and images:progress.
 * Reloaded when `reloadKey` changes (a reconnection, or the engine coming back), since events may have
 * been missed in between.
 */
export function useLabs(reloadKey: string, enabled: boolean, onError: (err: unknown) => void): Labs {
  const api = useApi();
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [failed, setFailed] = useState(false);

  const reload = useCallback(async () => {
    setFailed(false);
    try {
      setCatalog(await api.labs.list());
    } catch (err) {
      setFailed(true);
      onError(err);
    }
  }, [api, onError]);

  const update = useCallback((lab: LabView) => setCatalog((c) => withLab(c, lab)), []);

  useEffect(() => {
    const offLabs = api.on('labs:changed', (lab) => setCatalog((c) => withLab(c, lab)));
    const offRemoved = api.on('labs:removed', ({ labId }) => setCatalog((c) => withoutLab(c, labId)));
    const offProgress = api.on('images:progress', (p) => setCatalog((c) => withProgress(c, p)));
    return () => {
      offLabs();
      offRemoved();
      offProgress();
    };
  }, [api]);

  useEffect(() => {
    if (enabled) void reload();
  }, [enabled, reloadKey, reload]);

  return { catalog, failed, reload, update };
}
