import type { CheckState } from '../sandboxCheck';
import { duration, plural, tally, verdict } from '../sandboxCheck';
import { ProgressBar } from './ProgressBar';

interface Props {
  check: CheckState;
  now: number;
}

/** The whole check at a glance: progress and elapsed time while it runs, the overall verdict at the end. */
export function SandboxStatus({ check, now }: Props) {
  const t = tally(check.labs);
  if (check.running) {
    const current = check.labs.find((l) => l.stage === 'starting' || l.stage === 'running');
    const elapsed = check.startedAt === null ? '' : duration(now - check.startedAt);
    return (
      <div className="check-overall check-overall-running">
        <ProgressBar fraction={null} label="Sandbox check" />
        <p className="check-overall-line">
          <span role="status">
            {current ? `Checking ${current.title ?? current.labId}` : 'Checking'} · {plural(t.attacks, 'attack', 'attacks')} checked
            {t.notBlocked > 0 ? ` · ${t.notBlocked} NOT blocked` : ''}
          </span>
          <span className="muted" role="timer" aria-live="off">
            {elapsed} elapsed
          </span>
        </p>
      </div>
    );
  }
  if (!check.reports) return null;
  const took = check.startedAt !== null && check.finishedAt !== null ? ` Finished in ${duration(check.finishedAt - check.startedAt)}.` : '';
  const checked = check.reports.length - t.problems;
  let tone: 'good' | 'bad' | 'warn';
  let text: string;
  if (check.reports.length === 0) {
    tone = 'warn';
    text = 'There are no labs to check.';
  } else if (t.notBlocked > 0) {
    tone = 'bad';
    text = verdict(t);
  } else if (checked === 0 || t.attacks === 0) {
    tone = 'warn';
    text = check.reports.length === 1 ? 'The lab could not be checked — see below.' : 'No lab could be checked — see below.';
  } else {
    tone = t.problems > 0 ? 'warn' : 'good';
    text = verdict(t);
  }
  const notChecked = t.problems > 0 && checked > 0 ? ` ${plural(t.problems, 'lab was', 'labs were')} not checked — see below.` : '';
  return (
    <div className={`check-overall check-banner check-banner-${tone}`} role="status">
      <span className="check-banner-icon" aria-hidden="true">
        {tone === 'good' ? '✓' : tone === 'bad' ? '✗' : '!'}
      </span>
      <p>
        <strong>{text}</strong>
        {notChecked}
        <span className="muted-inherit">{took}</span>
      </p>
    </div>
  );
}
