import { useId, useState } from 'react';
import type { RepoStatus } from '../../../../electron/api/contract';
import { useApi } from '../../context';
import { errorCode, errorMessage } from '../../errors';
import { TokenDialog } from './TokenDialog';

interface Props {
  labId: string;
  ready: boolean;
  /** The folder suggested at first (the course folder, when there is one). */
  initialFolder: string;
}

type Busy = 'status' | 'commit' | 'push' | null;

const CHANGE: Record<RepoStatus['changed'][number]['change'], string> = { added: 'new', modified: 'changed', deleted: 'deleted' };

/** A workspace folder's own repository: what changed, commit with a message, push to a remote of the user's. */
export function RepoSection({ labId, ready, initialFolder }: Props) {
  const api = useApi();
  const ids = useId();
  const [folder, setFolder] = useState(initialFolder);
  const [status, setStatus] = useState<RepoStatus | null>(null);
  const [message, setMessage] = useState('');
  const [remote, setRemote] = useState('');
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<{ code: string | null; text: string } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [askToken, setAskToken] = useState<string | null>(null);

  const run = async (what: Exclude<Busy, null>, work: () => Promise<string | null>) => {
    setBusy(what);
    setError(null);
    setDone(null);
    try {
      setDone(await work());
      const next = await api.git.repoStatus(labId, folder);
      setStatus(next);
      if (!remote && next.remoteUrl) setRemote(next.remoteUrl);
    } catch (err) {
      setError({ code: errorCode(err), text: errorMessage(err) });
    } finally {
      setBusy(null);
    }
  };
  const check = () => void run('status', async () => null);
  const commit = () =>
    void run('commit', async () => {
      const r = await api.git.commit(labId, folder, message, null);
      if (r.commit === null) return 'Nothing to commit: no file changed since the last commit.';
      setMessage('');
      return `Committed ${r.files === 1 ? '1 file' : `${r.files} files`}.`;
    });
  const push = () =>
    void run('push', async () => {
      await api.git.push(labId, folder, remote);
      return `Pushed to ${remote}.`;
    });

  const disabled = !ready || busy !== null || folder.trim() === '';
  return (
    <section className="git-section" aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`}>Push a folder to your own repository</h3>
      <label htmlFor={`${ids}-folder`}>Folder in your workspace</label>
      <div className="git-row">
        <input
          id={`${ids}-folder`}
          className="text-field"
          spellCheck={false}
          value={folder}
          onChange={(e) => {
            setFolder(e.target.value);
            setStatus(null);
          }}
        />
        <button type="button" className="button" disabled={disabled} onClick={check}>
          {busy === 'status' ? 'Checking…' : 'Check'}
        </button>
      </div>
      {!ready && <p className="git-hint">Open the lab to use git on its folders.</p>}
      {status && (
        <div className="git-status" role="status" aria-label="Folder status">
          <p>
            {status.changed.length === 0
              ? 'No changes since the last commit.'
              : `${status.changed.length === 1 ? '1 file' : `${status.changed.length} files`} changed since the last commit.`}{' '}
            {status.remoteKnown
              ? `${status.ahead} commit${status.ahead === 1 ? '' : 's'} not pushed yet.`
              : status.lastCommit
                ? `${status.ahead} commit${status.ahead === 1 ? '' : 's'}, never pushed.`
                : 'No commit yet.'}
          </p>
          {status.changed.length > 0 && (
            // It scrolls when long: focusable, so the keyboard can scroll it too.
            <ul className="git-changes" tabIndex={0} aria-label="Changed files">
              {status.changed.slice(0, 50).map((c) => (
                <li key={c.path}>
                  <span className={`git-change git-change-${c.change}`}>{CHANGE[c.change]}</span> {c.path}
                </li>
              ))}
              {status.changed.length > 50 && <li>and {status.changed.length - 50} more</li>}
            </ul>
          )}
        </div>
      )}
      {status && status.skipped.length > 0 && <SkippedNotice skipped={status.skipped} />}
      <label htmlFor={`${ids}-message`}>Commit message</label>
      <textarea id={`${ids}-message`} className="text-field" rows={2} value={message} onChange={(e) => setMessage(e.target.value)} />
      <div className="git-actions">
        <button type="button" className="button" disabled={disabled || message.trim() === ''} onClick={commit}>
          {busy === 'commit' ? 'Committing…' : 'Commit'}
        </button>
      </div>
      <label htmlFor={`${ids}-remote`}>Remote address</label>
      <input
        id={`${ids}-remote`}
        className="text-field"
        spellCheck={false}
        placeholder="https://git.example.org/you/project.git"
        value={remote}
        onChange={(e) => setRemote(e.target.value)}
      />
      <div className="git-actions">
        <button type="button" className="button" disabled={disabled || remote.trim() === ''} onClick={push}>
          {busy === 'push' ? 'Pushing…' : 'Push'}
        </button>
      </div>
      {done && (
        <p className="git-ok" role="status">
          {done}
        </p>
      )}
      {error && (
        <div className="git-error" role="alert">
          <p>{error.text}</p>
          {error.code === 'GIT_AUTH_FAILED' && (
            <button type="button" className="button" onClick={() => setAskToken(remote)}>
              Enter a token
            </button>
          )}
        </div>
      )}
      {askToken && (
        <TokenDialog
          url={askToken}
          onClose={() => setAskToken(null)}
          onSaved={() => {
            setAskToken(null);
            push();
          }}
        />
      )}
    </section>
  );
}

/** What the copy out of the lab left out (repositories made inside the lab), and why: said once, then each item. */
function SkippedNotice({ skipped }: { skipped: RepoStatus['skipped'] }) {
  const ids = useId();
  return (
    <div className="git-skipped" role="note" aria-labelledby={`${ids}-title`}>
      <p id={`${ids}-title`} className="git-skipped-title">
        Skipped {skipped.length === 1 ? '1 item' : `${skipped.length} items`}: git repositories made inside the lab
      </p>
      <p>
        ClassLab never reads a repository made inside a lab, because its settings could run programs on this computer.{' '}
        {skipped.length === 1 ? 'It is' : 'They are'} not committed or pushed, and stay in the lab as they are.
      </p>
      <ul className="git-skipped-list">
        {skipped.slice(0, 20).map((s) => (
          <li key={s.path}>
            <code>{s.path}</code> — {s.reason}
          </li>
        ))}
        {skipped.length > 20 && <li>and {skipped.length - 20} more</li>}
      </ul>
    </div>
  );
}
