import { useEffect, useId, useState, type FormEvent } from 'react';
import type { EngineStatus, SettingsPatch } from '../../../../electron/api/contract';

interface Props {
  /** The engine in use now (the app's own status, kept up to date by engine:changed), or null before it is known. */
  status: EngineStatus | null;
  /** The saved engine address, or null: an engine on this computer. */
  engineHost: string | null;
  saving: boolean;
  error: string | undefined;
  onSave(patch: SettingsPatch): Promise<boolean>;
}

/** The address forms ClassLab takes (the core checks the address again and says what is wrong). */
const ADDRESS_FORM = /^(ssh:\/\/\S+|tcp:\/\/\S+|unix:\/\/\/\S+)$/;

/**
 * Which Docker engine this computer's ClassLab uses: its own, or one on a server over ssh (issue #16).
 * Saving switches at once; the engine's status below says whether it answers. DOCKER_HOST in ClassLab's
 * environment wins over this setting, as it does for the docker CLI.
 */
export function EngineSetting({ status, engineHost, saving, error, onSave }: Props) {
  const id = useId();
  const [remote, setRemote] = useState(engineHost !== null);
  const [text, setText] = useState(engineHost ?? '');
  useEffect(() => {
    setRemote(engineHost !== null);
    setText(engineHost ?? '');
  }, [engineHost]);
  const address = text.trim();
  const problem = !remote
    ? null
    : address === ''
      ? 'Write the server’s address.'
      : ADDRESS_FORM.test(address)
        ? null
        : 'Write ssh://user@server or ssh://user@server:port.';
  const unchanged = remote ? address === engineHost : engineHost === null;
  const submit = (ev: FormEvent): void => {
    ev.preventDefault();
    if (problem || unchanged) return;
    void onSave({ engineHost: remote ? address : null });
  };
  const shown = problem ?? error ?? null;

  return (
    <section className="admin-page-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Docker engine</h2>
      <form className="settings-engine" onSubmit={submit}>
        <div role="radiogroup" aria-labelledby={`${id}-title`} className="settings-choices">
          <label className="settings-choice">
            <input type="radio" name={`${id}-kind`} checked={!remote} disabled={saving} onChange={() => setRemote(false)} />
            This computer’s engine
          </label>
          <label className="settings-choice">
            <input type="radio" name={`${id}-kind`} checked={remote} disabled={saving} onChange={() => setRemote(true)} />
            An engine on a server, over ssh
          </label>
        </div>
        {remote && (
          <>
            <label htmlFor={`${id}-address`} className="visually-hidden">
              Server address
            </label>
            <input
              id={`${id}-address`}
              className="text-field settings-engine-address"
              type="text"
              spellCheck={false}
              autoComplete="off"
              placeholder="ssh://student@lab-server.example.edu"
              value={text}
              aria-invalid={shown ? true : undefined}
              aria-describedby={`${id}-hint`}
              onChange={(ev) => setText(ev.target.value)}
            />
          </>
        )}
        <span>
          <button type="submit" className="button" disabled={saving || problem !== null || unchanged}>
            Use this engine
          </button>
        </span>
        <span id={`${id}-hint`} className={`field-hint ${shown ? 'settings-problem' : 'muted'}`} role={error ? 'alert' : undefined}>
          {shown ??
            (remote
              ? 'Keys come from your ssh agent or ~/.ssh; the server’s host key must be in ~/.ssh/known_hosts (`classlab engine trust`). Labs run on the server; their notebooks are reached through the ssh connection.'
              : 'Docker Desktop, Podman or the Docker engine on this computer.')}
        </span>
      </form>
      {status && <EngineStatusLine status={status} />}
    </section>
  );
}

/** The engine in use now, in a line: where, and whether it answers (with what is wrong when it does not). */
function EngineStatusLine({ status }: { status: EngineStatus }) {
  if (status.state === 'checking') return <p className="muted small">Looking for the engine…</p>;
  if (status.state === 'up')
    return (
      <p className="small" role="status">
        In use: <code>{status.endpoint ?? 'this computer'}</code>
        {status.version ? ` (Docker ${status.version})` : ''}, answering.
      </p>
    );
  return (
    <p className="small settings-problem" role="status">
      Not answering: {status.problem ?? 'no engine answered.'}
    </p>
  );
}
