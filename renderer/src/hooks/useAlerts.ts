import { useCallback, useRef, useState } from 'react';
import { errorCode, errorMessage, type Alert } from '../errors';

const MAX_ALERTS = 4;

export interface Alerts {
  alerts: Alert[];
  push(err: unknown): void;
  dismiss(id: number): void;
}

export function useAlerts(): Alerts {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const nextId = useRef(1);
  const push = useCallback((err: unknown) => {
    const alert: Alert = { id: nextId.current++, code: errorCode(err), message: errorMessage(err) };
    setAlerts((list) => [...list.filter((a) => a.message !== alert.message), alert].slice(-MAX_ALERTS));
  }, []);
  const dismiss = useCallback((id: number) => setAlerts((list) => list.filter((a) => a.id !== id)), []);
  return { alerts, push, dismiss };
}
