// Git tokens in the secret store: one entry per remote (server and repository path, see gitSecretKey),
// holding the user name and token as JSON. Never in settings, never in a log; they reach git only through
// the askpass script's environment (git-runner.ts).
import { LabError } from '../../api/errors';
import { GIT_SECRET_PREFIX, gitSecretKey, SecretStoreError, type SecretStore } from '../secrets/secret-store';
import { credentialOrigin, type GitCredentials } from './git-runner';
import { parseRemoteUrl } from './remote-url';

export class GitCredentialStore {
  constructor(private readonly secrets: () => Promise<SecretStore>) {}

  /** The saved credentials for a remote, or undefined. They carry the address they were saved for: git's askpass answers only for it. */
  async get(url: string): Promise<GitCredentials | undefined> {
    const remote = parseRemoteUrl(url, { allowLocal: true });
    if (remote.kind !== 'https' && remote.kind !== 'http') return undefined;
    const raw = await this.call((s) => s.get(gitSecretKey(remote.url)));
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as { username?: unknown; token?: unknown };
      if (typeof parsed.token !== 'string' || parsed.token === '') return undefined;
      const origin = credentialOrigin(remote.url);
      return typeof parsed.username === 'string' && parsed.username !== ''
        ? { username: parsed.username, token: parsed.token, origin }
        : { token: parsed.token, origin };
    } catch {
      return undefined;
    }
  }

  async has(url: string): Promise<boolean> {
    return (await this.get(url).catch(() => undefined)) !== undefined;
  }

  /** Saves a token for a remote (https only: ssh uses keys, and a token would go in clear over http). */
  async set(url: string, username: string, token: string): Promise<void> {
    const remote = parseRemoteUrl(url, { allowLocal: true });
    if (remote.kind !== 'https' && remote.kind !== 'http')
      throw new LabError('BAD_REQUEST', 'Only https:// addresses take a token; ssh uses your keys and local folders need none.');
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(username + token))
      throw new LabError('BAD_REQUEST', 'A user name or token cannot hold line breaks or control characters.');
    await this.call((s) => s.set(keyOf(remote.url), JSON.stringify({ username: username.trim(), token: token.trim() })));
  }

  async forget(url: string): Promise<void> {
    await this.call((s) => s.delete(keyOf(url)));
  }

  /** Forgets every saved git sign-in (a machine reset between groups); how many there were. */
  async forgetAll(): Promise<number> {
    return this.call((s) => s.deleteAll(GIT_SECRET_PREFIX));
  }

  private async call<T>(fn: (s: SecretStore) => Promise<T>): Promise<T> {
    try {
      return await fn(await this.secrets());
    } catch (err) {
      if (err instanceof SecretStoreError) throw new LabError(err.problem === 'unreadable' ? 'SECRETS_UNREADABLE' : 'BAD_REQUEST', err.message);
      throw err;
    }
  }
}

/** The secret's name for a remote: from its address without credentials, so both spellings share one entry. */
function keyOf(url: string): string {
  return gitSecretKey(parseRemoteUrl(url, { allowLocal: true }).url);
}
