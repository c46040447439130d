// Attacks 4 and 5: fill every place the lab can write, and leave things behind for after a reset.
import { statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { formatMiB } from '../../../api/units';
import { explainNoSpace } from '../../sandbox/explain';
import { CAPPED_LOGS, scratchSizesMiB } from '../../sandbox/policy';
import type { AuditLab } from '../lab';
import type { AttackResult, AuditAttack, AuditContext } from '../types';

const MiB = 1024 * 1024;

/** Free bytes where the engine keeps its data, when that is on this machine (Linux engines). */
async function hostFree(): Promise<{ where: string; free: number } | null> {
  for (const where of ['/var/lib/docker', os.homedir(), '/']) {
    try {
      const s = await statfs(where);
      return { where, free: s.bavail * s.bsize };
    } catch {
      // next
    }
  }
  return null;
}

/** dd into a file until it stops; returns what dd said and how much landed. */
async function fill(lab: AuditLab, file: string, maxMiB: number, seconds = 120): Promise<{ bytes: number; message: string; code: number | null }> {
  const r = await lab.sh(
    `dd if=/dev/zero of="$1" bs=1M count=${maxMiB} 2>&1 | grep -v records; stat -c '%s' "$1" 2>/dev/null; rm -f "$1"`.replace(/\$1/g, file),
    { timeoutSeconds: seconds },
  );
  const lines = r.out.trim().split('\n');
  const bytes = Number(lines.at(-1));
  const message = lines.find((l) => /No space|Permission denied|Read-only|cannot/i.test(l)) ?? lines[0] ?? '';
  return { bytes: Number.isFinite(bytes) ? bytes : 0, message: message.replace(/^dd: /, ''), code: r.code };
}

async function workspaceFill(ctx: AuditContext): Promise<AttackResult> {
  const { lab, profile } = ctx;
  const attack = '4. Disk fill (workspace)';
  const disk = lab.disk;
  if (!disk || disk.kind !== 'loop' || !disk.sizeMiB) {
    // Never dd into an unlimited workspace: that would fill the host's disk.
    return { attack, blocked: false, evidence: `Not run: the workspace has no hard size limit. ${disk?.reason ?? ''}`.trim() };
  }
  const before = await hostFree();
  const r = await fill(lab, `${profile.server.workspace}/.classlab-audit-fill`, disk.sizeMiB * 2);
  const after = await hostFree();
  const stopped = /No space left/i.test(r.message) && r.bytes <= disk.sizeMiB * MiB;
  const hostDelta = before && after ? before.free - after.free : null;
  const hostOk = hostDelta === null || hostDelta < (disk.sizeMiB + 64) * MiB;
  const explanation = explainNoSpace(`${profile.server.workspace}/x`, profile, disk.sizeMiB);
  return {
    attack,
    blocked: stopped && hostOk,
    evidence:
      `dd stopped at ${(r.bytes / MiB).toFixed(1)} MiB of a ${formatMiB(disk.sizeMiB)} workspace disk (ext4 on ${disk.device ?? 'a loop device'}): "${r.message}". ` +
      (before && after
        ? `Free space at ${before.where} on this computer: ${(before.free / MiB).toFixed(0)} MiB before, ${(after.free / MiB).toFixed(0)} MiB after (the file was deleted again). `
        : '') +
      `ClassLab says: "${explanation.message}"`,
  };
}

async function scratchFill(ctx: AuditContext): Promise<AttackResult[]> {
  const { lab, profile } = ctx;
  const sizes = scratchSizesMiB(profile.resources.memoryMiB);
  const home = path.posix.dirname(profile.server.workspace);
  const socketDir = path.posix.dirname(profile.server.socket);
  const places: [string, number][] = [
    ['/tmp', sizes.tmp],
    ['/var/tmp', sizes.varTmp],
    ['/dev/shm', sizes.shm],
    [home, sizes.home],
    [socketDir, 1],
  ];
  const results: AttackResult[] = [];
  for (const [dir, mib] of places) {
    const r = await fill(lab, `${dir}/.classlab-audit-fill`, mib * 2 + 8, 60);
    const stopped = /No space left|Permission denied|Read-only/i.test(r.message) && r.bytes <= (mib + 1) * MiB;
    results.push({
      attack: `4. Disk fill (${dir})`,
      blocked: stopped,
      evidence:
        `dd stopped at ${(r.bytes / MiB).toFixed(1)} MiB (cap ${mib} MiB, in memory, emptied at reset): "${r.message}". ${stopped ? `ClassLab says: "${explainNoSpace(`${dir}/x`, profile).message}"` : ''}`.trim(),
    });
  }
  // Everything else is read-only: the image's files, /run, and the root itself.
  const ro = await lab.sh(
    'for p in /usr/local/classlab-audit /etc/classlab-audit /run/classlab-audit /classlab-audit /var/classlab-audit; do if touch "$p" 2>/dev/null; then echo "WROTE $p"; rm -f "$p"; else echo "refused $p: $(touch "$p" 2>&1 | sed "s/.*: //")"; fi; done',
    { timeoutSeconds: 20 },
  );
  results.push({
    attack: '4. Disk fill (image files, /run, the root)',
    blocked: !ro.out.includes('WROTE') && ro.code === 0,
    evidence: ro.out.split('\n').join('; '),
  });
  // Every mount the student can write to must be one of the capped places above.
  const mounts = await lab.sh(
    `awk '{ rw = 0; n = split($6, o, ","); for (i = 1; i <= n; i++) if (o[i] == "rw") rw = 1; t = ""; for (i = 7; i <= NF; i++) if ($i == "-") { t = $(i + 1); break }; if (rw) print $5, t }' /proc/self/mountinfo | ` +
      `while read -r p t; do if [ -d "$p" ] && [ -w "$p" ]; then echo "$p $t"; fi; done`,
    { timeoutSeconds: 10 },
  );
  const allowed = new Set(['/tmp', '/var/tmp', '/dev/shm', home, socketDir, profile.server.workspace, '/dev/mqueue']);
  const writable = mounts.out.split('\n').filter(Boolean);
  const unexpected = writable.filter((l) => !allowed.has(l.split(' ')[0] ?? ''));
  results.push({
    attack: '4. Disk fill (any other writable place)',
    blocked: mounts.code === 0 && writable.length > 0 && unexpected.length === 0,
    evidence:
      unexpected.length === 0
        ? `The lab user can write only to: ${writable.join(', ')} (all size-capped above; /dev/mqueue is capped by the kernel's per-user message-queue limit).`
        : `Unexpected writable places: ${unexpected.join('; ')}`,
  });
  return results;
}

async function logFill(ctx: AuditContext): Promise<AttackResult> {
  const { lab, docker } = ctx;
  const attack = '4. Disk fill (via logs)';
  const info = await lab.inspect();
  const cfg = info?.HostConfig.LogConfig;
  // Podman's compatible API takes the cap (its libpod inspect shows it as the log's Size) but reports
  // Config as null: then what was asked for (CAPPED_LOGS) is the bound, and the fill below is what decides.
  const reported = cfg?.Config?.['max-size'];
  const unreported = !reported && cfg?.Config === null && ctx.engineKind === 'podman';
  const maxSize = reported ?? (unreported ? CAPPED_LOGS.Config['max-size'] : undefined);
  const maxFile = Number(cfg?.Config?.['max-file'] ?? (unreported ? CAPPED_LOGS.Config['max-file'] : 1));
  if (!maxSize) return { attack, blocked: false, evidence: `Not run: the log has no size cap (${JSON.stringify(cfg)}).` };
  // The notebook server runs as the lab user, so the student can write to its standard output: Docker's log.
  const wrote = await lab.sh("head -c 30000000 /dev/zero | tr '\\0' 'x' | fold -w 1000 > /proc/1/fd/1 && echo written 30000000", { timeoutSeconds: 60 });
  const logs = (await docker.getContainer(lab.container).logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  const kept = logs.length;
  const capBytes = parseSize(maxSize) * maxFile;
  const blocked = kept <= capBytes * 1.2 + 64 * 1024;
  return {
    attack,
    blocked,
    evidence: `${wrote.out.includes('written') ? "Wrote 30 MB to the lab's output" : `Writing to the lab's output: ${wrote.out.slice(0, 200)}`}; the engine keeps ${(kept / MiB).toFixed(2)} MiB of log (cap ${maxSize} × ${maxFile} files, ${cfg?.Type}${unreported ? '; Podman does not report the cap it was given, so the bound is the one ClassLab asked for' : ''}).`,
  };
}

function parseSize(s: string): number {
  const m = /^(\d+)([kmg]?)b?$/i.exec(s.trim());
  if (!m) return Number(s) || 0;
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  return n * (unit === 'k' ? 1024 : unit === 'm' ? MiB : unit === 'g' ? 1024 * MiB : 1);
}

async function leftovers(ctx: AuditContext): Promise<AttackResult> {
  const { lab, profile, signal } = ctx;
  const attack = '5. Leftovers after a reset';
  const home = path.posix.dirname(profile.server.workspace);
  const marker = `classlab-audit-${Date.now()}`;
  const places = ['/tmp', '/var/tmp', '/dev/shm', home];
  const plant = await lab.sh(
    `for d in ${places.join(' ')}; do echo x > "$d/${marker}"; done; echo keep > "${profile.server.workspace}/${marker}.keep"; ls ${places.map((p) => `${p}/${marker}`).join(' ')} | wc -l`,
    { timeoutSeconds: 20 },
  );
  const sleeper = (tag: string) => `import time  # ${marker}-${tag}\ntime.sleep(86400)`;
  await lab.exec(['sh', '-c', `nohup python3 -c "$0" >/dev/null 2>&1 &`, sleeper('nohup')], { detach: true });
  await lab.exec(['setsid', 'python3', '-c', sleeper('setsid')], { detach: true });
  await lab.exec(['sh', '-c', `(python3 -c "$0" </dev/null >/dev/null 2>&1 &) ; exit 0`, sleeper('double-fork')], { detach: true });
  await new Promise((r) => setTimeout(r, 1500));
  const before = await lab.sh(`ps -eo args | grep -c '[${marker[0]}]${marker.slice(1)}-'`, { timeoutSeconds: 10 });
  await lab.reset(signal);
  const files = await lab.sh(
    `for d in ${places.join(' ')}; do [ -e "$d/${marker}" ] && echo "LEFT $d"; done; cat "${profile.server.workspace}/${marker}.keep"; rm -f "${profile.server.workspace}/${marker}.keep"`,
    { timeoutSeconds: 20 },
  );
  const procs = await lab.sh(`ps -eo args | grep '[${marker[0]}]${marker.slice(1)}-' || true`, { timeoutSeconds: 10 });
  const planted = Number(plant.out.trim().split('\n').at(-1));
  const left = files.out.split('\n').filter((l) => l.startsWith('LEFT'));
  const kept = files.out.includes('keep');
  const blocked = planted === places.length && Number(before.out.trim()) >= 3 && left.length === 0 && procs.out.trim() === '' && kept;
  return {
    attack,
    blocked,
    evidence:
      `Before the reset: files in ${places.join(', ')} (${planted} planted) and ${before.out.trim()} background processes (nohup, setsid, double fork). ` +
      `After ClassLab's reset: ${left.length ? left.join(', ') : 'no files left'}; ${procs.out.trim() ? `processes left: ${procs.out.trim()}` : 'no processes left'}; the workspace file was kept: ${kept ? 'yes' : 'no'}.`,
  };
}

export const diskAttacks: AuditAttack[] = [
  { id: 'disk-fill', number: 4, run: async (ctx) => [await workspaceFill(ctx), ...(await scratchFill(ctx)), await logFill(ctx)] },
  { id: 'leftovers', number: 5, run: async (ctx) => [await leftovers(ctx)] },
];
