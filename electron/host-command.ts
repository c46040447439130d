// `classlab status`, `classlab stop --all`, `classlab backup`, `classlab restore`: the workshop host's
// commands, for one PC or a room of them from a script. Exit codes are a contract (README "Command
// line"): the EXIT table of cli.ts, handed in; a command over several labs exits with the first failed
// lab's code (0 when every lab succeeded), after reporting every lab.
import path from 'node:path';
import type { ErrorCode, HostStatus, ResetOptions, ResetPlan } from './api/contract';
import { formatBytes } from './api/units';
import type { LabOutcome } from './core/host/host';
import type { ClassLabCore } from './core/types';

export const HOST_USAGE = `  status [--json]         Every lab with its state, CPU, memory, disk and uptime, and ClassLab objects
                          that belong to no lab profile (orphans)
  stop --all [--json]     Stop every running lab (files are kept)
  backup LAB|--all [-o DIR] [--json]
                          Write the lab's workspace (or every lab's) to LAB-<date>.tar.gz with a manifest
                          (SHA-256) beside it; default folder <data>/backups/LAB/, where the newest
                          backupsKeep (10) of each lab are kept
  backup --list [--json]  The backups in <data>/backups, newest first
  restore FILE [LAB] [--json]
                          Check FILE against its manifest, then restore it into a new folder
                          restored-<date> of LAB's workspace (default: the lab it was made of)
  reset --all [--images|--keep-images] [--no-backup] [--keep-sign-ins] --yes [--json]
                          Reset this machine: back up every workspace (each verified), then remove every
                          lab, workspace, container, volume and network of this ClassLab, and forget
                          the saved git sign-ins (unless --keep-sign-ins). Images and packs stay
                          (--keep-images, the default) unless --images. Without --yes it only prints
                          the list of what would go, and exits 2`;

export interface HostArgs {
  command: string | undefined;
  /** Positional arguments after the command. */
  args: string[];
  json: boolean;
  all: boolean;
  list: boolean;
  output: string | undefined;
  yes: boolean;
  images: boolean;
  keepImages: boolean;
  noBackup: boolean;
  keepSignIns: boolean;
}

export function isHostCommand(p: Pick<HostArgs, 'command' | 'all'>): boolean {
  return p.command === 'status' || p.command === 'backup' || p.command === 'restore' || ((p.command === 'stop' || p.command === 'reset') && p.all);
}

type ExitTable = Record<'ok' | 'usage' | ErrorCode, number>;

export async function hostCommand(core: ClassLabCore, p: HostArgs, exit: ExitTable): Promise<number> {
  const usage = (why: string): number => {
    process.stderr.write(`classlab: ${why}\n\nUsage:\n${HOST_USAGE}\n`);
    return exit.usage;
  };
  const [first, second, ...more] = p.args;
  const host = core.host;
  if (p.command === 'status') {
    if (p.args.length || p.all || p.list || p.output) return usage('status takes only --json');
    const status = await host.status();
    if (p.json) print(status);
    else describeStatus(status);
    return exit.ok;
  }
  if (p.command === 'stop') {
    if (p.args.length || p.list || p.output) return usage('stop --all takes only --json');
    const outcomes = await host.stopAll();
    if (p.json) print({ labs: outcomes.map(flat) });
    else if (!outcomes.length) process.stdout.write('No lab is running.\n');
    else for (const o of outcomes) process.stdout.write(o.ok ? `${o.lab}: ${o.result.phase}\n` : `${o.lab}: NOT stopped — ${o.error.message}\n`);
    return firstFailure(outcomes, exit);
  }
  if (p.command === 'reset') return resetCommand(core, p, exit, usage);
  if (p.command === 'backup') {
    if (p.list) {
      if (p.args.length || p.all || p.output) return usage('backup --list takes only --json');
      const backups = await host.backups.list();
      if (p.json) print({ backups });
      else if (!backups.length) process.stdout.write('No backups yet.\n');
      else for (const b of backups) process.stdout.write(`${b.lab}  ${b.created}  ${formatBytes(b.bytes).padStart(8)}  ${b.files} files  ${b.file}\n`);
      return exit.ok;
    }
    if (p.all === Boolean(first) || second !== undefined) return usage('backup needs one lab id, or --all');
    const outDir = p.output ? path.resolve(p.output) : undefined;
    if (p.all) {
      const outcomes = await host.backupAll(outDir);
      if (p.json) print({ backups: outcomes.map(flat) });
      else
        for (const o of outcomes)
          process.stdout.write(o.ok ? `${o.lab}: ${o.result.file} (${formatBytes(o.result.bytes)})\n` : `${o.lab}: NOT backed up — ${o.error.message}\n`);
      return firstFailure(outcomes, exit);
    }
    const b = await host.backups.backup(first!, outDir);
    if (p.json) print(b);
    else process.stdout.write(`${b.lab}: ${b.file} (${formatBytes(b.bytes)}, ${b.files} files, sha256 ${b.sha256})\n`);
    return exit.ok;
  }
  // restore
  if (!first || more.length || p.all || p.list || p.output) return usage('restore needs a backup FILE, and optionally the LAB to restore into');
  const r = await host.restore(path.resolve(first), second ?? null);
  if (p.json) print(r);
  else {
    process.stdout.write(`${r.lab}: restored ${r.files} files (${formatBytes(r.bytes)}) into the folder ${r.folder}\n`);
    for (const s of r.skipped) process.stderr.write(`not restored: ${s.path} (${s.reason})\n`);
  }
  return exit.ok;
}

async function resetCommand(core: ClassLabCore, p: HostArgs, exit: ExitTable, usage: (why: string) => number): Promise<number> {
  if (p.args.length || p.list || p.output) return usage('reset --all takes only --images or --keep-images, --no-backup, --keep-sign-ins, --yes and --json');
  if (p.images && p.keepImages) return usage('reset --all takes --images or --keep-images, not both');
  const options: ResetOptions = { images: p.images, noBackup: p.noBackup, keepSignIns: p.keepSignIns };
  const machine = core.host.machine;
  if (!p.yes) {
    const plan = await machine.plan(options);
    if (p.json) print({ plan, done: false, needs: '--yes' });
    else describePlan(plan);
    process.stderr.write('classlab: nothing was changed. Run again with --yes to reset this machine.\n');
    return exit.usage;
  }
  const off = core.subscribe('host:progress', (e) => {
    if (!p.json) process.stderr.write(`${e.message}\n`);
  });
  try {
    const r = await machine.reset(options);
    if (p.json) print(r);
    else {
      for (const b of r.backups) process.stdout.write(`backup ${b.lab}: ${b.file} (${formatBytes(b.bytes)}, verified)\n`);
      process.stdout.write(`removed ${r.removed.length} objects in ${(r.tookMs / 1000).toFixed(1)} s\n`);
      for (const k of r.kept) process.stdout.write(`kept ${k.kind} ${k.name}: ${k.reason}\n`);
      if (r.signInsForgotten) process.stdout.write(`forgot ${r.signInsForgotten} saved git sign-in${r.signInsForgotten === 1 ? '' : 's'}\n`);
      for (const l of r.left) process.stderr.write(`NOT removed: ${l.kind} ${l.name}\n`);
    }
    return r.left.length ? exit.INTERNAL : exit.ok;
  } finally {
    off();
  }
}

function describePlan(plan: ResetPlan): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`Resetting this machine (ClassLab ${plan.namespace}) would remove:`);
  for (const l of plan.labs)
    out(`  lab ${l.labId}${l.orphan ? ' (no profile)' : ''}: ${l.backup ? `workspace backed up first` : (l.noBackupReason ?? 'nothing to back up')}`);
  for (const o of plan.objects) out(`  ${o.kind} ${o.name}`);
  for (const s of plan.state) out(`  ${s}`);
  out(`Backups go to ${plan.backupsDir}.`);
  out('Kept:');
  for (const k of plan.keeps) out(`  ${k}`);
}

function flat<T extends object>(o: LabOutcome<T>) {
  return o.ok ? { lab: o.lab, ok: true, ...o.result } : { lab: o.lab, ok: false, error: o.error };
}

function firstFailure(outcomes: LabOutcome<unknown>[], exit: ExitTable): number {
  const failed = outcomes.find((o) => !o.ok);
  return failed && !failed.ok ? exit[failed.error.code] : exit.ok;
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function describeStatus(s: HostStatus): void {
  const pct = (n: number | null) => (n === null ? '-' : `${n.toFixed(0)}%`);
  const of = (used: number | null, limit: number) => `${used === null ? '-' : formatBytes(used)} / ${formatBytes(limit)}`;
  const up = (sec: number | null) =>
    sec === null ? '-' : sec < 3600 ? `${Math.floor(sec / 60)}m${sec % 60}s` : `${Math.floor(sec / 3600)}h${Math.floor((sec % 3600) / 60)}m`;
  const rows = [
    ['LAB', 'STATE', 'CPU', 'MEMORY', 'DISK', 'UPTIME', 'KERNELS'],
    ...s.labs.map((l) => [
      l.labId,
      l.warm ? `${l.phase} (warm)` : l.phase,
      pct(l.cpuPercent),
      of(l.memoryBytes, l.memoryLimitBytes),
      of(l.diskUsedBytes, l.diskLimitBytes),
      up(l.uptimeSeconds),
      l.kernels === null ? '-' : String(l.kernels),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) process.stdout.write(`${r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}\n`.replace(/ +\n$/, '\n'));
  if (s.orphans.length) {
    process.stdout.write(`\nClassLab objects that belong to no lab profile:\n`);
    for (const o of s.orphans) process.stdout.write(`  ${o.kind} ${o.name}${o.labId ? ` (lab ${o.labId})` : ''}${o.state ? ` ${o.state}` : ''}\n`);
  }
}
