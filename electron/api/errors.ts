import type { ApiError, ErrorCode } from './contract';

/** An error with a code the UI can act on. Thrown in core, carried as {code, message} across IPC/WebSocket. */
export class LabError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'LabError';
    this.code = code;
  }
  toJSON(): ApiError {
    return { code: this.code, message: this.message };
  }
}

/** Any thrown value as {code, message}; unknown errors become INTERNAL with their message. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof LabError) return err.toJSON();
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message };
}
