import { useId, useState } from 'react';
import { useApi } from '../../context';
import { errorMessage } from '../../errors';
import { FormDialog } from '../files/FormDialog';

interface Props {
  /** The remote the token is for (shown, and the secret store's key). */
  url: string;
  onClose(): void;
  /** The token is saved: try again. */
  onSaved(): void;
}

/** Asks once for a user name and token for a git server; ClassLab keeps it in the secret store. */
export function TokenDialog({ url, onClose, onSaved }: Props) {
  const api = useApi();
  const ids = useId();
  const [username, setUsername] = useState('');
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <FormDialog
      open
      title="Sign in to the git server"
      submitLabel="Save and try again"
      busy={busy}
      error={error}
      submitDisabled={token.trim() === ''}
      onCancel={onClose}
      onSubmit={() => {
        setBusy('Saving…');
        setError(null);
        api.git.setCredentials(url, username.trim(), token.trim()).then(
          () => onSaved(),
          (err: unknown) => {
            setBusy(null);
            setError(errorMessage(err));
          },
        );
      }}
    >
      <p>
        <strong>{url}</strong> asks who you are. Enter your user name and an access token (most servers make one under your account’s settings). It is kept in
        this computer’s secret storage, never in settings or logs.
      </p>
      <label htmlFor={`${ids}-user`}>User name</label>
      <input
        id={`${ids}-user`}
        className="text-field"
        autoFocus
        spellCheck={false}
        autoComplete="username"
        value={username}
        onChange={(e) => setUsername(e.target.value)}
      />
      <label htmlFor={`${ids}-token`}>Access token</label>
      <input id={`${ids}-token`} className="text-field" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
    </FormDialog>
  );
}
