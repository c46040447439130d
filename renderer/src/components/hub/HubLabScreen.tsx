import type { HubLab } from '../../../../electron/api/contract';
import { useFocusOnMount } from '../../hooks/useFocusOnMount';
import { NotebookArea } from '../NotebookArea';
import { ProgressBar } from '../ProgressBar';
import { HubPhaseBadge } from './HubLabCard';

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
      <header className="toolbar">
        <button type="button" className="button button-ghost" onClick={onBack} aria-label="Back to labs">
          <span aria-hidden="true">←</span> Labs
        </button>
        <h1 className="toolbar-title" ref={heading} tabIndex={-1}>
          {lab.title}
        </h1>
        <span className="badge badge-neutral">On the server</span>
        <div aria-live="polite">
          <HubPhaseBadge phase={lab.phase} />
        </div>
        <div className="toolbar-spacer" />
        {lab.phase === 'ready' && (
          <button type="button" className="button" onClick={onStop}>
            Stop
          </button>
        )}
      </header>
      {lab.phase === 'ready' ? (
        <NotebookArea lab={lab} />
      ) : (
        <div className="progress-view">
          <div className="panel" role="status">
            <h2>
              {lab.phase === 'starting'
                ? 'Starting your server on the hub…'
                : lab.phase === 'stopping'
                  ? 'Stopping your server on the hub…'
                  : lab.phase === 'error'
                    ? 'The hub could not give you your server'
                    : 'Your server on the hub is not running'}
            </h2>
            {lab.phase === 'starting' && (
              <>
                <ProgressBar fraction={lab.progress?.fraction ?? null} label="Starting your server" />
                <p className="muted small">{lab.progress?.message ?? ''}</p>
              </>
            )}
            {lab.reason ? <p>{lab.reason}</p> : lab.phase === 'stopped' && <p>It was stopped. Your files stay on the hub.</p>}
            {(lab.phase === 'stopped' || lab.phase === 'error') && (
              <div className="panel-actions">
                <button type="button" className="button button-primary" onClick={onOpen}>
                  Open again
                </button>
              </div>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
