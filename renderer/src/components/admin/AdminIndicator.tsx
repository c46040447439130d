import { useAdminLock } from '../../context';
import '../../admin.css';

/** Student mode or Admin, in the header, with Lock (or the way in). The same session for every window and tab. */
export function AdminIndicator() {
  const admin = useAdminLock();
  const status = admin.status;
  if (!status) return null;
  return (
    <div className="admin-mode" role="group" aria-label="Admin lock">
      <span className={`badge ${status.unlocked ? 'badge-warn' : 'badge-neutral'}`} aria-live="polite">
        {status.unlocked ? 'Admin' : 'Student mode'}
      </span>
      {status.unlocked ? (
        <button type="button" className="button" onClick={() => void admin.lock()} title={`Locks by itself after ${status.lockMinutes} idle minutes`}>
          <LockIcon /> Lock
        </button>
      ) : (
        <button type="button" className="button button-ghost" onClick={() => void admin.ensure(null)}>
          {status.pinSet ? 'Unlock admin' : 'Set admin PIN'}
        </button>
      )}
    </div>
  );
}

/** A padlock, drawn (no emoji font needed). */
export function LockIcon() {
  return (
    <svg className="lock-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <rect x="3" y="7" width="10" height="8" rx="1.5" fill="currentColor" />
      <path d="M5 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" strokeWidth="1.6" />
    </svg>
  );
}

/** The id of the hidden text that admin buttons point to while locked ("Asks for the admin PIN"). */
export const ADMIN_HINT_ID = 'admin-pin-hint';

/** Once per page: what a locked admin button's description says. */
export function AdminHint() {
  return (
    <span id={ADMIN_HINT_ID} hidden>
      Asks for the admin PIN
    </span>
  );
}

/** Props for an admin action's button: a padlock while locked, and a description that says it will ask. */
export function useAdminButton(): { locked: boolean; describedBy: string | undefined } {
  const { status } = useAdminLock();
  const locked = status !== null && !status.unlocked;
  return { locked, describedBy: locked ? ADMIN_HINT_ID : undefined };
}
