import type { HubLab } from '../../../../electron/api/contract';
import { useFocusOnMount } from '../../hooks/useFocusOnMount';
import { NotebookArea } from '../NotebookArea';
import { ProgressBar } from '../ProgressBar';

interface Props {
  lab: HubLab;
  onOpen(): void;
  onStop(): void;
  onBack(): void;
}

/**
 * A hub lab's view: the notebook of the user's server, embedded as a local lab's is (through the hub gate,
 * its own origin on 127.0.0.1), or the hub's progress while it starts. Terminals and files are the
 * server's own JupyterLab's here (ClassLab's panels for hubs are not built yet).
 */
export function HubLabScreen({ lab, onOpen, onStop, onBack }: Props) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  return (
    <div className="screen lab-screen hub-lab-screen">
      <header className="topbar lab-toolbar">
        <button type="button" className="button" onClick={onBack}>
          ← Labs
        </button>
        <h1 ref={heading} tabIndex={-1} className="lab-title">
          {lab.title}
        </h1>
        <span className="badge badge-neutral hub-mark">On the server</span>
        {lab.phase === 'ready' && (
          <button type="button" className="button" onClick={onStop}>
            Stop
          </button>
        )}
      </header>
      {lab.phase === 'ready' ? (
        <NotebookArea lab={lab} />
      ) : (
        <main className="lab-not-running">
          {lab.phase === 'starting' && (
            <div className="hub-progress" role="status">
              <p>Starting your server on {lab.hubUrl}…</p>
              <ProgressBar fraction={lab.progress?.fraction ?? null} label="Starting your server" />
              <p className="muted small">{lab.progress?.message ?? ''}</p>
            </div>
          )}
          {lab.phase === 'stopping' && <p role="status">Stopping your server…</p>}
          {lab.reason && <p className={lab.phase === 'error' ? 'reason reason-error' : 'reason'}>{lab.reason}</p>}
          {(lab.phase === 'stopped' || lab.phase === 'error') && (
            <button type="button" className="button button-primary" onClick={onOpen}>
              Open
            </button>
          )}
        </main>
      )}
    </div>
  );
}
