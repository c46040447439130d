// The `docker run` flags for the create options ClassLab uses, so a baseline runs the very same container
// through the CLI: same user, limits, floor and seccomp profile.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';

/** The CLI reads a seccomp profile from a file only; ClassLab hands the engine the JSON itself. */
function seccompFile(json: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'classlab-bench-seccomp-')), 'seccomp.json');
  writeFileSync(file, json);
  return file;
}

export function dockerRunArgs(spec: Docker.ContainerCreateOptions): string[] {
  const h = spec.HostConfig ?? {};
  const a: string[] = ['--name', spec.name!];
  if (spec.User) a.push('--user', spec.User);
  if (spec.WorkingDir) a.push('--workdir', spec.WorkingDir);
  for (const e of spec.Env ?? []) a.push('-e', e.startsWith('JUPYTER_TOKEN=') ? 'JUPYTER_TOKEN' : e);
  for (const [k, v] of Object.entries(spec.Labels ?? {})) a.push('--label', `${k}=${v}`);
  if (h.NetworkMode) a.push('--network', h.NetworkMode);
  if (h.Init) a.push('--init');
  if (h.Runtime) a.push('--runtime', h.Runtime);
  for (const c of h.CapDrop ?? []) a.push('--cap-drop', c);
  for (const s of h.SecurityOpt ?? []) a.push('--security-opt', s.startsWith('seccomp={') ? `seccomp=${seccompFile(s.slice('seccomp='.length))}` : s);
  if (h.ReadonlyRootfs) a.push('--read-only');
  for (const [p, o] of Object.entries(h.Tmpfs ?? {})) a.push('--tmpfs', `${p}:${o}`);
  if (h.ShmSize) a.push('--shm-size', String(h.ShmSize));
  if (h.PidsLimit) a.push('--pids-limit', String(h.PidsLimit));
  if (h.Memory) a.push('--memory', String(h.Memory));
  if (h.MemorySwap) a.push('--memory-swap', String(h.MemorySwap));
  if (h.NanoCpus) a.push('--cpus', String(h.NanoCpus / 1e9));
  for (const u of h.Ulimits ?? []) a.push('--ulimit', `${u.Name}=${u.Soft}:${u.Hard}`);
  if (h.LogConfig?.Type) {
    a.push('--log-driver', h.LogConfig.Type);
    for (const [k, v] of Object.entries(h.LogConfig.Config ?? {})) a.push('--log-opt', `${k}=${v}`);
  }
  for (const m of h.Mounts ?? []) a.push('--mount', `type=${m.Type},source=${m.Source},target=${m.Target}${m.ReadOnly ? ',readonly' : ''}`);
  for (const [port, bindings] of Object.entries(h.PortBindings ?? {})) {
    for (const b of (bindings as { HostIp?: string; HostPort?: string }[]) ?? []) a.push('-p', `${b.HostIp}:${b.HostPort ?? ''}:${port}`);
  }
  if (spec.StopTimeout) a.push('--stop-timeout', String(spec.StopTimeout));
  // An entrypoint of several words: its first word is the flag, the rest go before the command.
  const entry = typeof spec.Entrypoint === 'string' ? [spec.Entrypoint] : (spec.Entrypoint ?? []);
  if (entry.length) a.push('--entrypoint', entry[0]!);
  a.push(spec.Image!);
  a.push(...entry.slice(1));
  a.push(...((spec.Cmd as string[] | undefined) ?? []));
  return a;
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_\-./:=,@]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
