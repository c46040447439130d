import type { LabView } from '../../../electron/api/contract';
import type { LabAction } from '../hooks/useLabActions';
import { LabNotRunning } from './LabNotRunning';
import { LabToolbar } from './LabToolbar';
import { NotebookArea } from './NotebookArea';
import { ProgressView } from './ProgressView';
import { StartingView } from './StartingView';

interface Props {
  lab: LabView;
  busy: LabAction | null;
  run(action: LabAction, id: string): Promise<unknown>;
  onBack(): void;
}

/** One lab: a toolbar and its notebook once ready; progress while it starts; why, when it is not running. */
export function LabScreen({ lab, busy, run, onBack }: Props) {
  let body;
  if (lab.phase === 'ready' && busy !== 'reset') {
    body = <NotebookArea lab={lab} />;
  } else if (busy === 'reset') {
    body = <ProgressView title="Resetting the lab…" detail="The container is recreated; the workspace is kept." />;
  } else if (lab.phase === 'starting' || busy === 'open') {
    body = <StartingView lab={lab} />;
  } else if (lab.phase === 'stopping') {
    body = <ProgressView title="Stopping the lab…" />;
  } else {
    body = <LabNotRunning lab={lab} onOpenAgain={() => void run('open', lab.id)} />;
  }
  return (
    <div className="screen lab-screen">
      <LabToolbar
        lab={lab}
        busy={busy}
        onBack={onBack}
        onStop={() => void run('stop', lab.id)}
        onReset={() => void run('reset', lab.id)}
      />
      <main className="lab-body" aria-label={lab.title}>
        {body}
      </main>
    </div>
  );
}
