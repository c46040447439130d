// Workspace backups for workshop hosts (host:backup, host:backups, host:restore; `classlab backup` and
// `classlab restore`). A backup is `<lab>-<UTC stamp>.tar.gz` with a manifest beside it (`….tar.gz.json`:
// lab, profile, created, bytes, sha256, file count), by default in <data>/backups/<lab>/, where the newest
// `backupsKeep` (a setting, 10 by default) of each lab are kept.
//
// Out of the lab: the tar is made by the lab user inside the lab or its files helper
// (LabFiles.archiveWorkspace, the same way every download goes), never by the engine's archive API as
// root. It passes the upload gate on its way to the file (TarGuard's rules, owners and modes made plain),
// so a backup holds only what a restore accepts.
//
// Back in: a backup is hostile input (a file on the host anyone with access may have changed). Its size
// and SHA-256 are checked against the manifest before anything else; then it is unpacked by the hardened
// reader into a private folder on the host, hashed again on that read (a file changed between the check
// and the read is refused too), and only then sent into the lab as an ordinary upload (LabFiles.plan and
// upload: room checked first, the upload gate, a staging folder, committed by a rename) into a NEW folder
// `restored-<backup's date>`: never over the student's files. Any refusal leaves the lab untouched.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { BACKUP_FILE, BackupManifest, type BackupInfo, type RestoreResult, type UploadRequest } from '../../api/contract';
import { LabError } from '../../api/errors';
import { TarGuard, DEFAULT_TAR_LIMITS, extractTarToNewDir, HostileArchiveError, packTar, type TarInput } from '../workspace/tar';
import { UploadTarGate } from '../files/tar-blocks';
import type { LabEntry } from '../labs/labs';
import { profileFingerprint } from '../labs/naming';
import type { Logger } from '../log';
import { writeFileAtomic } from '../secrets/secret-store';

export const BACKUPS_DIR = 'backups';
export const MANIFEST_SUFFIX = '.json';

export interface BackupsDeps {
  dataDir: string;
  lab: (id: string) => LabEntry;
  /** How many backups of a lab the default folder keeps. */
  keep: () => number;
  log: Logger;
  now?: () => Date;
}

/** 2026-12-02T06:20:12.345Z → 20261202T062012Z (with milliseconds when asked). */
export function stampOf(d: Date, withMs = false): string {
  const iso = d.toISOString();
  const [date, time] = iso.split('T') as [string, string];
  return `${date.replaceAll('-', '')}T${time.slice(0, 8).replaceAll(':', '')}${withMs ? time.slice(9, 12) : ''}Z`;
}

/** The folder a restore makes: restored-2026-12-02-062012 (the backup's own date, UTC). */
export function restoredFolderName(created: string): string {
  const s = stampOf(new Date(created));
  return `restored-${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}-${s.slice(9, 15)}`;
}

function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  return pipeline(stream, async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) hash.update(chunk);
    yield* [];
  }).then(() => hash.digest('hex'));
}

/** Bytes through, hashed and counted on the way. */
class Hashing extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

function invalid(message: string): LabError {
  return new LabError('BACKUP_INVALID', message);
}

export class Backups {
  constructor(private readonly deps: BackupsDeps) {}

  /** The default folder of a lab's backups. */
  folder(labId: string): string {
    return path.join(this.deps.dataDir, BACKUPS_DIR, labId);
  }

  /**
   * Writes the lab's workspace to a new backup in `outDir` (default: the lab's backups folder, which is
   * then pruned to the retention setting). Nothing is left under the final name unless it is whole.
   */
  async backup(labId: string, outDir?: string): Promise<BackupInfo> {
    const entry = this.deps.lab(labId);
    const profile = entry.lab.profile;
    const dir = outDir ? path.resolve(outDir) : this.folder(labId);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const created = (this.deps.now ?? (() => new Date()))();
    let fileName = `${labId}-${stampOf(created)}.tar.gz`;
    if (await exists(path.join(dir, fileName))) fileName = `${labId}-${stampOf(created, true)}.tar.gz`;
    const file = path.join(dir, fileName);
    const partial = path.join(dir, `.${fileName}.${randomBytes(4).toString('hex')}.partial`);

    const [uid, gid] = profile.server.user.split(':').map(Number) as [number, number];
    const guard = new TarGuard(DEFAULT_TAR_LIMITS);
    let folders = 0;
    const gate = new UploadTarGate(uid, Number.isFinite(gid) ? gid : uid, (header) => {
      const checked = guard.check(header);
      if (checked.kind === 'directory') folders += 1;
    });
    const hashing = new Hashing();
    try {
      await entry.files.archiveWorkspace((tar) =>
        pipeline(tar, gate, createGzip({ level: 6 }), hashing, createWriteStream(partial, { flags: 'wx', mode: 0o600 })),
      );
      await fs.rename(partial, file);
    } catch (err) {
      await fs.rm(partial, { force: true });
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw new LabError('DISK_FULL', `This computer has no room for the backup of ${labId} in ${dir}.`);
      if (err instanceof HostileArchiveError) throw new LabError('REFUSED', `The workspace of ${labId} holds what a backup may not: ${err.message}`);
      throw err;
    }
    const manifest: BackupManifest = {
      format: 1,
      lab: labId,
      profile: profileFingerprint(profile),
      title: profile.title,
      created: created.toISOString(),
      bytes: hashing.bytes,
      sha256: hashing.digest(),
      files: gate.summary.files,
      // The workspace folder itself ('.') is not among them: the guard passes it as skipped.
      folders,
      contentBytes: gate.summary.bytes,
    };
    await writeFileAtomic(`${file}${MANIFEST_SUFFIX}`, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), 0o600);
    this.deps.log.info('backup written', { lab: labId, file, bytes: manifest.bytes, files: manifest.files });
    if (!outDir) await this.prune(labId);
    return { ...manifest, fileName, file };
  }

  /** Every backup in the default folders, newest first. A manifest that does not parse is left out (and logged). */
  async list(): Promise<BackupInfo[]> {
    const root = path.join(this.deps.dataDir, BACKUPS_DIR);
    const labs = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
    const out: BackupInfo[] = [];
    for (const d of labs) {
      if (!d.isDirectory()) continue;
      out.push(...(await this.inFolder(path.join(root, d.name))));
    }
    return out.sort((a, b) => b.created.localeCompare(a.created) || b.fileName.localeCompare(a.fileName));
  }

  private async inFolder(dir: string): Promise<BackupInfo[]> {
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    const out: BackupInfo[] = [];
    for (const name of names) {
      if (!BACKUP_FILE.safeParse(name).success) continue;
      const file = path.join(dir, name);
      try {
        const manifest = BackupManifest.parse(JSON.parse(await fs.readFile(`${file}${MANIFEST_SUFFIX}`, 'utf8')));
        out.push({ ...manifest, fileName: name, file });
      } catch (err) {
        this.deps.log.warn('backup without a readable manifest', { file, error: (err as Error).message });
      }
    }
    return out;
  }

  /** Keeps the newest `keep` backups of the lab's default folder; returns the files removed. */
  async prune(labId: string): Promise<string[]> {
    const keep = this.deps.keep();
    const all = (await this.inFolder(this.folder(labId))).sort((a, b) => b.created.localeCompare(a.created) || b.fileName.localeCompare(a.fileName));
    const gone = all.slice(keep);
    for (const b of gone) {
      await fs.rm(b.file, { force: true });
      await fs.rm(`${b.file}${MANIFEST_SUFFIX}`, { force: true });
    }
    if (gone.length) this.deps.log.info('old backups pruned', { lab: labId, removed: gone.length, keep });
    return gone.map((b) => b.file);
  }

  /** A backup of the default folder by lab and file name (what the UI names). */
  fileOf(labId: string, fileName: string): string {
    if (!BACKUP_FILE.safeParse(fileName).success) throw new LabError('BAD_REQUEST', 'Not a backup file name.');
    return path.join(this.folder(labId), fileName);
  }

  /** Checks a backup file against its manifest (size, then SHA-256): BACKUP_INVALID when it does not match. */
  async verify(file: string): Promise<BackupManifest> {
    const manifest = await readManifest(file);
    await matchesManifest(file, path.basename(file), manifest, 'Nothing was deleted.');
    return manifest;
  }

  /**
   * Verifies the backup `file` (a .tar.gz with its manifest beside it), then restores it into a new
   * folder of `intoLab` (default: the lab it was made of).
   */
  async restore(file: string, intoLab: string | null): Promise<RestoreResult> {
    const tarFile = path.resolve(file.endsWith(MANIFEST_SUFFIX) ? file.slice(0, -MANIFEST_SUFFIX.length) : file);
    const manifest = await readManifest(tarFile);
    if (!(await fs.stat(tarFile).catch(() => null))?.isFile()) throw new LabError('NOT_FOUND', `There is no backup file ${tarFile}.`);
    const labId = intoLab ?? manifest.lab;
    const entry = this.deps.lab(labId);
    // A private copy (in ClassLab's own folder) is what gets checked and unpacked: the file cannot change
    // between the check and the read. Unpacked on the host by the hardened reader, then sent as an upload.
    const scratch = path.join(this.deps.dataDir, BACKUPS_DIR, `.restore-${randomBytes(8).toString('hex')}`);
    await fs.mkdir(scratch, { recursive: true, mode: 0o700 });
    try {
      const copy = path.join(scratch, 'backup.tar.gz');
      await fs.copyFile(tarFile, copy);
      await matchesManifest(copy, path.basename(tarFile), manifest, 'Nothing was restored.');

      const unpacked = path.join(scratch, 'files');
      const raw = createReadStream(copy);
      const source = raw.pipe(createGunzip());
      raw.on('error', (err) => source.destroy(err));
      let summary;
      try {
        summary = await extractTarToNewDir(source, unpacked, { host: 'linux' });
      } catch (err) {
        if (err instanceof HostileArchiveError) throw invalid(`${path.basename(tarFile)} holds what a backup may not: ${err.message}. Nothing was restored.`);
        // The checksum matched but the file is no gzip'd tar: a manifest made for a forged file.
        if ((err as NodeJS.ErrnoException).code?.startsWith('Z_') || /header|unexpected end/i.test((err as Error).message))
          throw invalid(`${path.basename(tarFile)} is not a whole backup (${(err as Error).message}). Nothing was restored.`);
        throw err;
      }
      const scratchFiles = unpacked;
      const folder = restoredFolderName(manifest.created);
      const inputs = await walk(scratchFiles);
      const entries: UploadRequest['entries'] = [
        { path: folder, kind: 'folder', size: 0 },
        ...inputs.map((i) => ({ path: `${folder}/${i.rel}`, kind: i.kind, size: i.size })),
      ];
      const planned = await entry.files.plan({ dir: '', entries });
      const names = new Map(planned.upload.entries.map((e, n) => [n, e.path]));
      const body = packTar(
        (function* (): Generator<TarInput> {
          yield { path: names.get(0)!, kind: 'directory' };
          for (const [n, i] of inputs.entries()) {
            const p = names.get(n + 1)!;
            if (i.kind === 'folder') yield { path: p, kind: 'directory' };
            else yield { path: p, kind: 'file', size: i.size, open: () => createReadStream(path.join(scratchFiles, i.rel)), mode: i.mode };
          }
        })(),
      );
      const result = await entry.files.upload(planned.upload, 'keep-both', body, new AbortController().signal);
      const placed = result.renamed[0]?.[1] ?? result.written[0] ?? folder;
      this.deps.log.info('backup restored', { lab: labId, from: manifest.lab, folder: placed, files: result.files });
      return {
        lab: labId,
        folder: placed,
        files: summary.files,
        folders: summary.directories,
        bytes: summary.bytes,
        skipped: summary.skipped,
      };
    } finally {
      await fs.rm(scratch, { recursive: true, force: true });
    }
  }
}

async function matchesManifest(file: string, name: string, manifest: BackupManifest, outcome: string): Promise<void> {
  const size = (await fs.stat(file)).size;
  if (size !== manifest.bytes) throw invalid(`${name} is ${size} bytes but its manifest says ${manifest.bytes}: it was changed or cut short. ${outcome}`);
  if ((await sha256Of(createReadStream(file))) !== manifest.sha256)
    throw invalid(`${name} does not match its checksum (SHA-256): it was changed or damaged. ${outcome}`);
}

async function readManifest(tarFile: string): Promise<BackupManifest> {
  let text: string;
  try {
    text = await fs.readFile(`${tarFile}${MANIFEST_SUFFIX}`, 'utf8');
  } catch {
    if (!(await exists(tarFile))) throw new LabError('NOT_FOUND', `There is no backup file ${tarFile}.`);
    throw invalid(
      `${path.basename(tarFile)} has no manifest beside it (${path.basename(tarFile)}${MANIFEST_SUFFIX}): it cannot be checked, so it is not restored.`,
    );
  }
  try {
    return BackupManifest.parse(JSON.parse(text));
  } catch {
    throw invalid(`The manifest of ${path.basename(tarFile)} is not a ClassLab backup manifest. Nothing was restored.`);
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.lstat(p).then(
    () => true,
    () => false,
  );
}

interface Walked {
  rel: string;
  kind: 'file' | 'folder';
  size: number;
  mode: number;
}

/** The unpacked backup, folders before their contents, in a stable order. Only what the reader made: files and folders. */
async function walk(root: string, rel = ''): Promise<Walked[]> {
  const out: Walked[] = [];
  const items = (await fs.readdir(path.join(root, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const d of items) {
    const r = rel ? `${rel}/${d.name}` : d.name;
    const st = await fs.lstat(path.join(root, r));
    if (st.isDirectory()) {
      out.push({ rel: r, kind: 'folder', size: 0, mode: 0o755 });
      out.push(...(await walk(root, r)));
    } else if (st.isFile()) out.push({ rel: r, kind: 'file', size: st.size, mode: st.mode });
  }
  return out;
}
