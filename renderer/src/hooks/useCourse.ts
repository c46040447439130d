import { useCallback, useEffect, useState } from 'react';
import type { CourseStatus, CourseSyncResult, GitProgress } from '../../../electron/api/contract';
import { useApi } from '../context';
import { announceWorkspaceChange } from '../workspaceChanges';

export type SyncStage = Exclude<GitProgress['stage'], 'done' | 'failed'>;

export interface CourseState {
  /** The lab's course, last sync and snapshots; null until first read. */
  status: CourseStatus | null;
  /** The running sync's step (also one ClassLab started when the lab opened), or null. */
  stage: SyncStage | null;
  /** A sync ClassLab ran by itself (on open) that finished: shown as a notice until dismissed. */
  notice: GitProgress | null;
  dismissNotice(): void;
  refresh(): Promise<void>;
  sync(): Promise<CourseSyncResult>;
}

/** A lab's course: its status, re-read after every sync, and the progress of a sync from git:progress. */
export function useCourse(labId: string, ready: boolean): CourseState {
  const api = useApi();
  const [status, setStatus] = useState<CourseStatus | null>(null);
  const [stage, setStage] = useState<SyncStage | null>(null);
  const [notice, setNotice] = useState<GitProgress | null>(null);

  const refresh = useCallback(async () => {
    try {
      setStatus(await api.git.courseStatus(labId));
    } catch {
      // The panel says what it cannot show; a status that cannot be read is retried on the next sync.
    }
  }, [api, labId]);

  useEffect(() => {
    void refresh();
  }, [refresh, ready]);

  useEffect(
    () =>
      api.on('git:progress', (p) => {
        if (p.labId !== labId) return;
        const finished = p.stage === 'done' || p.stage === 'failed';
        setStage(finished ? null : (p.stage as SyncStage));
        if (finished) {
          void refresh();
          if (p.stage === 'done') announceWorkspaceChange(labId);
          if (p.background && (p.stage === 'failed' || p.result?.report.outcome !== 'up-to-date')) setNotice(p);
        }
      }),
    [api, labId, refresh],
  );

  const sync = useCallback(async () => {
    setStage('copying-out');
    setNotice(null);
    try {
      return await api.git.sync(labId);
    } finally {
      setStage(null);
      await refresh();
    }
  }, [api, labId, refresh]);

  return {
    status,
    stage: stage ?? (status?.syncing ? 'fetching' : null),
    notice,
    dismissNotice: useCallback(() => setNotice(null), []),
    refresh,
    sync,
  };
}
