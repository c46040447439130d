// The workshop host's side of the core: the machine's status, stopping every lab, workspace backups.
// The UI goes through the host:* methods (which never take a path on the host: backups live in the data
// folder); the command line uses this object directly, with its files and folders (-o DIR, FILE).
import type Docker from 'dockerode';
import type { BackupInfo, ErrorCode, HostProgress, HostStatus, LabPhase, RestoreResult } from '../../api/contract';
import { toApiError } from '../../api/errors';
import type { LabEntry, Labs } from '../labs/labs';
import { LABEL } from '../labs/naming';
import type { Logger } from '../log';
import type { SettingsStore } from '../settings';
import { Backups } from './backups';
import { readHostStatus, SlowFigures } from './host-status';
import { MachineReset } from './machine-reset';

/** What happened to one lab of an --all command. */
export type LabOutcome<T> = { lab: string; ok: true; result: T } | { lab: string; ok: false; error: { code: ErrorCode; message: string } };

export interface HostDeps {
  docker: () => Docker;
  namespace: string;
  labs: Labs;
  dataDir: string;
  settings: SettingsStore;
  log: Logger;
  /** The gate image's trusted ID for the disk helper (machine reset), or null when there is none. */
  helperImage?: () => Promise<string | null>;
  /** Steps of a machine reset or a lab's deletion (host:progress). */
  progress?: (p: HostProgress) => void;
  /** Terminals open in a lab, for the overview. */
  terminals?: (labId: string) => number;
  /** Forgets every saved git sign-in (machine reset); how many there were. */
  forgetSignIns?: () => Promise<number>;
  /** Kernels running in a running lab, for the overview (the idle watcher's). */
  kernels?: (entry: LabEntry) => Promise<number | null>;
}

export class Host {
  readonly backups: Backups;
  /** Reset this machine, remove orphans, delete one lab (machine-reset.ts). */
  readonly machine: MachineReset;
  /** Slow figures kept between the overview's readings (host-status.ts). */
  private readonly slow = new SlowFigures();

  constructor(private readonly deps: HostDeps) {
    this.backups = new Backups({
      dataDir: deps.dataDir,
      lab: (id) => deps.labs.get(id),
      keep: () => deps.settings.get().backupsKeep,
      log: deps.log,
    });
    this.machine = new MachineReset({
      docker: deps.docker,
      namespace: deps.namespace,
      labs: deps.labs,
      backups: this.backups,
      dataDir: deps.dataDir,
      settings: deps.settings,
      helperImage: deps.helperImage ?? (() => Promise.resolve(null)),
      progress: deps.progress ?? (() => undefined),
      forgetSignIns: deps.forgetSignIns ?? (() => Promise.resolve(0)),
      log: deps.log,
    });
  }

  status(): Promise<HostStatus> {
    return readHostStatus({
      docker: this.deps.docker(),
      namespace: this.deps.namespace,
      labs: () => this.deps.labs.all(),
      terminals: this.deps.terminals,
      kernels: this.deps.kernels,
      slow: this.slow,
    });
  }

  /** The labs whose container runs now (Docker's word, not the views'), in catalog order. */
  async runningLabs(): Promise<string[]> {
    const running = await this.deps.docker().listContainers({
      filters: { label: [`${LABEL.instance}=${this.deps.namespace}`, `${LABEL.role}=lab`], status: ['running'] },
    });
    const ids = new Set(running.map((c) => c.Labels[LABEL.lab]));
    return this.deps.labs
      .all()
      .map((e) => e.lab.profile.id)
      .filter((id) => ids.has(id));
  }

  /** Stops every running lab (each with its own stop), one outcome per lab. */
  async stopAll(): Promise<LabOutcome<{ phase: LabPhase }>[]> {
    const labs = await this.runningLabs();
    return Promise.all(labs.map((lab) => outcome(lab, async () => ({ phase: (await this.deps.labs.get(lab).lab.stop()).phase }))));
  }

  /** A backup of every lab in the catalog, one after the other (each tar runs in its lab). */
  async backupAll(outDir?: string): Promise<LabOutcome<BackupInfo>[]> {
    const out: LabOutcome<BackupInfo>[] = [];
    for (const e of this.deps.labs.all()) out.push(await outcome(e.lab.profile.id, () => this.backups.backup(e.lab.profile.id, outDir)));
    return out;
  }

  restore(file: string, intoLab: string | null): Promise<RestoreResult> {
    return this.backups.restore(file, intoLab);
  }
}

async function outcome<T>(lab: string, work: () => Promise<T>): Promise<LabOutcome<T>> {
  try {
    return { lab, ok: true, result: await work() };
  } catch (err) {
    const e = toApiError(err);
    return { lab, ok: false, error: { code: e.code, message: e.message } };
  }
}
