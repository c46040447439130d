// Where each lab of the launcher comes from (bundled, a pack, saved in the editor), for the editor's card
// actions: read with profiles:list while the admin area is open, again when the labs change.
import { useEffect, useState } from 'react';
import type { LabView, ProfileEntry } from '../../../electron/api/contract';
import { useAdminLock, useApi } from '../context';

export function useProfileOrigins(labs: readonly LabView[]): ReadonlyMap<string, ProfileEntry> | null {
  const api = useApi();
  const { status } = useAdminLock();
  const unlocked = status?.unlocked === true;
  const [origins, setOrigins] = useState<ReadonlyMap<string, ProfileEntry> | null>(null);
  const key = labs.map((l) => `${l.id}:${l.title}:${l.image}`).join('|');
  useEffect(() => {
    if (!unlocked) return;
    let live = true;
    api.profiles.list().then(
      (list) => live && setOrigins(new Map(list.profiles.map((p) => [p.id, p]))),
      () => live && setOrigins(null),
    );
    return () => {
      live = false;
    };
  }, [api, unlocked, key]);
  return unlocked ? origins : null;
}
