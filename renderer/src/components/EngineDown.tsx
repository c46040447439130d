import type { EngineStatus } from '../../../electron/api/contract';
import { useNow } from '../hooks/useNow';

interface Props {
  status: EngineStatus;
  checking: boolean;
  onCheckNow(): void;
  /**
   * Opens the settings (admin) to choose another engine: without it, an engine address that does not
   * answer would leave only the command line to undo it.
   */
  onEngineSettings?(): void;
}

/** Docker is not reachable: say so, say what to do, and count down to the next automatic check. */
export function EngineDown({ status, checking, onCheckNow, onEngineSettings }: Props) {
  const now = useNow(status.nextCheckAt !== null);
  const seconds = status.nextCheckAt === null ? null : Math.ceil((status.nextCheckAt - now) / 1000);
  const countdown = checking || (seconds !== null && seconds <= 0) ? 'Checking…' : seconds === null ? null : `Checking again in ${seconds}s`;
  return (
    <main className="screen screen-center" aria-labelledby="engine-title">
      <div className="panel panel-engine">
        <div className="engine-icon" aria-hidden="true">
          <svg viewBox="0 0 48 48" width="48" height="48">
            <rect x="5" y="13" width="38" height="24" rx="3" fill="none" stroke="currentColor" strokeWidth="3" />
            <path d="M14 18v14M21 18v14M28 18v14M35 18v14" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" />
            <path d="M8 42 40 8" stroke="currentColor" strokeWidth="3.5" strokeLinecap="round" />
          </svg>
        </div>
        <h1 id="engine-title">Docker is not running</h1>
        <p className="engine-problem">{status.problem ?? 'ClassLab cannot reach a Docker engine on this computer.'}</p>
        {status.hint && <p className="engine-hint">{status.hint}</p>}
        {status.endpoint && (
          <p className="small muted">
            Looked for it at <code>{status.endpoint}</code>
          </p>
        )}
        <div className="engine-actions">
          <button type="button" className="button button-primary" onClick={onCheckNow} disabled={checking}>
            Check now
          </button>
          {onEngineSettings && (
            <button type="button" className="button" onClick={onEngineSettings}>
              Choose another engine…
            </button>
          )}
          {countdown && (
            <span className="muted" role="timer" aria-live="off">
              {countdown}
            </span>
          )}
        </div>
        <p className="visually-hidden" role="status">
          {checking ? 'Checking for Docker…' : ''}
        </p>
      </div>
    </main>
  );
}
