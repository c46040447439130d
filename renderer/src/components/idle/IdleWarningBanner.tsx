import type { IdleWarning } from '../../../../electron/api/contract';
import { useNow } from '../../hooks/useNow';
import { warningText } from '../../idleWords';

interface Props {
  warning: IdleWarning | null;
  onKeepWorking(): void;
}

/** The lab view's warning before an idle stop, counting down, with "Keep working". */
export function IdleWarningBanner({ warning, onKeepWorking }: Props) {
  const now = useNow(warning !== null);
  if (!warning?.stopsAt) return null;
  return (
    <div className="limit-notice idle-warning" role="alert">
      <span aria-hidden="true">⚠</span>
      <span className="idle-warning-text">{warningText(warning.stopsAt, warning.idleMinutesSoFar, now)} Its files are kept when it stops.</span>
      <button type="button" className="button button-primary" onClick={onKeepWorking}>
        Keep working
      </button>
    </div>
  );
}
