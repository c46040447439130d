import type { HubLab } from '../../../../electron/api/contract';
import { ProgressBar } from '../ProgressBar';

const PHASE_WORDS: Record<HubLab['phase'], { label: string; tone: string }> = {
  stopped: { label: 'Stopped', tone: 'neutral' },
  starting: { label: 'Starting', tone: 'busy' },
  ready: { label: 'Running', tone: 'good' },
  stopping: { label: 'Stopping', tone: 'busy' },
  error: { label: 'Problem', tone: 'bad' },
};

interface Props {
  lab: HubLab;
  onOpen(): void;
  onStop(): void;
}

export function HubPhaseBadge({ phase }: { phase: HubLab['phase'] }) {
  const words = PHASE_WORDS[phase];
  return <span className={`badge badge-${words.tone}`}>{words.label}</span>;
}

/** A lab on a JupyterHub in the launcher: marked as on the server, with the hub's own progress while it starts. */
export function HubLabCard({ lab, onOpen, onStop }: Props) {
  const titleId = `lab-${lab.id}-title`;
  const busy = lab.phase === 'starting' || lab.phase === 'stopping';
  return (
    <article className={`card card-hub card-${lab.phase === 'ready' ? 'ready' : lab.phase}`} aria-labelledby={titleId} data-hub-lab={lab.id}>
      <header className="card-header">
        <h2 id={titleId} className="card-title">
          {lab.title}
        </h2>
        <div aria-live="polite">
          <HubPhaseBadge phase={lab.phase} />
        </div>
      </header>
      <p className="card-description">
        <span className="badge badge-neutral">On the server</span> Your notebook server on the JupyterHub {lab.hubUrl}, as {lab.owner}. The hub decides its
        resources and may stop it when idle.
      </p>
      {lab.reason && <p className={lab.phase === 'error' ? 'reason reason-error' : 'reason'}>{lab.reason}</p>}
      {lab.phase === 'starting' && lab.progress && (
        <div className="hub-progress">
          <ProgressBar fraction={lab.progress.fraction} label={`Starting your server on ${lab.title}`} />
          <p className="muted small">{lab.progress.message}</p>
        </div>
      )}
      <footer className="card-actions">
        <button type="button" className="button button-primary" disabled={busy} onClick={onOpen}>
          Open
        </button>
        {lab.phase === 'ready' && (
          <button type="button" className="button" onClick={onStop}>
            Stop
          </button>
        )}
      </footer>
    </article>
  );
}
