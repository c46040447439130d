// The workshop host's overview as data (host:status, `classlab status`): every lab with its figures, and
// ClassLab's objects that belong to no profile. What one reading costs (docs/design-notes.md, "Host
// status"): three list calls for the namespace (containers, volumes, networks), then per RUNNING lab, in
// parallel, one `stats?stream=false` (the engine samples twice, about a second apart, so CPU % is real),
// one inspect (its start time) and one `stat -f` exec as the lab user (the workspace disk). A stopped lab
// costs nothing beyond the lists: its figures are null, and no files helper is started to measure it.
// Running kernels come from the idle watcher (its last sample of the lab's api/kernels, or one request).
import type Docker from 'dockerode';
import type { HostLabStatus, HostStatus, OrphanObject } from '../../api/contract';
import { execCollect } from '../engine/exec';
import type { LabEntry } from '../labs/labs';
import { LABEL } from '../labs/naming';
import { parseStatfs, STATFS_FORMAT } from '../sandbox/disk';

const MiB = 1024 * 1024;

/** The parts of Docker's stats answer that the figures come from. */
export interface ContainerStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
}

/** CPU % of one core, as `docker stats` computes it: the container's share of the host's time between two samples. */
export function cpuPercent(s: ContainerStats): number | null {
  const cpu = s.cpu_stats?.cpu_usage?.total_usage;
  const pre = s.precpu_stats?.cpu_usage?.total_usage;
  const sys = s.cpu_stats?.system_cpu_usage;
  const preSys = s.precpu_stats?.system_cpu_usage;
  const cpus = s.cpu_stats?.online_cpus ?? 1;
  if (cpu === undefined || pre === undefined || sys === undefined || preSys === undefined || sys <= preSys) return null;
  return Math.round(((cpu - pre) / (sys - preSys)) * cpus * 1000) / 10;
}

/** Memory in use without the page cache that can be dropped (what `docker stats` shows). */
export function memoryUsed(s: ContainerStats): number | null {
  const usage = s.memory_stats?.usage;
  if (usage === undefined) return null;
  const st = s.memory_stats?.stats ?? {};
  const cache = st.inactive_file ?? st.total_inactive_file ?? 0;
  return Math.max(0, usage - (cache < usage ? cache : 0));
}

export interface HostStatusDeps {
  docker: Docker;
  namespace: string;
  labs: () => LabEntry[];
  now?: () => number;
  /** Terminals open in a lab (the core's count); without it, null. */
  terminals?: (labId: string) => number;
  /** Kernels running in a running lab (the idle watcher's reading, idle-watcher.ts); without it, null. */
  kernels?: (entry: LabEntry) => Promise<number | null>;
}

/** The engine's CPUs and memory: read once per engine (they do not change while it runs). */
const machines = new WeakMap<Docker, Promise<HostStatus['machine']>>();
function machineOf(docker: Docker): Promise<HostStatus['machine']> {
  let m = machines.get(docker);
  if (!m) {
    m = (docker.info() as Promise<{ NCPU?: number; MemTotal?: number }>).then(
      (i) => (i.NCPU && i.MemTotal ? { cpus: i.NCPU, memoryBytes: i.MemTotal } : null),
      () => null,
    );
    machines.set(docker, m);
  }
  return m;
}

export async function readHostStatus(deps: HostStatusDeps): Promise<HostStatus> {
  const started = Date.now();
  const now = deps.now ?? Date.now;
  const { docker, namespace } = deps;
  const filters = { label: [`${LABEL.instance}=${namespace}`] };
  const [containers, volumes, networks, machine] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listVolumes({ filters }),
    docker.listNetworks({ filters }),
    machineOf(docker),
  ]);
  const entries = deps.labs();
  const known = new Set(entries.map((e) => e.lab.profile.id));
  const running = new Set(containers.filter((c) => c.State === 'running' && c.Labels?.[LABEL.role] === 'lab').map((c) => c.Labels?.[LABEL.lab]));

  const labs = await Promise.all(
    entries.map(async (e) => {
      const isRunning = running.has(e.lab.profile.id);
      const [figures, kernels] = await Promise.all([
        labStatus(docker, e, isRunning, now),
        isRunning && deps.kernels ? deps.kernels(e).catch(() => null) : Promise.resolve(null),
      ]);
      return { ...figures, terminals: deps.terminals ? deps.terminals(e.lab.profile.id) : null, kernels };
    }),
  );

  // Objects without a lab label are shared by every lab of the namespace (the gates' network): not orphans.
  const orphan = (labels: Record<string, string> | null | undefined) => {
    const lab = labels?.[LABEL.lab];
    return lab !== undefined && !known.has(lab);
  };
  const orphans: OrphanObject[] = [
    ...containers
      .filter((c) => orphan(c.Labels))
      .map((c) => ({
        kind: 'container' as const,
        name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
        labId: c.Labels[LABEL.lab] ?? null,
        role: c.Labels[LABEL.role] ?? null,
        state: c.State,
      })),
    ...(volumes.Volumes ?? [])
      .filter((v) => orphan(v.Labels))
      .map((v) => ({ kind: 'volume' as const, name: v.Name, labId: v.Labels?.[LABEL.lab] ?? null, role: v.Labels?.[LABEL.role] ?? null, state: null })),
    ...networks
      .filter((n) => orphan(n.Labels))
      .map((n) => ({ kind: 'network' as const, name: n.Name, labId: n.Labels?.[LABEL.lab] ?? null, role: n.Labels?.[LABEL.role] ?? null, state: null })),
  ].sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));

  return { namespace, at: new Date(started).toISOString(), tookMs: Date.now() - started, labs, orphans, machine };
}

type LabFigures = Omit<HostLabStatus, 'terminals' | 'kernels'>;

async function labStatus(docker: Docker, entry: LabEntry, running: boolean, now: () => number): Promise<LabFigures> {
  const { profile, view } = entry.lab;
  const base: LabFigures = {
    labId: profile.id,
    title: profile.title,
    phase: view.phase,
    cpuPercent: null,
    cpuLimitPercent: profile.resources.cpus * 100,
    memoryBytes: null,
    memoryLimitBytes: profile.resources.memoryMiB * MiB,
    diskUsedBytes: null,
    diskLimitBytes: profile.resources.diskMiB * MiB,
    startedAt: null,
    uptimeSeconds: null,
  };
  if (!running) return base;
  const name = entry.containers.names.container;
  const container = docker.getContainer(name);
  // Each figure on its own: a lab that stops meanwhile leaves its figures null, not the whole status failed.
  const [stats, info, disk] = await Promise.all([
    (container.stats({ stream: false }) as Promise<ContainerStats>).catch(() => null),
    container.inspect().catch(() => null),
    execCollect(docker, name, ['stat', '-f', '-c', STATFS_FORMAT, profile.server.workspace], { user: profile.server.user, stderr: false }).catch(() => null),
  ]);
  const fs = disk?.code === 0 ? parseStatfs(disk.out) : null;
  const startedAt = info?.State?.Running ? info.State.StartedAt : null;
  return {
    ...base,
    cpuPercent: stats ? cpuPercent(stats) : null,
    memoryBytes: stats ? memoryUsed(stats) : null,
    diskUsedBytes: fs ? Math.max(0, fs.sizeBytes - fs.freeBytes) : null,
    startedAt: startedAt ?? null,
    uptimeSeconds: startedAt ? Math.max(0, Math.round((now() - Date.parse(startedAt)) / 1000)) : null,
  };
}
