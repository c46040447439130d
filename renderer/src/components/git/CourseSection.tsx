import { useState } from 'react';
import type { SnapshotInfo } from '../../../../electron/api/contract';
import { useApi } from '../../context';
import { errorCode, errorMessage } from '../../errors';
import { formatBytes } from '../../files/format';
import { announceWorkspaceChange } from '../../workspaceChanges';
import type { CourseState, SyncStage } from '../../hooks/useCourse';
import { ProgressBar } from '../ProgressBar';
import { SyncReport } from './SyncReport';
import { TokenDialog } from './TokenDialog';

interface Props {
  labId: string;
  course: CourseState;
  /** Sync and restore need the running lab. */
  ready: boolean;
}

const STAGES: Record<SyncStage, { label: string; fraction: number }> = {
  'copying-out': { label: 'Copying your course folder out of the lab…', fraction: 0.15 },
  fetching: { label: 'Fetching your instructor’s changes…', fraction: 0.45 },
  'writing-back': { label: 'Writing the result into your workspace…', fraction: 0.8 },
};

const when = (ms: number | string) => new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The lab's course repository: Sync with progress, what the last sync did, and the snapshots to go back to. */
export function CourseSection({ labId, course, ready }: Props) {
  const api = useApi();
  const { status, stage } = course;
  const [error, setError] = useState<{ code: string | null; message: string } | null>(null);
  const [asking, setAsking] = useState(false);
  const [restoring, setRestoring] = useState<string | null>(null);
  const [restored, setRestored] = useState<string | null>(null);

  if (status === null)
    return (
      <p className="git-note" role="status">
        Loading…
      </p>
    );
  const info = status.course;
  if (info === null) return <p className="git-note">This lab has no course repository.</p>;

  const sync = () => {
    setError(null);
    setRestored(null);
    course.sync().catch((err: unknown) => setError({ code: errorCode(err), message: errorMessage(err) }));
  };
  const restore = (s: SnapshotInfo) => {
    setRestoring(s.id);
    setRestored(null);
    setError(null);
    api.git
      .restoreSnapshot(labId, s.id)
      .then(
        (path) => {
          setRestored(path);
          announceWorkspaceChange(labId);
        },
        (err: unknown) => setError({ code: errorCode(err), message: errorMessage(err) }),
      )
      .finally(() => {
        setRestoring(null);
        void course.refresh();
      });
  };
  // A failure is forgotten by the next success: one that is remembered is newer than the last sync.
  const shownError = error ?? status.lastError;
  const last = status.lastSync;

  return (
    <section className="git-section" aria-labelledby={`${labId}-course-title`}>
      <h3 id={`${labId}-course-title`}>Course materials</h3>
      <dl className="git-facts">
        <dt>Repository</dt>
        <dd title={info.url}>{info.url}</dd>
        <dt>Branch</dt>
        <dd>{info.branch}</dd>
        <dt>Folder</dt>
        <dd>{info.folder}</dd>
      </dl>
      <div className="git-actions">
        <button
          type="button"
          className="button button-primary"
          disabled={!ready || stage !== null}
          onClick={sync}
          title={ready ? undefined : 'Open the lab first'}
        >
          {stage ? 'Syncing…' : 'Sync course'}
        </button>
        {!ready && <span className="git-hint">Open the lab to sync.</span>}
      </div>
      {stage && (
        <div className="git-progress" role="status">
          <ProgressBar fraction={STAGES[stage].fraction} label="Course sync" />
          <p>{STAGES[stage].label}</p>
        </div>
      )}
      {shownError && (
        <div className="git-error" role="alert">
          <p>{shownError.message}</p>
          {shownError.code === 'GIT_AUTH_FAILED' && (
            <button type="button" className="button" onClick={() => setAsking(true)}>
              Enter a token
            </button>
          )}
        </div>
      )}
      {restored && (
        <p className="git-ok" role="status">
          The snapshot is restored as <strong>{restored}</strong>, beside your course folder. Your course folder was not changed.
        </p>
      )}
      {last && !stage && (
        <div className="git-last" aria-label="Last sync">
          <h4>Last sync · {when(last.at)}</h4>
          <SyncReport report={last.report} backupPath={last.backupPath} folder={info.folder} />
        </div>
      )}
      <h4>Snapshots</h4>
      {status.snapshots.length === 0 ? (
        <p className="git-note">A snapshot of your course folder is taken before every sync that changes it.</p>
      ) : (
        <ul className="git-snapshots" aria-label="Snapshots">
          {status.snapshots.map((s) => (
            <li key={s.id}>
              <span>
                Before the sync of {when(s.createdAt)} <span className="git-muted">({formatBytes(s.bytes)})</span>
              </span>
              <button
                type="button"
                className="button button-small"
                disabled={!ready || restoring !== null || stage !== null}
                aria-label={`Restore the snapshot from ${when(s.createdAt)}`}
                onClick={() => restore(s)}
              >
                {restoring === s.id ? 'Restoring…' : 'Restore'}
              </button>
            </li>
          ))}
        </ul>
      )}
      {asking && (
        <TokenDialog
          url={info.url}
          onClose={() => setAsking(false)}
          onSaved={() => {
            setAsking(false);
            sync();
          }}
        />
      )}
    </section>
  );
}
