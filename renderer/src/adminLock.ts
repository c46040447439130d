// The admin lock as the UI sees it (hooks/useAdmin.ts implements it; context.ts hands it out).
import type { AdminStatus } from '../../electron/api/contract';

/** A question for the PIN that a dialog answers: set the first one, or unlock. */
export interface AdminRequest {
  kind: 'set' | 'unlock';
  /** What asked, in words ("Building an image"), or null for the header's own button. */
  what: string | null;
  /** The dialog is done: true when the admin area is now open. */
  finish(unlocked: boolean): void;
}

export interface Admin {
  /** null until the first answer. */
  status: AdminStatus | null;
  /** The open question for the PIN, or null. */
  request: AdminRequest | null;
  /** A dialog's result: the new status (after a PIN was set or the area unlocked). */
  statusChanged(status: AdminStatus): void;
  /** Asks for the PIN (or to set one) unless the area is open; resolves true once it is. */
  ensure(what: string | null): Promise<boolean>;
  /**
   * Runs an admin call: asks for the PIN first when locked, and once more if the call still answers
   * LOCKED (the area locked itself meanwhile). Resolves null when the user cancelled.
   */
  asAdmin<T>(what: string, call: () => Promise<T>): Promise<T | null>;
  lock(): Promise<void>;
}
