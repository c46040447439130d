// Archives between the desktop and a lab. A tar that comes OUT of a lab was made where the student's
// code runs: it is hostile input. The reader refuses `..` and absolute names, links that point outside,
// anything reached through a link, device files, duplicate names and sizes over the caps; links that stay
// inside are skipped (never made on the host). The writer makes entries owned by the lab user (uid/gid
// 1000 unless told) and always finalizes, even when a source fails (an unfinished pack leaves the
// unpacking tar waiting for more).
import { constants as fsc, promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { hostPathIn, linkStaysInside, UnsafePathError, workspaceParts, type HostPlatform } from './paths';

export interface TarLimits {
  maxEntries: number;
  maxFileBytes: number;
  maxTotalBytes: number;
}

export const DEFAULT_TAR_LIMITS: TarLimits = { maxEntries: 100_000, maxFileBytes: 2 * 1024 ** 3, maxTotalBytes: 8 * 1024 ** 3 };

export class HostileArchiveError extends Error {
  constructor(
    readonly entry: string,
    readonly reason: string,
  ) {
    super(`Refused archive entry ${JSON.stringify(entry.length > 120 ? `${entry.slice(0, 120)}…` : entry)}: ${reason}`);
    this.name = 'HostileArchiveError';
  }
}

export type SafeEntry =
  | { kind: 'file'; path: string; size: number; mode: number; mtime: Date | null }
  | { kind: 'directory'; path: string; mode: number; mtime: Date | null }
  | { kind: 'skipped'; path: string; reason: string };

export interface TarSummary {
  files: number;
  directories: number;
  bytes: number;
  skipped: { path: string; reason: string }[];
}

interface HeaderLike {
  name: string;
  type?: string | null;
  size?: number;
  mode?: number;
  linkname?: string | null;
  mtime?: Date;
}

/** Only the permission bits a user needs: rw for the owner, x where it was executable. No setuid/sticky. */
export function sanitizeMode(mode: number | undefined, kind: 'file' | 'directory'): number {
  if (kind === 'directory') return 0o755;
  return (mode ?? 0) & 0o111 ? 0o755 : 0o644;
}

/**
 * The reader's rules as a state machine over headers, without I/O: each header in archive order gives
 * a SafeEntry or throws HostileArchiveError. Pure apart from its own memory of what it has seen.
 */
export class TarGuard {
  private entries = 0;
  private total = 0;
  private readonly links = new Set<string>();
  private readonly files = new Set<string>();
  private readonly dirs = new Set<string>();

  constructor(
    private readonly limits: TarLimits = DEFAULT_TAR_LIMITS,
    private readonly host?: HostPlatform,
  ) {}

  check(header: HeaderLike): SafeEntry {
    const raw = header.name;
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) throw new HostileArchiveError(raw, `more than ${this.limits.maxEntries} entries`);
    let rel = raw;
    while (rel.startsWith('./')) rel = rel.slice(2);
    if (rel === '' || rel === '.') {
      if (header.type === 'directory') return { kind: 'skipped', path: '.', reason: 'the archive root' };
      throw new HostileArchiveError(raw, 'an empty name');
    }
    let parts: string[];
    try {
      parts = workspaceParts(rel, this.host ? { host: this.host } : {});
    } catch (err) {
      throw new HostileArchiveError(raw, err instanceof UnsafePathError ? err.reason : String(err));
    }
    const p = parts.join('/');
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (this.links.has(prefix)) throw new HostileArchiveError(raw, `it lies behind the link "${prefix}"`);
      if (this.files.has(prefix)) throw new HostileArchiveError(raw, `"${prefix}" is a file, not a folder`);
    }
    if (this.links.has(p) || this.files.has(p)) throw new HostileArchiveError(raw, 'a second entry with the same name');
    const type = header.type ?? 'file';
    switch (type) {
      case 'file':
      case 'contiguous-file': {
        if (this.dirs.has(p)) throw new HostileArchiveError(raw, 'a file where a folder was');
        const size = header.size ?? 0;
        if (size > this.limits.maxFileBytes) throw new HostileArchiveError(raw, `larger than ${this.limits.maxFileBytes} bytes`);
        this.total += size;
        if (this.total > this.limits.maxTotalBytes) throw new HostileArchiveError(raw, `the archive holds more than ${this.limits.maxTotalBytes} bytes`);
        this.files.add(p);
        return { kind: 'file', path: p, size, mode: sanitizeMode(header.mode, 'file'), mtime: header.mtime ?? null };
      }
      case 'directory':
        this.dirs.add(p);
        return { kind: 'directory', path: p, mode: 0o755, mtime: header.mtime ?? null };
      case 'symlink': {
        const target = header.linkname ?? '';
        if (!linkStaysInside(p, target)) throw new HostileArchiveError(raw, `a link pointing outside (${target.slice(0, 200)})`);
        this.links.add(p);
        return { kind: 'skipped', path: p, reason: `a link (to ${target}); links are not copied` };
      }
      case 'link': {
        const target = header.linkname ?? '';
        let targetPath: string;
        try {
          let t = target;
          while (t.startsWith('./')) t = t.slice(2);
          targetPath = workspaceParts(t).join('/');
        } catch {
          throw new HostileArchiveError(raw, `a hard link to something outside (${target.slice(0, 200)})`);
        }
        if (!this.files.has(targetPath)) throw new HostileArchiveError(raw, `a hard link to a file not in the archive (${targetPath})`);
        this.links.add(p);
        return { kind: 'skipped', path: p, reason: `a hard link (to ${targetPath}); links are not copied` };
      }
      case 'character-device':
      case 'block-device':
      case 'fifo':
        throw new HostileArchiveError(raw, `a ${type}`);
      default:
        throw new HostileArchiveError(raw, `an entry of unknown type ${type}`);
    }
  }
}

export interface ReadTarOptions {
  limits?: Partial<TarLimits>;
  /** Also require names the host can hold. */
  host?: HostPlatform;
  signal?: AbortSignal;
  /**
   * Entries the caller wants left out (checked by the guard all the same): given an accepted entry's path
   * and whether it is a folder, the part of the path to leave out (with everything below it) and why.
   * Each part left out is listed once in the summary's `skipped`.
   */
  omit?: (path: string, isFolder: boolean) => { path: string; reason: string } | null;
}

/**
 * Reads a tar stream entry by entry through the guard. `visit` gets every accepted file with its body
 * (which it must consume) and every folder; a refused entry ends the read with HostileArchiveError.
 * Bodies are counted as they stream, so a lying size header cannot exceed the caps either.
 */
export async function readTar(
  source: Readable,
  visit: (entry: SafeEntry, body: Readable | null) => Promise<void>,
  opts: ReadTarOptions = {},
): Promise<TarSummary> {
  const limits = { ...DEFAULT_TAR_LIMITS, ...opts.limits };
  const guard = new TarGuard(limits, opts.host);
  const extract = tar.extract();
  const summary: TarSummary = { files: 0, directories: 0, bytes: 0, skipped: [] };
  const onSourceError = (err: Error) => extract.destroy(err);
  source.on('error', onSourceError);
  source.pipe(extract as unknown as NodeJS.WritableStream);
  const onAbort = () => {
    source.destroy();
    extract.destroy(new Error('The transfer was cancelled.'));
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const omitted = new Set<string>();
  try {
    for await (const entry of extract) {
      const decision = guard.check(entry.header as HeaderLike);
      const left = decision.kind === 'skipped' || !opts.omit ? null : opts.omit(decision.path, decision.kind === 'directory');
      if (left) {
        entry.resume();
        if (!omitted.has(left.path)) summary.skipped.push(left);
        omitted.add(left.path);
      } else if (decision.kind === 'file') {
        const counted = Readable.from(
          (async function* () {
            let seen = 0;
            for await (const chunk of entry as AsyncIterable<Buffer>) {
              seen += chunk.length;
              if (seen > decision.size) throw new HostileArchiveError(decision.path, 'more data than its header says');
              yield chunk;
            }
          })(),
        );
        await visit(decision, counted);
        summary.files += 1;
        summary.bytes += decision.size;
      } else {
        entry.resume();
        if (decision.kind === 'directory') {
          summary.directories += 1;
          await visit(decision, null);
        } else if (decision.path !== '.') summary.skipped.push({ path: decision.path, reason: decision.reason });
      }
    }
  } catch (err) {
    source.destroy();
    extract.destroy();
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    source.off('error', onSourceError);
  }
  return summary;
}

/**
 * Extracts a (hostile) tar into a NEW folder on the host, which must not exist yet. Files are created
 * exclusively and never through a link; on any refusal or error the new folder is removed again.
 */
export async function extractTarToNewDir(source: Readable, dest: string, opts: ReadTarOptions = {}): Promise<TarSummary> {
  const platform = opts.host ?? (process.platform as HostPlatform);
  await fs.mkdir(dest, { recursive: false });
  const root = await fs.realpath(dest);
  try {
    return await readTar(
      source,
      async (entry, body) => {
        if (entry.kind === 'skipped') return;
        const target = hostPathIn(root, entry.path, platform);
        await ensureParents(root, path.relative(root, path.dirname(target)));
        if (entry.kind === 'directory') {
          await fs.mkdir(target).catch(async (err: NodeJS.ErrnoException) => {
            if (err.code !== 'EEXIST' || !(await fs.lstat(target)).isDirectory()) throw err;
          });
          return;
        }
        const flags = fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | (fsc.O_NOFOLLOW ?? 0);
        const handle = await fs.open(target, flags, entry.mode);
        // The write stream owns the handle from here and closes it, also on errors.
        await pipeline(body!, handle.createWriteStream());
      },
      { ...opts, host: platform },
    );
  } catch (err) {
    await fs.rm(root, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
}

/** mkdir -p below root, refusing any existing part that is not a real folder (a link, a file). */
async function ensureParents(root: string, rel: string): Promise<void> {
  if (rel === '' || rel === '.') return;
  let current = root;
  for (const part of rel.split(path.sep)) {
    current = path.join(current, part);
    try {
      const st = await fs.lstat(current);
      if (!st.isDirectory()) throw new HostileArchiveError(rel, `"${part}" is not a folder on this computer`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await fs.mkdir(current);
    }
  }
}

export type TarInput =
  | { path: string; kind: 'directory'; mode?: number; mtime?: Date }
  | { path: string; kind: 'file'; data: Buffer | string; mode?: number; mtime?: Date }
  | { path: string; kind: 'file'; size: number; open: () => Readable | Promise<Readable>; mode?: number; mtime?: Date };

export interface PackOptions {
  uid?: number;
  gid?: number;
}

/**
 * A tar stream of the given entries, owned by the lab user, with every parent folder listed before its
 * contents. Names are checked like workspace paths. The pack is finalized when the entries end, and
 * destroyed with the error when one fails: it never hangs half-written.
 */
export function packTar(entries: Iterable<TarInput> | AsyncIterable<TarInput>, opts: PackOptions = {}): Readable {
  const uid = opts.uid ?? 1000;
  const gid = opts.gid ?? 1000;
  const pack = tar.pack();
  const madeDirs = new Set<string>();
  const base = { uid, gid, uname: '', gname: '' };
  const dir = (p: string, mode = 0o755, mtime = new Date()) =>
    new Promise<void>((resolve, reject) =>
      pack.entry({ ...base, name: `${p}/`, type: 'directory', mode: sanitizeMode(mode, 'directory'), mtime }, (err) => (err ? reject(err) : resolve())),
    );

  void (async () => {
    try {
      for await (const input of entries as AsyncIterable<TarInput>) {
        const parts = workspaceParts(input.path);
        for (let i = 1; i < parts.length; i++) {
          const parent = parts.slice(0, i).join('/');
          if (!madeDirs.has(parent)) {
            madeDirs.add(parent);
            await dir(parent);
          }
        }
        const name = parts.join('/');
        const mtime = input.mtime ?? new Date();
        if (input.kind === 'directory') {
          if (!madeDirs.has(name)) {
            madeDirs.add(name);
            await dir(name, input.mode, mtime);
          }
          continue;
        }
        const mode = sanitizeMode(input.mode ?? 0o644, 'file');
        if ('data' in input) {
          const data = typeof input.data === 'string' ? Buffer.from(input.data) : input.data;
          await new Promise<void>((resolve, reject) =>
            pack.entry({ ...base, name, type: 'file', size: data.length, mode, mtime }, data, (err) => (err ? reject(err) : resolve())),
          );
        } else {
          const body = await input.open();
          await new Promise<void>((resolve, reject) => {
            const sink = pack.entry({ ...base, name, type: 'file', size: input.size, mode, mtime }, (err) => (err ? reject(err) : resolve()));
            sink.on('error', reject);
            body.on('error', (err) => {
              sink.destroy(err);
              reject(err);
            });
            body.pipe(sink);
          });
        }
      }
      pack.finalize();
    } catch (err) {
      pack.destroy(err as Error);
    }
  })();
  // tar-stream's streams are streamx streams: hand out a plain Node stream.
  return Readable.from(pack as AsyncIterable<Buffer>);
}
