// The files of one lab's workspace: browse, make folders, rename and move, the trash, uploads and
// downloads. Works whether the lab runs or not: a stopped lab's workspace is served by its files helper
// (LabContainers.ensureFilesHelper), started on demand and removed again when idle.
import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { pipeline, type Readable } from 'node:stream';
import type { ClashChoice, DiskUsage, FileEntry, FolderListing, TrashEntry, UploadRequest, UploadResult } from '../../api/contract';
import { LabError } from '../../api/errors';
import type { LabContainers } from '../labs/containers';
import type { Profile } from '../profiles/schema';
import type { Logger } from '../log';
import { DEFAULT_TAR_LIMITS, HostileArchiveError, packTar, TarGuard } from '../workspace/tar';
import { containerPathIn, normalizeWorkspacePath, UnsafePathError, workspaceParts, type HostPlatform } from '../workspace/paths';
import { CLASSLAB_DIR, execAs, nulFields, runWorkspaceOp, WORKSPACE_SCRIPT, type ScriptTarget } from './workspace-script';
import { WorkspaceAgent } from './workspace-agent';
import { TarFileBody, UploadTarGate } from './tar-blocks';
import { Coalesce } from '../engine/archive';
import { succeededTar, tarFromLab, untarAsLabUser } from '../workspace/transfer';
import { zipFromTar } from './zip';
import { execReading } from '../engine/exec';
import { formatBytes } from '../../api/units';
import { parseStatfs } from '../sandbox/disk';

/** How long a files helper lingers after the last file operation on a stopped lab. */
const HELPER_IDLE_MS = 120_000;
/** Room an upload needs beyond its bytes: file system blocks and folder entries. */
const PER_ENTRY_OVERHEAD = 4096;

export interface PlannedUpload {
  labId: string;
  /** Its staging folder in the workspace (made by the plan): .classlab/incoming/<stagingId>. */
  stagingId: string;
  dir: string;
  entries: UploadRequest['entries'];
  /** The distinct first parts of the entries: what lands in `dir`. */
  topNames: string[];
  totalBytes: number;
  fileCount: number;
}

export interface Download {
  fileName: string;
  kind: 'file' | 'zip';
  /** Known for a single file. */
  size: number | null;
  stream: Readable;
}

export class LabFiles {
  private helper: Promise<string> | null = null;
  /** The workspace agent in the container files are served from now (the lab, or its helper). */
  private agent: WorkspaceAgent | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private busy = 0;

  constructor(
    private readonly docker: () => Docker,
    private readonly containers: LabContainers,
    private readonly log: Logger,
  ) {}

  private get profile(): Profile {
    return this.containers.profile;
  }

  /** Runs `work` in the lab when it runs, else in its files helper; keeps the helper while work goes on. */
  private async withTarget<T>(work: (target: ScriptTarget, viaHelper: boolean) => Promise<T>): Promise<T> {
    this.busy += 1;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    try {
      const docker = this.docker();
      const running = await this.containers.isRunning();
      let container = this.containers.names.container;
      if (!running) {
        this.helper ??= this.containers.ensureFilesHelper().finally(() => (this.helper = null));
        container = await this.helper;
      }
      if (!this.agent?.alive || this.agent.container !== container) {
        this.agent?.close();
        const { user, workingDir } = execAs(this.profile);
        this.agent = new WorkspaceAgent(docker, container, user, workingDir, WORKSPACE_SCRIPT, this.log);
      }
      return await work({ docker, container, profile: this.profile, agent: this.agent }, !running);
    } finally {
      this.busy -= 1;
      if (this.busy === 0) this.scheduleHelperRemoval();
    }
  }

  private scheduleHelperRemoval(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.busy > 0) return;
      this.containers.removeFilesHelper().catch((err: Error) => this.log.warn('files helper not removed', { lab: this.profile.id, error: err.message }));
    }, HELPER_IDLE_MS);
    this.idleTimer.unref();
  }

  async list(rel: string): Promise<FolderListing> {
    const dir = folderPath(rel);
    return this.withTarget(async (target, viaHelper) => {
      const fields = nulFields(await runWorkspaceOp(target, 'list', [dir]));
      return { labId: this.profile.id, path: dir, viaHelper, ...parseListing(fields, this.profile.resources.diskMiB) };
    });
  }

  async mkdir(rel: string): Promise<null> {
    const p = itemPath(rel);
    await this.withTarget((t) => runWorkspaceOp(t, 'mkdir', [p]));
    return null;
  }

  async move(from: string, to: string): Promise<null> {
    const [f, t] = [itemPath(from), itemPath(to)];
    if (f === t) return null;
    await this.withTarget((target) => runWorkspaceOp(target, 'move', [f, t]));
    return null;
  }

  async trash(paths: string[]): Promise<null> {
    const items = paths.map(itemPath);
    await this.withTarget((t) => runWorkspaceOp(t, 'trash', [trashId(), ...items]));
    return null;
  }

  async trashList(): Promise<TrashEntry[]> {
    return this.withTarget(async (t) => parseTrash(nulFields(await runWorkspaceOp(t, 'trashlist', []))));
  }

  async restore(id: string): Promise<string> {
    if (!/^[a-z0-9-]{1,80}$/.test(id)) throw new LabError('BAD_REQUEST', 'Not a trash item.');
    return this.withTarget(async (t) => (await runWorkspaceOp(t, 'restore', [id])).toString('utf8'));
  }

  async emptyTrash(): Promise<null> {
    await this.withTarget((t) => runWorkspaceOp(t, 'emptytrash', []));
    return null;
  }

  /**
   * Checks an upload before any byte moves: safe names, the target folder, clashes, and room on the
   * workspace's disk (an upload that cannot fit is refused up front, with how much is free).
   */
  async plan(request: UploadRequest): Promise<{ upload: PlannedUpload; clashes: string[]; freeBytes: number | null }> {
    const dir = folderPath(request.dir);
    const seen = new Set<string>();
    const topNames: string[] = [];
    let totalBytes = 0;
    let fileCount = 0;
    const entries = request.entries.map((e) => {
      const p = safe(e.path, { host: 'linux' });
      if (seen.has(p)) throw new LabError('PATH_INVALID', `"${p}" is in the upload twice.`);
      seen.add(p);
      const top = p.split('/')[0]!;
      if (dir === '' && top === CLASSLAB_DIR) throw new LabError('PATH_INVALID', `"${CLASSLAB_DIR}" is ClassLab's own folder; choose another name.`);
      if (!topNames.includes(top)) topNames.push(top);
      if (e.kind === 'file') {
        totalBytes += e.size;
        fileCount += 1;
      }
      return { ...e, path: p };
    });
    return this.withTarget(async (target) => {
      const stagingId = randomBytes(8).toString('hex');
      const [disk = '', ...clashes] = nulFields(await runWorkspaceOp(target, 'plan', [stagingId, dir, ...topNames]));
      const usage = parseUsage(disk, this.profile.resources.diskMiB);
      const needed = totalBytes + entries.length * PER_ENTRY_OVERHEAD;
      if (usage && needed > usage.freeBytes) {
        await runWorkspaceOp(target, 'discard', [stagingId]).catch(() => undefined);
        throw new LabError(
          'DISK_FULL',
          `This upload needs ${formatBytes(needed)} but the workspace has ${formatBytes(usage.freeBytes)} free (limit ${this.profile.resources.diskMiB} MiB). Delete files you do not need (and empty the trash), or upload less.`,
        );
      }
      return { upload: { labId: this.profile.id, stagingId, dir, entries, topNames, totalBytes, fileCount }, clashes, freeBytes: usage?.freeBytes ?? null };
    });
  }

  /**
   * Receives the tar of a planned upload. `tar -x`, run as the lab user in the lab (or its files helper),
   * unpacks it into a fresh staging folder on the workspace's own disk, behind a gate (UploadTarGate) that
   * checks every entry against the hardened reader's rules and the plan before its bytes pass. The engine
   * never walks the path: a link swapped in under the staging folder only leads tar where the student
   * could write anyway. Only a clean finish is moved in place, by the lab user (a rename). Anything else
   * (a refused entry, a cancel, a full disk) removes the staging folder: nothing half-written is ever left
   * under a final name.
   */
  async upload(upload: PlannedUpload, choice: ClashChoice, body: Readable, signal: AbortSignal): Promise<UploadResult> {
    return this.withTarget(async (target) => {
      const id = upload.stagingId;
      const [uid, gid] = target.profile.server.user.split(':').map(Number) as [number, number];
      const planned = new Map(upload.entries.map((e) => [e.path, e]));
      const guard = new TarGuard({
        ...DEFAULT_TAR_LIMITS,
        maxTotalBytes: upload.totalBytes,
        maxFileBytes: upload.totalBytes,
        maxEntries: upload.entries.length + 1,
      });
      const gate = new UploadTarGate(uid, Number.isFinite(gid) ? gid : uid, (header) => {
        const entry = guard.check(header);
        if (entry.kind === 'skipped') {
          if (entry.path === '.') return;
          throw new HostileArchiveError(entry.path, 'links are not accepted in an upload');
        }
        const want = planned.get(entry.path);
        if (!want || (want.kind === 'folder') !== (entry.kind === 'directory')) throw new HostileArchiveError(entry.path, 'not in the upload that was checked');
      });
      let failure: Error | null = null;
      // On a refusal or a cancel the engine's side ends with the error; the rest of the request is drained
      // (not destroyed), so the answer can still say why.
      const stop = (err: Error) => {
        failure ??= err;
        body.unpipe();
        body.resume();
        gate.destroy(err);
      };
      const onAbort = () => stop(new LabError('CANCELLED', 'The upload was cancelled; nothing was kept.'));
      signal.addEventListener('abort', onAbort, { once: true });
      body.on('error', (err) => stop(err));
      gate.on('error', (err) => stop(err));
      body.pipe(gate);
      try {
        const staging = containerPathIn(target.profile.server.workspace, `${CLASSLAB_DIR}/incoming/${id}`);
        const unpacked = await untarAsLabUser(target.docker, target.container, target.profile, staging, gate).then(
          // All of tar's complaint: GNU tar says "Cannot write: No space left on device" and then, last,
          // "Exiting with failure status due to previous errors".
          ({ code, stderr }) => (code === 0 ? null : new Error(stderr.trim() || `tar exited with ${code}`)),
          (err: Error) => err,
        );
        // A full disk is the cause whatever else broke with it (the stream into a tar that stopped).
        if (unpacked && isDiskFull(unpacked)) throw unpackError(unpacked);
        if (failure) throw failure;
        if (unpacked) throw unpackError(unpacked);
        const out = nulFields(await runWorkspaceOp(target, 'commit', [id, upload.dir, choice, trashId(), ...upload.topNames]));
        return { ...parseCommit(out), bytes: gate.summary.bytes, files: gate.summary.files };
      } catch (err) {
        await runWorkspaceOp(target, 'discard', [id]).catch((e: Error) =>
          this.log.warn('upload staging not removed', { lab: this.profile.id, error: e.message }),
        );
        throw asTransferError(err);
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    });
  }

  /** Removes the staging folder of an upload that will not come (cancelled or expired before it was sent). */
  async discardStaging(upload: PlannedUpload): Promise<void> {
    await this.withTarget((t) => runWorkspaceOp(t, 'discard', [upload.stagingId]));
  }

  /** Writes one file (a fetched notebook) into a folder, as "name (2).ext" when the name is taken. */
  async writeFile(dir: string, name: string, data: Buffer): Promise<string> {
    const planned = await this.plan({ dir, entries: [{ path: name, kind: 'file', size: data.length }] });
    const body = packTar([{ path: planned.upload.entries[0]!.path, kind: 'file', data }]);
    const result = await this.upload(planned.upload, 'keep-both', body, new AbortController().signal);
    const written = result.renamed[0]?.[1] ?? result.written[0] ?? name;
    return planned.upload.dir ? `${planned.upload.dir}/${written}` : written;
  }

  /** What a download of `rel` will be: one file as it is (with its size), or a folder as a zip. Links are refused. */
  async describe(rel: string, host: HostPlatform = process.platform as HostPlatform): Promise<{ path: string; kind: 'file' | 'zip'; size: number | null }> {
    const p = itemPath(rel);
    const out = nulFields(await this.withTarget((t) => runWorkspaceOp(t, 'describe', [p])));
    const [kind = '', size = '0'] = (out[0] ?? '').split(' ');
    if (kind === 'link') throw new LabError('REFUSED', `"${p}" is a link made in the lab; ClassLab does not follow links. Download what it points to instead.`);
    if (kind !== 'file' && kind !== 'folder') throw new LabError('REFUSED', `"${p}" is not a file or folder (a device, socket or pipe).`);
    // Names this computer cannot hold are refused now, with the reason, not half-way through the download.
    const bad: string[] = [];
    for (const inside of [p.split('/').pop()!, ...out.slice(1).map((n) => `${p.split('/').pop()}/${n}`)]) {
      try {
        workspaceParts(inside, { host });
      } catch (err) {
        if (err instanceof UnsafePathError) bad.push(`"${inside}" (${err.reason})`);
        if (bad.length >= 3) break;
      }
    }
    if (bad.length)
      throw new LabError(
        'REFUSED',
        `This computer cannot hold ${bad.length === 1 ? 'this name' : 'these names'}: ${bad.join(', ')}. Rename ${bad.length === 1 ? 'it' : 'them'} in the lab, then download again.`,
      );
    return kind === 'file' ? { path: p, kind: 'file', size: Number(size) } : { path: p, kind: 'zip', size: null };
  }

  /**
   * Streams a file or (as a zip) a folder out of the lab: `tar -c` run as the lab user in the lab (or its
   * files helper), so the engine never walks the path and a link swapped in meanwhile reads only what the
   * student can read. The tar is hostile input, read through the hardened reader (no links followed, no
   * devices, no `..`); a single file must come out as exactly the regular file described a moment before.
   */
  async download(
    described: { path: string; kind: 'file' | 'zip'; size: number | null },
    signal: AbortSignal,
    host: HostPlatform = process.platform as HostPlatform,
  ): Promise<Download> {
    const { path: p, kind } = described;
    const name = p.split('/').pop()!;
    return this.withTarget(async (target) => {
      const archive = succeededTar(await tarFromLab(target.docker, target.container, target.profile, p));
      signal.addEventListener('abort', () => archive.destroy(), { once: true });
      if (kind === 'zip') return { fileName: `${name}.zip`, kind, size: null, stream: zipFromTar(archive, { host, signal, log: this.log }) };
      // One file: its bytes, straight out of the tar, in big pieces (fewer writes to the client).
      const out = new Coalesce();
      // pipeline: a failure anywhere (a refused tar, tar failing in the lab, the engine gone) ends the download with it.
      pipeline(archive, new TarFileBody(name, described.size ?? 0), out, (err) => {
        if (err && !signal.aborted) this.log.warn('download ended early', { lab: this.profile.id, error: err.message });
      });
      return { fileName: name, kind, size: described.size, stream: out };
    });
  }

  /**
   * The whole workspace (without ClassLab's own folder and the disk's lost+found) as a tar made by the lab user in the lab, or its
   * files helper while it is stopped, handed to `consume`; the helper is kept until `consume` is done.
   * For backups (core/host/backups.ts): the tar is hostile input, read it through a gate.
   */
  async archiveWorkspace<T>(consume: (tar: Readable) => Promise<T>): Promise<T> {
    return this.withTarget(async (target) => {
      const out = await execReading(
        target.docker,
        target.container,
        ['tar', '--create', '--file=-', '--numeric-owner', `--exclude=./${CLASSLAB_DIR}`, '--exclude=./lost+found', '-C', target.profile.server.workspace, '.'],
        execAs(target.profile),
      );
      return consume(succeededTar(out));
    });
  }

  /** Forgets timers (the helper container itself is found and removed by label with the lab). */
  dispose(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.agent?.close();
    this.agent = null;
  }
}

function safe(rel: string, opts: { host?: HostPlatform } = {}): string {
  try {
    return normalizeWorkspacePath(rel, opts);
  } catch (err) {
    if (err instanceof UnsafePathError) throw new LabError('PATH_INVALID', err.message);
    throw err;
  }
}

/** A folder to look into: '' is the workspace root. ClassLab's own folder is not browsable. */
function folderPath(rel: string): string {
  if (rel === '' || rel === '/' || rel === '.') return '';
  return itemPath(rel.endsWith('/') ? rel.slice(0, -1) : rel);
}

/** A file or folder the user acts on: never the root, never inside ClassLab's own folder. */
function itemPath(rel: string): string {
  const p = safe(rel);
  if (p === CLASSLAB_DIR || p.startsWith(`${CLASSLAB_DIR}/`))
    throw new LabError('PATH_INVALID', `"${CLASSLAB_DIR}" is ClassLab's own folder (the trash and unfinished uploads).`);
  return p;
}

function trashId(): string {
  return `${Date.now()}-${randomBytes(4).toString('hex')}`;
}

const KIND: Record<string, FileEntry['kind']> = { f: 'file', d: 'folder', l: 'link' };

/** The `list` operation's output: entries, then folder sizes (du), the disk (df) and the trash count. */
export function parseListing(fields: string[], diskMiB: number): Omit<FolderListing, 'labId' | 'path' | 'viaHelper'> {
  const du = fields.indexOf('DU');
  const df = fields.indexOf('DF');
  const tr = fields.indexOf('TRASH');
  const raw = fields.slice(0, du < 0 ? fields.length : du);
  const entries: FileEntry[] = [];
  for (let i = 0; i + 4 < raw.length; i += 5) {
    const [type, size, mtime, name, link] = raw.slice(i, i + 5) as [string, string, string, string, string];
    entries.push({
      name,
      kind: KIND[type] ?? 'other',
      size: Number(size) || 0,
      modifiedMs: Math.round(Number(mtime) * 1000) || 0,
      linkTarget: type === 'l' ? link : null,
    });
  }
  // du prints "bytes<TAB>path" per folder: a folder's size is everything in it.
  const sizes = new Map<string, number>();
  for (const line of fields.slice(du + 1, df < 0 ? undefined : df)) {
    const tab = line.indexOf('\t');
    if (tab > 0)
      sizes.set(
        line
          .slice(tab + 1)
          .split('/')
          .pop() ?? '',
        Number(line.slice(0, tab)),
      );
  }
  for (const e of entries) if (e.kind === 'folder' && sizes.has(e.name)) e.size = sizes.get(e.name)!;
  const usage = df >= 0 ? parseUsage(fields[df + 1] ?? '', diskMiB) : null;
  const trashCount = tr >= 0 ? Number((fields[tr + 1] ?? '0').trim()) || 0 : 0;
  return { entries, usage, trashCount };
}

/** The disk's numbers (parseStatfs) as the Files panel shows them, against the profile's limit. */
export function parseUsage(text: string, diskMiB: number): DiskUsage | null {
  const fs = parseStatfs(text);
  if (!fs) return null;
  return { totalBytes: fs.sizeBytes, freeBytes: fs.freeBytes, usedBytes: Math.max(0, fs.sizeBytes - fs.freeBytes), limitMiB: diskMiB };
}

export function parseTrash(fields: string[]): TrashEntry[] {
  const out: TrashEntry[] = [];
  for (let i = 0; i + 5 < fields.length; i += 6) {
    const [id, originalPath, deletedS, type, name, size] = fields.slice(i, i + 6) as [string, string, string, string, string, string];
    const stamp = Number(id.split('-')[0]);
    out.push({
      id,
      originalPath,
      name,
      kind: KIND[type] ?? 'other',
      size: Number(size) || 0,
      deletedAtMs: Number.isFinite(stamp) && stamp > 0 ? stamp : Number(deletedS) * 1000,
    });
  }
  return out.sort((a, b) => b.deletedAtMs - a.deletedAtMs);
}

export function parseCommit(fields: string[]): Omit<UploadResult, 'bytes' | 'files'> {
  const result: Omit<UploadResult, 'bytes' | 'files'> = { written: [], renamed: [], skipped: [], replaced: [] };
  for (let i = 0; i < fields.length;) {
    const what = fields[i++];
    const name = fields[i++] ?? '';
    if (what === 'written') result.written.push(name);
    else if (what === 'skipped') result.skipped.push(name);
    else if (what === 'replaced') result.replaced.push(name);
    else if (what === 'renamed') result.renamed.push([name, fields[i++] ?? '']);
  }
  return result;
}

/**
 * tar's words for a full workspace: ENOSPC itself, a quota, or GNU tar's "Wrote only 8704 of 10240
 * bytes" — what it says when a write came back short, which on the workspace's ext4 is the disk filling.
 */
function isDiskFull(err: Error): boolean {
  return /no space left|disk quota|wrote only \d+ of \d+ bytes/i.test(err.message);
}

function unpackError(err: Error): LabError {
  if (isDiskFull(err)) {
    return new LabError(
      'DISK_FULL',
      'The workspace became full during the upload; nothing was kept. Delete files you do not need (and empty the trash), then try again.',
    );
  }
  const said = err.message.split('\n').filter((l) => !/Exiting with failure status/.test(l));
  return new LabError('INTERNAL', `The upload could not be unpacked in the lab: ${said.join('; ') || err.message}`);
}

function asTransferError(err: unknown): Error {
  if (err instanceof LabError) return err;
  if (err instanceof HostileArchiveError) return new LabError('REFUSED', err.message);
  if (err instanceof UnsafePathError) return new LabError('PATH_INVALID', err.message);
  const message = (err as Error).message ?? String(err);
  if (/cancel|aborted|premature close/i.test(message)) return new LabError('CANCELLED', 'The transfer was cancelled; nothing was kept.');
  return new LabError('INTERNAL', message);
}
