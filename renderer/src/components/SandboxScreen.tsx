import type { LabView } from '../../../electron/api/contract';
import { useFocusOnMount } from '../hooks/useFocusOnMount';
import { useNow } from '../hooks/useNow';
import type { SandboxCheck } from '../hooks/useSandboxCheck';
import { LabCheckSection } from './LabCheckSection';
import { SandboxStatus } from './SandboxStatus';
import { LockIcon, useAdminButton } from './admin/AdminIndicator';
import { ScreenToolbar } from './ScreenToolbar';

interface Props {
  check: SandboxCheck;
  labs: LabView[];
  onBack(): void;
}

/**
 * The sandbox check: attacks on a throw-away copy of each lab, with a live row per attack. Going back to
 * the labs leaves it running; its results stay for the session.
 */
export function SandboxScreen({ check, labs, onBack }: Props) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const now = useNow(check.running);
  const done = check.reports !== null;
  const adminButton = useAdminButton();
  return (
    <div className="screen sandbox-screen">
      <ScreenToolbar title="Sandbox check" headingRef={heading} onBack={onBack} />
      <main className="sandbox-content" aria-label="Sandbox check">
        <section className="check-intro">
          <p>
            ClassLab starts a throw-away copy of each lab and attacks it the way a student could: fork and memory bombs, filling the disk, reaching the network,
            this computer and other labs, escaping through links and system calls. Your labs and files are not touched. This takes a few minutes.
          </p>
          <button
            type="button"
            className="button button-primary"
            disabled={check.running || labs.length === 0}
            onClick={() => check.run(labs)}
            aria-describedby={adminButton.describedBy}
          >
            {adminButton.locked && !check.running && <LockIcon />}
            {check.running ? 'Checking…' : done ? 'Run the check again' : 'Run the check'}
          </button>
        </section>
        <SandboxStatus check={check} now={now} />
        {check.labs.map((lab) => (
          <LabCheckSection key={lab.labId} lab={lab} now={now} />
        ))}
      </main>
    </div>
  );
}
