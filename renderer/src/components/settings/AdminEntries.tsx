import { LockIcon, useAdminButton } from '../admin/AdminIndicator';

interface Props {
  onSettings(): void;
  onHostTerminal(): void;
}

/** The launcher's way to the machine settings and the host terminal: admin only (a padlock while locked). */
export function AdminEntries({ onSettings, onHostTerminal }: Props) {
  const { locked, describedBy } = useAdminButton();
  return (
    <>
      <button type="button" className="button" onClick={onSettings} aria-describedby={describedBy} title="This computer's settings (admin)">
        {locked && <LockIcon />}
        Settings
      </button>
      <button
        type="button"
        className="button"
        onClick={onHostTerminal}
        aria-describedby={describedBy}
        title="A shell on this computer, for Docker set-up and diagnostics (admin)"
      >
        {locked && <LockIcon />}
        Host terminal
      </button>
    </>
  );
}
