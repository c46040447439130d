// Docker's failures in the words the UI acts on. An engine that went away is ENGINE_DOWN (and the engine
// is checked again at once); a LabError stays as it is; anything else is logged and becomes INTERNAL.
import { LabError } from '../../api/errors';
import type { Logger } from '../log';

/** The socket refused, vanished or broke, or a call already said ENGINE_DOWN. */
export function isEngineGone(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'ECONNRESET' || code === 'EPIPE' || (err instanceof LabError && err.code === 'ENGINE_DOWN');
}

export interface FailureContext {
  /** Ask the engine to check itself again (engine.suspect()). */
  suspect(): void;
  log: Logger;
}

export function asLabError(ctx: FailureContext, err: unknown, what: string, fields: Record<string, unknown>): LabError {
  if (isEngineGone(err)) {
    ctx.suspect();
    return new LabError('ENGINE_DOWN', 'Docker stopped answering. ClassLab reconnects by itself when it is back.');
  }
  if (err instanceof LabError) return err;
  ctx.log.error(what, { ...fields, error: (err as Error).message });
  return new LabError('INTERNAL', (err as Error).message);
}
