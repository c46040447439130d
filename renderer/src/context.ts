import { createContext, useContext } from 'react';
import type { LabApi } from '../../electron/api/contract';
import type { ApiSetup } from './api';

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
