import { apiErrorOf } from '../../electron/api/client';
import type { ErrorCode } from '../../electron/api/contract';

export interface Alert {
  id: number;
  code: ErrorCode | null;
  message: string;
}

/**
 * The code of a failed call. By shape, not by class: in Electron the preload rejects with a plain
 * {code, message} object (contextBridge would drop an Error's code), in the browser with a LabApiError.
 */
export function errorCode(err: unknown): ErrorCode | null {
  const e = apiErrorOf(err);
  return e.code === 'INTERNAL' && !(err && typeof err === 'object' && 'code' in err) ? null : e.code;
}

export function errorMessage(err: unknown): string {
  if (typeof err === 'string' && err) return err;
  return apiErrorOf(err).message || 'Something went wrong.';
}
