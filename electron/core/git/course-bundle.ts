// A lab's course as one git bundle file, so a lab pack can carry it and the lab's first course copy works
// with no network (issue #11). Two sides:
// - bundleCourse (pack export): fetches ONE branch from the course address, with the same runner and the
//   same address rules as a course sync, into a throw-away bare repository, and writes a bundle holding
//   exactly refs/heads/<branch> with its whole history (a later sync from the address then finds the
//   bundled commit as an ancestor and merges as usual).
// - checkBundle (pack import, and again before the first copy): a bundle from a pack is hostile input —
//   a pack can be made by anyone, its signature only says who made it. It is refused unless its header
//   names exactly that one branch and no prerequisite (a thin bundle needs objects we do not have), git
//   accepts it (`git bundle verify`), and the whole pack fetches into a throw-away bare repository and
//   passes `git fsck --strict`. The fsck is ours, not git's: git 2.39 does not apply
//   transfer.fsckObjects when fetching from a bundle (measured: a tree holding `.GIT` fetched without a
//   word), and the course sync relies on fsck to keep `.git` and `..` paths out.
// Every git here runs through git-runner.ts; a bundle is read by git only, and never from a path that
// could be read as an address (always absolute). The scratch folders (support files, throw-away
// repositories) are made beside the output or the checked file, in ClassLab's data folder, and removed.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LAB_ID } from '../../api/contract';
import { LabError } from '../../api/errors';
import { isTrustedLocalAddress, type MachineTrust } from '../trust/machine-trust';
import type { Logger } from '../log';
import { GitError } from './errors';
import { initRepo, revParse } from './git-objects';
import { prepareGitSupport, runGit, scrubGitText, type GitCredentials, type GitRunOptions } from './git-runner';
import { checkBranchName, credentialFreeUrl } from './remote-url';

/** A course bundle refused as not a bundle, not the one branch, thin, truncated or damaged. */
export class CourseBundleError extends LabError {
  constructor(
    reason: string,
    /** git's own text, for the log. */
    readonly detail = '',
  ) {
    super('REFUSED', `The lab pack's copy of the course was refused: ${reason}.`);
    this.name = 'CourseBundleError';
  }
}

/** Where an installed lab pack puts the course bundle of a lab (the pack import writes it; the first copy reads it). */
export function courseBundlePath(dataDir: string, labId: string): string {
  return path.join(dataDir, 'labs', 'courses', `${LAB_ID.parse(labId)}.bundle`);
}

// ---- the header (pure) ------------------------------------------------------------------------------

/** How much of a file is read for its header: one ref needs about a hundred bytes. */
export const MAX_HEADER_BYTES = 64 * 1024;
const SIGNATURES: Record<string, 2 | 3> = { '# v2 git bundle': 2, '# v3 git bundle': 3 };
const OID = /^[0-9a-f]{40}$/;
const NOT_A_COMMIT = 'its branch does not name a commit it carries';
const REFUSED_NAMES = 'its files hold names or entries git refuses (such as .git or "..")';
/** git's fsck message ids (fsck.h) for what a tree or commit may not hold. */
const FSCK_TEXT = /fsck error|hasDot|badTree|badFilemode|zeroPadded|fullPathname|gitmodules|badName|duplicateEntries/i;

export interface BundleHeader {
  version: 2 | 3;
  /** v3 "@key[=value]" lines, without the "@". */
  capabilities: string[];
  /** Commits the bundle needs but does not carry (a thin bundle). */
  prerequisites: string[];
  refs: { oid: string; name: string }[];
  /** The bytes after the header start a pack ("PACK"). */
  packFollows: boolean;
}

/**
 * Reads a bundle's header from the file's first bytes (git's bundle.c format: signature line, v3
 * capabilities, "-<oid> [comment]" prerequisites, "<oid> <ref>" lines, a blank line, the pack). Throws
 * CourseBundleError for anything else. Pure.
 */
export function parseBundleHeader(head: Buffer): BundleHeader {
  const version = SIGNATURES[head.subarray(0, Math.max(0, head.indexOf('\n'))).toString('latin1')];
  if (version === undefined) throw new CourseBundleError('the file is not a git bundle');
  const end = head.indexOf('\n\n');
  if (end < 0) throw new CourseBundleError('its header does not end (the file is truncated, or holds too many refs)');
  const lines = head.subarray(0, end).toString('latin1').split('\n');
  const header: BundleHeader = { version, capabilities: [], prerequisites: [], refs: [], packFollows: false };
  for (const line of lines.slice(1)) {
    if (version === 3 && line.startsWith('@') && header.prerequisites.length === 0 && header.refs.length === 0) {
      header.capabilities.push(line.slice(1));
      continue;
    }
    if (line.startsWith('-')) {
      const oid = line.slice(1).split(' ')[0] ?? '';
      if (!OID.test(oid)) throw new CourseBundleError('its header is malformed');
      header.prerequisites.push(oid);
      continue;
    }
    const space = line.indexOf(' ');
    const oid = line.slice(0, space);
    const name = line.slice(space + 1);
    if (space < 0 || !OID.test(oid) || name === '') throw new CourseBundleError('its header is malformed');
    header.refs.push({ oid, name });
  }
  header.packFollows = head.subarray(end + 2, end + 6).toString('latin1') === 'PACK';
  return header;
}

/** The commit a bundle's header gives `branch`, when it holds that branch and nothing else. Pure. */
export function bundleCommit(header: BundleHeader, branch: string): string {
  const ref = `refs/heads/${branch}`;
  const other = header.capabilities.filter((c) => c !== 'object-format=sha1');
  if (other.length) throw new CourseBundleError(`it needs what a course copy never uses (${other.join(', ')})`);
  if (header.prerequisites.length)
    throw new CourseBundleError(`it is incomplete: it needs ${header.prerequisites.length} commit(s) it does not carry (a thin bundle)`);
  const names = header.refs.map((r) => r.name);
  if (header.refs.length !== 1 || names[0] !== ref)
    throw new CourseBundleError(`it must hold exactly the branch ${branch}, and it holds ${names.length ? names.join(', ') : 'no branch'}`);
  if (!header.packFollows) throw new CourseBundleError('it is damaged (no git pack after its header)');
  return header.refs[0]!.oid;
}

// ---- check ---------------------------------------------------------------------------------------------

export interface CheckBundleOptions {
  signal?: AbortSignal;
  /** Where the throw-away repository is made (default: the bundle's own folder). */
  scratchDir?: string;
}

/**
 * Refuses (CourseBundleError, code REFUSED) anything but a whole, undamaged bundle of exactly
 * refs/heads/<branch> with no prerequisites, whose objects pass `git fsck --strict`; returns the
 * branch's commit. Changes nothing but its own scratch folder.
 */
export async function checkBundle(file: string, branch: string, opts: CheckBundleOptions = {}): Promise<{ commit: string }> {
  checkBranchName(branch);
  const abs = path.resolve(file);
  const expected = bundleCommit(parseBundleHeader(await readHead(abs)), branch);
  return withScratch(opts.scratchDir ?? path.dirname(abs), 'bundle-check-', opts.signal, async (scratch) => {
    const g = await throwAwayRepo(scratch, { allowLocal: true, signal: opts.signal });
    // Each step's failure in its own words; git's text goes to the log (detail).
    const step = async (args: string[], reason: string) => {
      try {
        await runGit(g, args);
      } catch (err) {
        const detail = err instanceof GitError ? err.detail || err.message : String(err);
        // Newer gits fsck a bundle's objects in the fetch already: their refusal is about names, not damage.
        const why = /non-commit object/.test(detail) ? NOT_A_COMMIT : FSCK_TEXT.test(detail) ? REFUSED_NAMES : reason;
        throw new CourseBundleError(why, detail);
      }
    };
    await step(['bundle', 'verify', '--quiet', abs], 'git does not read it as a bundle');
    await step(['fetch', '--no-tags', '--no-write-fetch-head', '--', abs, `+refs/heads/${branch}:refs/heads/${branch}`], 'it is truncated or damaged');
    // No --connectivity-only: the objects' contents are what fsck checks (paths like .git or .., odd modes).
    await step(['fsck', '--strict', '--no-dangling', '--no-reflogs', '--no-progress'], REFUSED_NAMES);
    const commit = await revParse(g, `refs/heads/${branch}`);
    // A tag in a branch's place would peel to another commit: only the commit itself is a course copy.
    if (commit !== expected) throw new CourseBundleError(NOT_A_COMMIT);
    return { commit };
  });
}

async function readHead(file: string): Promise<Buffer> {
  const st = await fs.lstat(file).catch(() => null);
  if (!st) throw new CourseBundleError('the file is not there');
  if (!st.isFile()) throw new CourseBundleError('it is not a plain file');
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(MAX_HEADER_BYTES, st.size));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

// ---- export --------------------------------------------------------------------------------------------

export interface BundleCourseOptions {
  /** The profile's course address (checked like a course sync's; a local one only when `trust` lists it). */
  url: string;
  branch: string;
  /** From GitCredentialStore.get(url): answered only for the host it was saved for. */
  credentials?: GitCredentials;
  /** This machine's trust (trust.localAddresses decides local addresses). */
  trust: MachineTrust;
  /** The bundle to write. Its folder must exist; the file appears only whole, and never after a failure or cancel. */
  outFile: string;
  signal?: AbortSignal;
  log: Logger;
}

/** Writes a bundle of exactly refs/heads/<branch> of the course at `url`. */
export async function bundleCourse(opts: BundleCourseOptions): Promise<{ commit: string; bytes: number }> {
  const allowLocal = isTrustedLocalAddress(opts.url, opts.trust);
  const url = credentialFreeUrl(opts.url, { allowLocal });
  const branch = checkBranchName(opts.branch);
  const out = path.resolve(opts.outFile);
  return withScratch(path.dirname(out), 'course-bundle-', opts.signal, async (scratch) => {
    const g = await throwAwayRepo(scratch, { allowLocal, signal: opts.signal, credentials: opts.credentials });
    const tmp = path.join(scratch, 'course.bundle');
    await runGit(g, ['fetch', '--no-tags', '--no-write-fetch-head', '--', url, `+refs/heads/${branch}:refs/heads/${branch}`]);
    await runGit(g, ['bundle', 'create', '--quiet', '--version=2', tmp, `refs/heads/${branch}`]);
    const commit = await revParse(g, `refs/heads/${branch}`);
    if (!commit) throw new GitError('GIT_BRANCH_MISSING', 'The course repository has no branch of that name.');
    // What we write is what checkBundle's header rules accept (one ref, no prerequisite).
    if (bundleCommit(parseBundleHeader(await readHead(tmp)), branch) !== commit) throw new GitError('GIT_FAILED', 'git wrote a bundle of another commit.');
    opts.signal?.throwIfAborted();
    await fs.rename(tmp, out);
    const bytes = (await fs.stat(out)).size;
    opts.log.info('git: course bundled', { url: scrubGitText(url), branch, commit, bytes });
    return { commit, bytes };
  });
}

// ---- shared --------------------------------------------------------------------------------------------

/** A bare repository (and git support files) of its own in `scratch`. */
async function throwAwayRepo(scratch: string, extra: Pick<GitRunOptions, 'allowLocal' | 'signal' | 'credentials'>): Promise<GitRunOptions> {
  const support = await prepareGitSupport(path.join(scratch, 'support'));
  const gitDir = path.join(scratch, 'repo.git');
  const g: GitRunOptions = { support, gitDir, allowLocal: extra.allowLocal ?? false };
  if (extra.signal) g.signal = extra.signal;
  if (extra.credentials) g.credentials = extra.credentials;
  await initRepo(g, gitDir, 'course');
  return g;
}

/** Runs `fn` in a fresh folder inside `parent`, removed afterwards; whatever fails once `signal` fired is a cancel. */
async function withScratch<T>(parent: string, prefix: string, signal: AbortSignal | undefined, fn: (dir: string) => Promise<T>): Promise<T> {
  await fs.mkdir(parent, { recursive: true, mode: 0o700 });
  const dir = await fs.mkdtemp(path.join(parent, `.${prefix}`));
  try {
    return await fn(dir);
  } catch (err) {
    // git killed by the signal reports a "timeout"; a step refused because of it is no refusal either.
    if (signal?.aborted) throw cancelled(signal);
    throw err;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

function cancelled(signal: AbortSignal): LabError {
  const reason: unknown = signal.reason;
  return reason instanceof LabError ? reason : new LabError('CANCELLED', 'The course copy was cancelled.');
}
