import { createContext, useContext } from 'react';
import type { LabApi } from '../../electron/api/contract';
import type { ApiSetup } from './api';
import type { Admin } from './adminLock';

export const ApiContext = createContext<ApiSetup | null>(null);

function useSetup(): ApiSetup {
  const setup = useContext(ApiContext);
  if (!setup) throw new Error('ApiContext is missing');
  return setup;
}

export function useApi(): LabApi {
  return useSetup().api;
}

export function useConnectionMonitor(): ApiSetup['connection'] {
  return useSetup().connection;
}

/** Reports an error from any call: shown as a dismissible alert, or the engine screen for ENGINE_DOWN. */
export type ReportError = (err: unknown) => void;
export const ReportErrorContext = createContext<ReportError>(() => {});
export const useReportError = (): ReportError => useContext(ReportErrorContext);

/** The admin lock (hooks/useAdmin): its status and the way every admin action asks for the PIN. */
export const AdminContext = createContext<Admin | null>(null);
export function useAdminLock(): Admin {
  const admin = useContext(AdminContext);
  if (!admin) throw new Error('AdminContext is missing');
  return admin;
}
