import type { ConnectionState } from '../connection/connectionState';
import { useConnectionMonitor } from '../context';
import { useNow } from '../hooks/useNow';

interface Props {
  state: Extract<ConnectionState, { kind: 'reconnecting' }>;
}

/** Shown over the last screen while the WebSocket to the bridge is down. */
export function ReconnectBanner({ state }: Props) {
  const monitor = useConnectionMonitor();
  const now = useNow(true, 500);
  const seconds = Math.max(0, Math.ceil((state.retryAt - now) / 1000));
  return (
    <div className="banner banner-warn" role="status">
      <span>Lost the connection to ClassLab. {seconds > 0 ? `Reconnecting in ${seconds}s…` : 'Reconnecting…'}</span>
      <button type="button" className="button button-small" onClick={() => monitor.retryNow()}>
        Retry now
      </button>
    </div>
  );
}
