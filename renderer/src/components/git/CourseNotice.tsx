import type { GitProgress } from '../../../../electron/api/contract';
import '../../git.css';

interface Props {
  notice: GitProgress | null;
  onShow(): void;
  onDismiss(): void;
}

/** A sync ClassLab ran by itself when the lab opened: what it did, or why it failed — a notice, never an error screen. */
export function CourseNotice({ notice, onShow, onDismiss }: Props) {
  if (!notice) return null;
  const failed = notice.stage === 'failed';
  const text = failed
    ? `The course could not be synced: ${notice.error?.message ?? 'unknown reason'}`
    : `Course materials: ${notice.result?.report.summary[0] ?? 'up to date.'}`;
  return (
    <div className={`course-notice${failed ? ' course-notice-failed' : ''}`} role="status">
      <span>{text}</span>
      <button type="button" className="button button-small" onClick={onShow}>
        Details
      </button>
      <button type="button" className="button button-small button-ghost" aria-label="Dismiss the course notice" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
