import { useId, useState } from 'react';
import { NEW_ADMIN_PIN, type AdminStatus } from '../../../../electron/api/contract';
import { useApi } from '../../context';
import { errorMessage } from '../../errors';
import { FormDialog } from '../files/FormDialog';
import '../../files.css';
import '../../admin.css';

interface Props {
  /** The admin action that asked ("Building an image"), or null for the header's button. */
  what: string | null;
  lockMinutes: number;
  /** The PIN is set and the area open (its new status), or the user cancelled (null). */
  onDone(status: AdminStatus | null): void;
}

/** The first admin action on this computer: choose the admin PIN (typed twice). */
export function SetPinDialog({ what, lockMinutes, onDone }: Props) {
  const api = useApi();
  const id = useId();
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const checked = NEW_ADMIN_PIN.safeParse(pin);
  const tooShort = pin !== '' && !checked.success;
  return (
    <FormDialog
      open
      title="Set an admin PIN"
      submitLabel="Set PIN"
      busy={busy}
      error={error}
      submitDisabled={pin === '' || again === ''}
      onCancel={() => onDone(null)}
      onSubmit={() => {
        if (!checked.success) return setError(checked.error.issues[0]?.message ?? 'That cannot be a PIN.');
        if (pin !== again) return setError('The two PINs are not the same.');
        setBusy('Setting the PIN…');
        setError(null);
        api.admin.setPin(null, pin).then(
          (status) => onDone(status),
          (err: unknown) => {
            setBusy(null);
            setError(errorMessage(err));
          },
        );
      }}
    >
      <p>
        {what ? `${what} is an admin action, and this computer has no admin PIN yet. ` : 'This computer has no admin PIN yet. '}
        Choose one for the admin area.
      </p>
      <p>
        With a PIN, ClassLab starts in <strong>student mode</strong>: students open, stop and reset their labs and use notebooks, terminals, files and course
        sync; images, packs, settings and the sandbox check ask for the PIN. The admin area locks again after {lockMinutes} idle minutes, or when you press
        Lock.
      </p>
      <label htmlFor={`${id}-pin`}>New PIN</label>
      <input
        id={`${id}-pin`}
        className="text-field"
        type="password"
        autoComplete="new-password"
        autoFocus
        spellCheck={false}
        value={pin}
        aria-invalid={tooShort}
        aria-describedby={`${id}-hint`}
        onChange={(e) => setPin(e.target.value)}
      />
      <p id={`${id}-hint`} className="field-hint">
        At least 4 digits or characters.
      </p>
      <label htmlFor={`${id}-again`}>The same PIN again</label>
      <input
        id={`${id}-again`}
        className="text-field"
        type="password"
        autoComplete="new-password"
        spellCheck={false}
        value={again}
        onChange={(e) => setAgain(e.target.value)}
      />
      <p className="small">ClassLab keeps only a salted hash of it, in its data folder on this computer.</p>
    </FormDialog>
  );
}
