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
  /** Slow figures kept between readings (an open overview's); without it, every reading reads them all. */
  slow?: SlowFigures;
}

type Statfs = { sizeBytes: number; freeBytes: number };

/**
 * The figures of a running lab that change slowly, kept between two readings of an open overview: the
 * workspace disk's use (one exec in the lab: re-read after DISK_MS) and the container's start time (one
 * inspect: re-read after STARTED_MS, so a restart in place shows within that). Keyed by container ID, so a
 * recreated lab is read afresh; a failed read is not kept. Measured with thirty labs (docs/design-notes.md,
 * "idle-30-labs"): without it, a reading every 5 s cost 30 execs and 30 inspects besides the 30 stats calls.
 */
export class SlowFigures {
  static readonly DISK_MS = 30_000;
  static readonly STARTED_MS = 60_000;
  private readonly disk = new Map<string, { at: number; value: Statfs }>();
  private readonly started = new Map<string, { at: number; value: string }>();

  /** Forgets containers that no longer run. */
  keepOnly(ids: Set<string>): void {
    for (const m of [this.disk, this.started]) for (const id of m.keys()) if (!ids.has(id)) m.delete(id);
  }

  diskOf(id: string, now: number, read: () => Promise<Statfs | null>): Promise<Statfs | null> {
    return remember(this.disk, id, now, SlowFigures.DISK_MS, read);
  }

  startedOf(id: string, now: number, read: () => Promise<string | null>): Promise<string | null> {
    return remember(this.started, id, now, SlowFigures.STARTED_MS, read);
  }
}

async function remember<T>(m: Map<string, { at: number; value: T }>, id: string, now: number, ttl: number, read: () => Promise<T | null>): Promise<T | null> {
  const kept = m.get(id);
  if (kept && now - kept.at < ttl) return kept.value;
  const value = await read();
  if (value === null) m.delete(id);
  else m.set(id, { at: now, value });
  return value;
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
  // The running lab containers by lab: their IDs key the slow figures.
  // A warm lab's container (labs/warm-labs.ts) has the lab's labels under a name of its own: it is not the
  // lab running, it is the lab kept warm.
  const isWarm = (c: Docker.ContainerInfo) => c.Names.some((n) => n.endsWith('.warm'));
  const labRunning = containers.filter((c) => c.State === 'running' && c.Labels?.[LABEL.role] === 'lab');
  const running = new Map(labRunning.filter((c) => !isWarm(c)).map((c) => [c.Labels?.[LABEL.lab], c.Id]));
  const warm = new Set(labRunning.filter(isWarm).map((c) => c.Labels?.[LABEL.lab]));
  deps.slow?.keepOnly(new Set(running.values()));

  const labs = await Promise.all(
    entries.map(async (e) => {
      const id = running.get(e.lab.profile.id) ?? null;
      const [figures, kernels] = await Promise.all([
        labStatus(docker, e, id, now, deps.slow ?? null),
        id !== null && deps.kernels ? deps.kernels(e).catch(() => null) : Promise.resolve(null),
      ]);
      return { ...figures, terminals: deps.terminals ? deps.terminals(e.lab.profile.id) : null, kernels, warm: warm.has(e.lab.profile.id) };
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

type LabFigures = Omit<HostLabStatus, 'terminals' | 'kernels' | 'warm'>;

/** `id`: the running lab container's ID, or null when it does not run. */
async function labStatus(docker: Docker, entry: LabEntry, id: string | null, now: () => number, slow: SlowFigures | null): Promise<LabFigures> {
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
  if (id === null) return base;
  const name = entry.containers.names.container;
  const container = docker.getContainer(name);
  const readDisk = async () => {
    const cmd = ['stat', '-f', '-c', STATFS_FORMAT, profile.server.workspace];
    const disk = await execCollect(docker, name, cmd, { user: profile.server.user, stderr: false }).catch(() => null);
    return disk?.code === 0 ? parseStatfs(disk.out) : null;
  };
  const readStarted = async () => {
    const info = await container.inspect().catch(() => null);
    return info?.State?.Running ? info.State.StartedAt : null;
  };
  const at = now();
  // Each figure on its own: a lab that stops meanwhile leaves its figures null, not the whole status failed.
  const [stats, startedAt, fs] = await Promise.all([
    (container.stats({ stream: false }) as Promise<ContainerStats>).catch(() => null),
    slow ? slow.startedOf(id, at, readStarted) : readStarted(),
    slow ? slow.diskOf(id, at, readDisk) : readDisk(),
  ]);
  return {
    ...base,
    cpuPercent: stats ? cpuPercent(stats) : null,
    memoryBytes: stats ? memoryUsed(stats) : null,
    diskUsedBytes: fs ? Math.max(0, fs.sizeBytes - fs.freeBytes) : null,
    startedAt: startedAt ?? null,
    uptimeSeconds: startedAt ? Math.max(0, Math.round((now() - Date.parse(startedAt)) / 1000)) : null,
  };
}
