// Git tokens in the secret store: one entry per remote, whatever way its address is written, https only,
// and a store that cannot be read says so with its own code.
import { describe, expect, it } from 'vitest';
import { GitCredentialStore } from '../../../electron/core/git/credentials';
import { SecretStoreError, type SecretStore } from '../../../electron/core/secrets/secret-store';

class MemoryStore implements SecretStore {
  readonly map = new Map<string, string>();
  async get(key: string) {
    return this.map.get(key) ?? null;
  }
  async set(key: string, value: string) {
    this.map.set(key, value);
  }
  async delete(key: string) {
    this.map.delete(key);
  }
  async deleteAll(prefix: string) {
    const gone = [...this.map.keys()].filter((k) => k.startsWith(prefix));
    for (const k of gone) this.map.delete(k);
    return gone.length;
  }
}

describe('git credentials', () => {
  it('keeps a token per remote, found again with or without credentials in the address', async () => {
    const store = new MemoryStore();
    const creds = new GitCredentialStore(async () => store);
    expect(await creds.get('https://git.example.org/me/work.git')).toBeUndefined();
    await creds.set('https://git.example.org/me/work.git', ' me ', ' tok-123 ');
    expect(await creds.get('https://git.example.org/me/work.git')).toEqual({ username: 'me', token: 'tok-123', origin: 'https://git.example.org' });
    expect(await creds.get('https://someone:other@git.example.org/me/work.git')).toEqual({
      username: 'me',
      token: 'tok-123',
      origin: 'https://git.example.org',
    });
    expect(await creds.has('https://git.example.org/me/other.git')).toBe(false);
    // The secret's name never holds the token.
    expect([...store.map.keys()].join()).not.toContain('tok-123');
    await creds.forget('https://git.example.org/me/work.git');
    expect(await creds.has('https://git.example.org/me/work.git')).toBe(false);
  });

  it('forgets every git sign-in at once (a machine reset), and nothing else in the store', async () => {
    const store = new MemoryStore();
    const creds = new GitCredentialStore(async () => store);
    await creds.set('https://git.example.org/a.git', 'me', 'tok-a');
    await creds.set('https://other.example.org/b.git', '', 'tok-b');
    await store.set('pack-signing:key', 'not a git secret');
    expect(await creds.forgetAll()).toBe(2);
    expect(await creds.has('https://git.example.org/a.git')).toBe(false);
    expect(await creds.has('https://other.example.org/b.git')).toBe(false);
    expect(await store.get('pack-signing:key')).toBe('not a git secret');
    expect(await creds.forgetAll()).toBe(0);
  });

  it('takes no user name when none is given', async () => {
    const store = new MemoryStore();
    const creds = new GitCredentialStore(async () => store);
    await creds.set('https://git.example.org/x.git', '', 'tok');
    expect(await creds.get('https://git.example.org/x.git')).toEqual({ token: 'tok', origin: 'https://git.example.org' });
  });

  it('refuses tokens for ssh, refused addresses and control characters', async () => {
    const creds = new GitCredentialStore(async () => new MemoryStore());
    await expect(creds.set('git@example.org:me/x.git', 'me', 'tok')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(creds.set('ext::sh -c id', 'me', 'tok')).rejects.toMatchObject({ code: 'GIT_URL_REFUSED' });
    await expect(creds.set('https://example.org/x.git', 'me', 'tok\nen')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('says so when the store cannot be read', async () => {
    const broken: SecretStore = {
      get: async () => {
        throw new SecretStoreError('unreadable', 'The saved credentials cannot be read.');
      },
      set: async () => undefined,
      delete: async () => undefined,
      deleteAll: async () => 0,
    };
    const creds = new GitCredentialStore(async () => broken);
    await expect(creds.get('https://example.org/x.git')).rejects.toMatchObject({ code: 'SECRETS_UNREADABLE' });
    expect(await creds.has('https://example.org/x.git')).toBe(false);
  });
});
