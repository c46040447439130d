import type { LabView } from '../../../electron/api/contract';
import { allowedActions, isRunning } from '../../../electron/api/phase-rules';
import { LogDisclosure } from './LogDisclosure';

interface Props {
  lab: LabView;
  onOpenAgain(): void;
}

/** The lab view when the lab is not (or no longer) running: why, and a way to open it again (the toolbar leads back). */
export function LabNotRunning({ lab, onOpenAgain }: Props) {
  const canOpen = allowedActions(lab.phase).open && !isRunning(lab.phase);
  const title =
    lab.phase === 'error'
      ? 'The lab stopped with an error'
      : lab.phase === 'image-missing'
        ? "The lab's image is missing"
        : lab.phase === 'building'
          ? "The lab's image is being built"
          : 'The lab is not running';
  return (
    <div className="progress-view">
      <div className="panel" role="status">
        <h2>{title}</h2>
        {lab.reason ? <p>{lab.reason}</p> : lab.phase === 'stopped' && <p>It was stopped. Its workspace and files are kept.</p>}
        {lab.phase === 'error' && <LogDisclosure lines={lab.logTail} summary="Last log lines" />}
        {canOpen && (
          <div className="panel-actions">
            <button type="button" className="button button-primary" onClick={onOpenAgain}>
              Open again
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
