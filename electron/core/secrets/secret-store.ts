// Where ClassLab keeps tokens (git credentials): never in settings, never in a log. One interface, two
// ciphers behind the same file format:
// - in the Electron app, the OS's secret storage through Electron's safeStorage (Keychain on macOS,
//   DPAPI on Windows, the Secret Service or KWallet on Linux) — see electron/shell/secret-store.ts;
// - where Electron is absent (CLI, bridge, tests), AES-256-GCM with a random key in a 0600 key file
//   (aes-cipher.ts).
// The store is one encrypted file holding a JSON map of key → value; names are encrypted too. Writes go
// to a temporary file that is renamed over the old one, so a crash never leaves half a file.
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Deletes every secret whose name starts with `prefix`; how many there were. */
  deleteAll(prefix: string): Promise<number>;
}

/** Turns bytes into ciphertext and back. The Electron shell implements it with safeStorage. */
export interface SecretCipher {
  encrypt(plain: Buffer): Buffer | Promise<Buffer>;
  /** Throws when the data was not made with this cipher's key or was changed. */
  decrypt(data: Buffer): Buffer | Promise<Buffer>;
}

export type SecretStoreProblem = 'unreadable' | 'bad-key';

export class SecretStoreError extends Error {
  constructor(
    readonly problem: SecretStoreProblem,
    message: string,
  ) {
    super(message);
    this.name = 'SecretStoreError';
  }
}

const MAGIC = Buffer.from('CLSECRET1\n');
const KEY = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$/;
const MAX_VALUE = 64 * 1024;

function checkKey(key: string): void {
  if (typeof key !== 'string' || !KEY.test(key)) throw new SecretStoreError('bad-key', 'A secret name is 1–200 letters, digits or . _ : / @ + -.');
}

/** A SecretStore in one file, encrypted by `cipher`. Calls are serialized within this process. */
export class CipherFileSecretStore implements SecretStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly cipher: SecretCipher,
  ) {}

  get(key: string): Promise<string | null> {
    checkKey(key);
    return this.serial(async () => (await this.load()).get(key) ?? null);
  }

  set(key: string, value: string): Promise<void> {
    checkKey(key);
    if (typeof value !== 'string' || value.length > MAX_VALUE) throw new SecretStoreError('bad-key', 'A secret is text of at most 64 KiB.');
    return this.serial(async () => {
      const map = await this.load();
      map.set(key, value);
      await this.save(map);
    });
  }

  delete(key: string): Promise<void> {
    checkKey(key);
    return this.serial(async () => {
      const map = await this.load();
      if (map.delete(key)) await this.save(map);
    });
  }

  deleteAll(prefix: string): Promise<number> {
    return this.serial(async () => {
      const map = await this.load();
      const gone = [...map.keys()].filter((k) => k.startsWith(prefix));
      for (const k of gone) map.delete(k);
      if (gone.length) await this.save(map);
      return gone.length;
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async load(): Promise<Map<string, string>> {
    let data: Buffer;
    try {
      data = await fs.readFile(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw err;
    }
    const unreadable = () =>
      new SecretStoreError(
        'unreadable',
        `The saved credentials in ${this.file} cannot be read: the file is damaged or was made with another key. Delete it and enter the credentials again.`,
      );
    if (!data.subarray(0, MAGIC.length).equals(MAGIC)) throw unreadable();
    let plain: Buffer;
    try {
      plain = await this.cipher.decrypt(data.subarray(MAGIC.length));
    } catch {
      throw unreadable();
    }
    try {
      const parsed = JSON.parse(plain.toString('utf8')) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a map');
      return new Map(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch {
      throw unreadable();
    } finally {
      plain.fill(0);
    }
  }

  private async save(map: Map<string, string>): Promise<void> {
    const plain = Buffer.from(JSON.stringify(Object.fromEntries(map)), 'utf8');
    const data = Buffer.concat([MAGIC, await this.cipher.encrypt(plain)]);
    plain.fill(0);
    await writeFileAtomic(this.file, data, 0o600);
  }
}

/** Writes `data` to a temporary file beside `file`, flushes it, and renames it over `file`. */
export async function writeFileAtomic(file: string, data: Buffer, mode: number): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const handle = await fs.open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/** Every git remote's token is stored under a name with this prefix. */
export const GIT_SECRET_PREFIX = 'git:';

/** The secret-store key for a git remote's token (one per server and repository path). */
export function gitSecretKey(url: string): string {
  const u = /^[a-z]+:\/\/([^/@]*@)?([^/]+)(\/[^?#]*)?/i.exec(url);
  const host = u?.[2] ?? 'local';
  const repo = (u?.[3] ?? url).replace(/[^A-Za-z0-9._/@+-]/g, '_').replace(/^\/+/, '');
  return `${GIT_SECRET_PREFIX}${host.replace(/[^A-Za-z0-9._-]/g, '_')}/${repo}`.slice(0, 200);
}

/** A SecretStore that lives only in this process: throw-away keys (the Sandbox check's forged packs), tests. */
export class MemorySecretStore implements SecretStore {
  private readonly map = new Map<string, string>();
  async get(key: string): Promise<string | null> {
    checkKey(key);
    return this.map.get(key) ?? null;
  }
  async set(key: string, value: string): Promise<void> {
    checkKey(key);
    this.map.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.map.delete(key);
  }
  async deleteAll(prefix: string): Promise<number> {
    const gone = [...this.map.keys()].filter((k) => k.startsWith(prefix));
    for (const k of gone) this.map.delete(k);
    return gone.length;
  }
}
