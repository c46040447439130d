import { useSyncExternalStore } from 'react';
import type { ConnectionState } from '../connection/connectionState';
import { useConnectionMonitor } from '../context';

export function useConnection(): ConnectionState {
  const monitor = useConnectionMonitor();
  return useSyncExternalStore(monitor.watch, monitor.get);
}
