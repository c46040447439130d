import { useCallback, useEffect, useRef, useState } from 'react';
import type { FolderListing } from '../../../electron/api/contract';
import { useApi } from '../context';

const REFRESH_MS = 5000;

export interface Folder {
  listing: FolderListing | null;
  /** The last listing's error (the listing shown stays), or null. */
  error: unknown;
  loading: boolean;
  refresh(): Promise<void>;
}

/**
 * One folder of a lab's workspace, listed now and again every few seconds while `live` (the panel is
 * shown, no dialog is open and the page is visible): files change in the container too.
 */
export function useFolder(labId: string, dir: string, enabled: boolean, live: boolean): Folder {
  const api = useApi();
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  // Only the newest request may set the state (a slow old one must not overwrite a newer folder).
  const generation = useRef(0);

  const refresh = useCallback(async () => {
    if (!enabled) return;
    const mine = ++generation.current;
    setLoading(true);
    try {
      const next = await api.files.list(labId, dir);
      if (mine !== generation.current) return;
      setListing(next);
      setError(null);
    } catch (err) {
      if (mine === generation.current) setError(err);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [api, labId, dir, enabled]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    if (!enabled || !live) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [enabled, live, refresh]);

  return { listing, error, loading, refresh };
}
