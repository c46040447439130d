// Attacks 10–12: links through file transfer, hostile tars on the host side, and reaching another lab's
// workspace or this computer's files. Transfers use the same primitives the Files view builds on
// (workspace/transfer.ts, workspace/tar.ts).
import { existsSync, mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { extractTarToNewDir, HostileArchiveError, packTar, readTar } from '../../workspace/tar';
import { tarFromLab, tarIntoLab } from '../../workspace/transfer';
import type { AuditLab } from '../lab';
import type { AttackResult, AuditAttack, AuditContext } from '../types';

/** Downloads `rel` from the lab through the hardened path and reads it; reports what came out. */
async function download(
  lab: AuditLab,
  rel: string,
): Promise<{ refused: string | null; files: Record<string, string>; skipped: string[]; tarExit: number | null; tarErr: string }> {
  const out = await tarFromLab(lab.dockerClient(), lab.container, lab.profile, rel);
  const files: Record<string, string> = {};
  let refused: string | null = null;
  let skipped: string[] = [];
  try {
    const summary = await readTar(out.stream, async (entry, body) => {
      if (entry.kind === 'file' && body) {
        const chunks: Buffer[] = [];
        for await (const c of body) chunks.push(c as Buffer);
        files[entry.path] = Buffer.concat(chunks).toString('utf8').slice(0, 200);
      }
    });
    skipped = summary.skipped.map((s) => `${s.path}: ${s.reason}`);
  } catch (err) {
    refused = err instanceof HostileArchiveError ? err.message : `error: ${(err as Error).message}`;
    out.stream.resume();
  }
  const done = await out.done;
  return { refused, files, skipped, tarExit: done.code, tarErr: done.stderr.trim().slice(0, 200) };
}

async function linkEscapes(ctx: AuditContext): Promise<AttackResult[]> {
  const { lab, profile } = ctx;
  const ws = profile.server.workspace;
  const results: AttackResult[] = [];
  const setup = await lab.sh(
    `cd "${ws}" && mkdir -p audit-links && cd audit-links && ln -sfn /etc/shadow shadow && ln -sfn /proc/1/root proc-root && ln -sfn ../../../../../etc etc-up ` +
      `&& ln -sfn /var/lib/docker/volumes host-volumes && (ln /etc/shadow hard-shadow 2>&1 | sed 's/^/hardlink: /' || true) && echo secret-of-student > own.txt && ls -la`,
    { timeoutSeconds: 20 },
  );
  // Each link on its own, then the folder that holds them all.
  for (const rel of ['audit-links/shadow', 'audit-links/proc-root', 'audit-links/etc-up', 'audit-links/host-volumes', 'audit-links']) {
    const r = await download(lab, rel);
    const leaked = Object.entries(r.files).filter(([p]) => !p.endsWith('own.txt'));
    results.push({
      attack: `10. Download of a link (${rel})`,
      blocked: leaked.length === 0 && (r.refused !== null || r.skipped.length > 0 || Object.keys(r.files).length > 0),
      evidence: r.refused
        ? `Refused on the host: ${r.refused}`
        : `${leaked.length ? `LEAKED ${leaked.map(([p, c]) => `${p}=${JSON.stringify(c.slice(0, 40))}`).join(', ')}` : 'Nothing outside the workspace came out'}; ${r.skipped.join('; ') || ''} ${Object.keys(r.files).length ? `files: ${Object.keys(r.files).join(', ')}` : ''}`.trim(),
    });
  }
  const hardlink = setup.out.split('\n').find((l) => l.startsWith('hardlink:'));
  results.push({
    attack: '10. Hard link to /etc/shadow in the workspace',
    blocked: !setup.out.includes('hard-shadow') || Boolean(hardlink),
    evidence: hardlink ?? 'The hard link could not be made (no such file in the listing).',
  });

  // A link swapped during a transfer: the student flips a name between a folder and a link to /etc
  // while ClassLab downloads it again and again.
  await lab.exec(
    [
      'sh',
      '-c',
      `cd "${ws}" && mkdir -p swap-src && echo harmless > swap-src/a.txt && end=$(( $(date +%s) + 12 )); while [ $(date +%s) -lt $end ]; do ln -sfn /etc swap-tmp && mv -T swap-tmp swap; rm -f swap; cp -r swap-src swap 2>/dev/null; rm -rf swap; done # classlab-swap`,
    ],
    { detach: true },
  );
  let leaks = 0;
  let refusals = 0;
  let clean = 0;
  const seen = new Set<string>();
  for (let i = 0; i < 15; i++) {
    const r = await download(lab, 'swap');
    if (r.refused) refusals += 1;
    const names = Object.keys(r.files);
    names.forEach((n) => seen.add(n));
    if (names.some((n) => !/^swap(\/a\.txt)?$/.test(n))) leaks += 1;
    else clean += 1;
  }
  results.push({
    attack: '10. A link swapped during a transfer',
    blocked: leaks === 0,
    evidence: `15 downloads while the student swapped "swap" between a folder and a link to /etc: ${refusals} refused, ${clean - refusals} harmless, ${leaks} leaked. Files seen: ${[...seen].join(', ') || 'none'}. (tar runs as the student inside the lab, so a link reaches only what the student could read.)`,
  });

  // Upload into a folder the student replaced by a link to /etc: as the student, it cannot land there.
  await lab.sh(`cd "${ws}" && ln -sfn /etc up-etc`, { timeoutSeconds: 10 });
  const up = await tarIntoLab(lab.dockerClient(), lab.container, profile, '', packTar([{ path: 'up-etc/classlab-audit.txt', kind: 'file', data: 'x' }]));
  const landed = await lab.sh('ls -la /etc/classlab-audit.txt 2>&1 | head -n 1', { timeoutSeconds: 10 });
  results.push({
    attack: '10. Upload through a link to /etc',
    blocked: !landed.out.includes('classlab-audit.txt ') || landed.out.includes('No such file'),
    evidence: `tar in the lab (as the student) said: ${up.stderr.trim().split('\n')[0] || `exit ${up.code}`}; /etc/classlab-audit.txt: ${landed.out.trim()}`,
  });
  await lab.sh(`cd "${ws}" && rm -rf audit-links up-etc swap swap-src swap-tmp`, { timeoutSeconds: 20 });
  return results;
}

type Raw = { name: string; type?: tar.Header['type']; linkname?: string; data?: string };

async function rawTar(entries: Raw[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    await new Promise<void>((resolve, reject) =>
      pack.entry(
        { name: e.name, type: e.type ?? 'file', linkname: e.linkname, mode: 0o644, size: e.data ? Buffer.byteLength(e.data) : 0 },
        e.data ?? '',
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

async function hostileTars(ctx: AuditContext): Promise<AttackResult[]> {
  const { lab } = ctx;
  const root = mkdtempSync(path.join(os.tmpdir(), 'classlab-audit-'));
  const results: AttackResult[] = [];
  try {
    // The student makes the hostile archive in the lab, with Python's tarfile; it comes out as a file.
    const made = await lab.py(
      String.raw`
import io, tarfile, sys
def add(t, name, data=b'evil', kind=tarfile.REGTYPE, link=''):
    i = tarfile.TarInfo(name); i.type = kind; i.linkname = link; i.size = len(data) if kind == tarfile.REGTYPE else 0
    t.addfile(i, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
cases = {
  'dotdot': [('../../classlab-escape.txt',)],
  'absolute': [('/tmp/classlab-escape-abs.txt',)],
  'link-then-file': [('out', b'', tarfile.SYMTYPE, '../../'), ('out/classlab-escape-link.txt',)],
  'hardlink-out': [('h', b'', tarfile.LNKTYPE, '/etc/passwd')],
  'device': [('sda', b'', tarfile.BLKTYPE)],
}
import base64
for name, entries in cases.items():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w', format=tarfile.GNU_FORMAT) as t:
        add(t, 'fine.txt', b'fine')
        for e in entries: add(t, *e)
    print(name, base64.b64encode(buf.getvalue()).decode())
`,
      { timeoutSeconds: 30, maxOutput: 1024 * 1024 },
    );
    const archives = made.out
      .split('\n')
      .map((l) => l.trim().split(' '))
      .filter((p) => p.length === 2) as [string, string][];
    const canaries = ['classlab-escape.txt', 'classlab-escape-link.txt'].map((n) => path.join(root, n));
    for (const [name, b64] of archives) {
      const dest = path.join(root, 'dl', name);
      await fs.mkdir(path.dirname(dest), { recursive: true });
      let outcome: string;
      let refused = false;
      try {
        await extractTarToNewDir(Readable.from([Buffer.from(b64, 'base64')]), dest);
        outcome = 'extracted';
      } catch (err) {
        refused = err instanceof HostileArchiveError;
        outcome = (err as Error).message;
      }
      const escaped = [...canaries, '/tmp/classlab-escape-abs.txt', path.join(root, '..', 'classlab-escape.txt')].filter((p) => existsSync(p));
      results.push({
        attack: `11. Hostile tar from the lab (${name})`,
        blocked: refused && escaped.length === 0 && !existsSync(dest),
        evidence: `${outcome}; nothing written outside the download folder${escaped.length ? ` — BUT found ${escaped.join(', ')}` : ''}; the partial download was removed: ${existsSync(dest) ? 'no' : 'yes'}.`,
      });
    }
    if (archives.length === 0)
      results.push({ attack: '11. Hostile tars from the lab', blocked: false, evidence: `Could not make them in the lab: ${made.out.slice(0, 300)}` });
    // And one the lab could never make through ClassLab: a symlink followed by a file through it, inside.
    const inside = await rawTar([
      { name: 'd/', type: 'directory' },
      { name: 'l', type: 'symlink', linkname: 'd' },
      { name: 'l/x.txt', data: 'x' },
    ]);
    let insideOutcome = '';
    try {
      await extractTarToNewDir(Readable.from([inside]), path.join(root, 'inside'));
      insideOutcome = 'extracted';
    } catch (err) {
      insideOutcome = (err as Error).message;
    }
    results.push({
      attack: '11. Hostile tar: a file through a link that points inside',
      blocked: insideOutcome.includes('behind the link'),
      evidence: insideOutcome,
    });
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
  return results;
}

async function otherWorkspaces(ctx: AuditContext): Promise<AttackResult[]> {
  const { lab, neighbour, profile } = ctx;
  const canary = `classlab-canary-${Date.now().toString(36)}`;
  await neighbour.sh(`echo "${canary}" > "${profile.server.workspace}/${canary}.txt"`, { timeoutSeconds: 10 });
  const hostDir = mkdtempSync(path.join(os.tmpdir(), 'classlab-audit-home-'));
  await fs.writeFile(path.join(hostDir, `${canary}.txt`), canary);
  try {
    // Anything from elsewhere would have to be mounted: search every mount but the image itself and kernel views.
    const search = await lab.sh(
      `points=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) !~ /^(proc|sysfs|cgroup2?|devpts|mqueue)$/ && $5 != "/") print $5; break } }' /proc/self/mountinfo); ` +
        `grep -rl "${canary}" $points /home /mnt /media /srv /opt /root 2>/dev/null | head -n 5; echo "searched: $(echo $points)"; echo "home: $(ls /home | tr '\\n' ' ')"; echo done`,
      { timeoutSeconds: 120 },
    );
    const hits = search.out.split('\n').filter((l) => l.startsWith('/') && !l.startsWith('/proc'));
    const mounts = await lab.sh(`awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { print $5, $4, $(i + 1), $(i + 2); break } }' /proc/self/mountinfo`, {
      timeoutSeconds: 10,
    });
    const bindRoots = mounts.out
      .split('\n')
      .filter(Boolean)
      .filter((l) => {
        const [point = '', root, type = ''] = l.split(' ');
        // Kernel views (cgroups, /proc and /sys entries, masked /proc files) are not folders of this computer.
        if (['proc', 'sysfs', 'cgroup', 'cgroup2'].includes(type) || point.startsWith('/proc/') || point.startsWith('/sys/')) return false;
        return root !== '/' && !['/etc/resolv.conf', '/etc/hosts', '/etc/hostname'].includes(point);
      });
    return [
      {
        attack: "12. Reading another lab's workspace",
        blocked: search.out.includes('done') && hits.length === 0,
        evidence: `Searched every mounted place in the lab (${
          search.out
            .split('\n')
            .find((l) => l.startsWith('searched:'))
            ?.slice(10)
            .trim()
            .split(/\s+/)
            .join(', ') ?? '?'
        }) and /home, /mnt, /media, /srv, /opt, /root for a canary written into another lab's workspace${hits.length ? `: FOUND in ${hits.join(', ')}` : ': not found'}; ${search.out.split('\n').find((l) => l.startsWith('home:')) ?? ''}.`,
      },
      {
        attack: "12. Reading this computer's home or files",
        blocked: search.out.includes('done') && hits.length === 0 && bindRoots.every((l) => profile.mounts.some((m) => l.startsWith(`${m.target} `))),
        evidence: `A canary in a folder on this computer was not found from the lab; folders from this computer mounted in the lab: ${bindRoots.length ? bindRoots.join('; ') : 'none'} (course folders allowed read-only: ${profile.mounts.map((m) => m.target).join(', ') || 'none'}).`,
      },
    ];
  } finally {
    await fs.rm(hostDir, { recursive: true, force: true });
  }
}

export const fileAttacks: AuditAttack[] = [
  { id: 'link-escapes', number: 10, run: linkEscapes },
  { id: 'hostile-tars', number: 11, run: hostileTars },
  { id: 'other-workspaces', number: 12, run: otherWorkspaces },
];
