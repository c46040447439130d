import type { Alert } from '../errors';

interface Props {
  alerts: Alert[];
  onDismiss(id: number): void;
}

/** Errors from calls, newest last, each dismissible. */
export function AlertList({ alerts, onDismiss }: Props) {
  if (alerts.length === 0) return null;
  return (
    <div className="alerts">
      {alerts.map((a) => (
        <div key={a.id} className="alert" role="alert">
          <p className="alert-message">{a.message}</p>
          <button type="button" className="icon-button" aria-label="Dismiss" title="Dismiss" onClick={() => onDismiss(a.id)}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
      ))}
    </div>
  );
}
