import { useEffect, useId, useRef, useState } from 'react';
import type { AdminStatus } from '../../../../electron/api/contract';
import { useApi } from '../../context';
import { errorMessage } from '../../errors';
import { useNow } from '../../hooks/useNow';
import { FormDialog } from '../files/FormDialog';
import '../../files.css';
import '../../admin.css';

interface Props {
  /** What asked for the PIN ("The sandbox check"), or null for the header's Unlock button. */
  what: string | null;
  /** The area is open (with its new status), or the user cancelled (null). */
  onDone(status: AdminStatus | null): void;
}

/** Asks for the admin PIN. A wrong one says "Wrong PIN." and nothing more; after too many, it counts down the wait. */
export function UnlockDialog({ what, onDone }: Props) {
  const api = useApi();
  const id = useId();
  const field = useRef<HTMLInputElement>(null);
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** When a PIN may be tried again (ms since epoch), or 0. */
  const [retryAt, setRetryAt] = useState(0);
  const now = useNow(retryAt > 0, 250);
  const waitSeconds = retryAt > 0 ? Math.max(0, Math.ceil((retryAt - now) / 1000)) : 0;

  const readWait = (status: AdminStatus) => setRetryAt(status.retryAfterSeconds > 0 ? Date.now() + status.retryAfterSeconds * 1000 : 0);
  useEffect(() => {
    api.admin.status().then(readWait, () => {});
  }, [api]);
  useEffect(() => {
    if (retryAt > 0 && waitSeconds === 0) {
      setRetryAt(0);
      field.current?.focus();
    }
  }, [retryAt, waitSeconds]);

  return (
    <FormDialog
      open
      title="Unlock the admin area"
      submitLabel="Unlock"
      busy={busy}
      error={error}
      submitDisabled={pin === '' || waitSeconds > 0}
      onCancel={() => onDone(null)}
      onSubmit={() => {
        setBusy('Checking the PIN…');
        setError(null);
        api.admin.unlock(pin).then(
          (status) => onDone(status),
          (err: unknown) => {
            setBusy(null);
            setPin('');
            // The message as the core gives it: "Wrong PIN." or the wait, with no hint about the PIN.
            setError(errorMessage(err));
            api.admin.status().then(readWait, () => {});
            field.current?.focus();
          },
        );
      }}
    >
      <p>{what ? `${what} needs the admin PIN.` : 'Enter the admin PIN to change images, packs and settings or run the sandbox check.'}</p>
      <label htmlFor={`${id}-pin`}>Admin PIN</label>
      <input
        id={`${id}-pin`}
        ref={field}
        className="text-field"
        type="password"
        autoComplete="off"
        autoFocus
        spellCheck={false}
        value={pin}
        disabled={waitSeconds > 0}
        aria-describedby={waitSeconds > 0 ? `${id}-wait` : undefined}
        onChange={(e) => setPin(e.target.value)}
      />
      {waitSeconds > 0 && (
        <p id={`${id}-wait`} className="admin-wait" role="timer" aria-live="off">
          Too many wrong PINs. You can try again in {waitSeconds} s.
        </p>
      )}
      <p className="small">
        Forgot it? Whoever uses this computer’s own account can remove it there with <code>classlab admin forget-pin</code> (see the README).
      </p>
    </FormDialog>
  );
}
