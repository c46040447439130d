// The quick-run area of the methods table: picks the lab (the one asked for, or the first in the catalog
// whose image has the language), queues the run behind the machine's capped pool, and runs it in its own
// throw-away sandbox (sandbox-run.ts). Run containers left by a crash are removed at start-up, by label.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import type { RunLanguage, RunQueueEvent, RunResult } from '../../api/contract';
import { RUN_LANGUAGES, RunRequest } from '../../api/contract';
import { LabError } from '../../api/errors';
import { imageId } from '../images/images';
import { LABEL, namespaceVolumesWith } from '../labs/naming';
import type { Logger } from '../log';
import type { Profile } from '../profiles/schema';
import { labSecurityOn } from '../sandbox/engine-security';
import type { SettingsStore } from '../settings';
import type { MachineTrust } from '../trust/machine-trust';
import type { CoreService } from '../types';
import { LanguageProbe } from './language-probe';
import { poolLimits, RunPool } from './run-pool';
import { DEFAULT_RUN_LIMITS, RUN_ROLE, RUN_WALL_LABEL, type RunSandboxLimits } from './run-spec';
import { RunSpares } from './run-spares';
import { sandboxRun } from './sandbox-run';

/** The limits a caller may set for one run. */
export type RunOwnLimit = 'cpuSeconds' | 'wallSeconds' | 'memoryMiB' | 'pids' | 'outputBytes';

export interface RunsDeps {
  docker: () => Docker;
  namespace: string;
  /** The labs' profiles in catalog order. */
  profiles: () => Profile[];
  trust: () => MachineTrust;
  settings: SettingsStore;
  log: Logger;
  queued(e: RunQueueEvent): void;
  /** Tighter or looser limits than DEFAULT_RUN_LIMITS (tests). */
  limits?: Partial<RunSandboxLimits>;
  /** Keep a spare sandbox ready for the next run (run-spares.ts): a ClassLab that stays up. Default false. */
  spares?: boolean;
  /**
   * A private folder for files the engine reads (the seccomp profile, for Podman): ClassLab's data
   * folder; without one, a folder of this process's own made in the system's temporary folder (0700).
   */
  dataDir?: string;
}

export class Runs {
  private readonly pool: RunPool;
  private readonly probe: LanguageProbe;
  private readonly limits: RunSandboxLimits;
  private readonly abort = new AbortController();
  private arrivals: Promise<void> = Promise.resolve();

  private readonly spares: RunSpares | null;
  /** Containers of finished runs still being removed (runs with spares answer before their removal ends). */
  private readonly removing = new Set<Promise<void>>();

  constructor(private readonly deps: RunsDeps) {
    this.limits = { ...DEFAULT_RUN_LIMITS, ...deps.limits };
    this.probe = new LanguageProbe(deps.log);
    this.spares = deps.spares ? new RunSpares(deps.docker, deps.log, () => deps.settings.get().quickRuns.maxConcurrent) : null;
    this.pool = new RunPool(() => {
      const s = deps.settings.get().quickRuns;
      return poolLimits(s.maxConcurrent, s.maxQueued);
    }, deps.queued);
  }

  handlers(): Pick<CoreService, 'runs:run' | 'runs:languages'> {
    return { 'runs:run': (req) => this.run(req), 'runs:languages': (labId) => this.languagesOf(labId) };
  }

  /** The languages of one lab's image, in RUN_LANGUAGES order; none while its image is not built. */
  async languagesOf(labId: string): Promise<RunLanguage[]> {
    const profile = this.deps.profiles().find((p) => p.id === labId);
    if (!profile) throw new LabError('LAB_NOT_FOUND', `There is no lab ${labId} (see \`classlab list\`).`);
    const probed = await this.probeLab(this.deps.docker(), profile);
    return probed ? RUN_LANGUAGES.filter((l) => probed.languages.has(l)) : [];
  }

  /**
   * `limits`: an exercise test's own CPU time, wall time and memory (core/exercises), within the bounds its
   * schema allows, or a grading run's (core/grading: a kernel needs more memory, processes and time);
   * every other limit stays the machine's.
   */
  async run(request: RunRequest, limits?: Partial<Pick<RunSandboxLimits, RunOwnLimit>>): Promise<RunResult> {
    const req = RunRequest.parse(request);
    const runLimits = { ...this.limits, ...limits };
    const docker = this.deps.docker();
    const runId = req.runId ?? `r${randomBytes(8).toString('hex')}`;
    // Runs enter the pool in the order they were asked for: picking the lab awaits the engine (the image,
    // its languages), so calls go through that one at a time.
    const entered = this.arrivals.then(async () => {
      const { profile, image, security } = await this.pick(docker, req.lab, req.lang);
      const sandbox = {
        labId: profile.id,
        namespace: this.deps.namespace,
        image,
        user: profile.server.user,
        lang: req.lang,
        limits: runLimits,
        security,
      };
      // A spare sandbox (run-spares.ts) is taken when the run's turn comes, not before: it is one container.
      // Only quick runs with the machine's limits have spares: a grading run's or an exercise test's own
      // limits make sandboxes that are seldom the same twice, and their spares would only sit there.
      const spares = limits === undefined ? this.spares : null;
      const run = async () => {
        // A ClassLab that stays up answers before the container's removal ends; no more removals than
        // runs may go at once are left going, so a burst cannot pile containers up on the engine.
        if (spares) await this.roomToRemove();
        return sandboxRun(
          docker,
          { ...sandbox, runId, code: req.code, stdin: req.stdin ?? '', signal: this.abort.signal, removal: spares ? (p) => this.removingNow(p) : undefined },
          this.deps.log,
          (await spares?.take(sandbox)) ?? null,
        );
      };
      return { labId: profile.id, done: this.pool.submit(profile.id, runId, run) };
    });
    this.arrivals = entered.then(
      () => undefined,
      () => undefined,
    );
    const { labId, done } = await entered;
    return { ...(await done), labId };
  }

  /**
   * Run containers of this namespace that outlived their run (ClassLab was killed mid-run). Only those
   * older than any run can last: another ClassLab process of the same namespace (`classlab serve` while
   * `classlab run` starts) may have runs going.
   */
  async sweep(olderThanMs = this.longestRunMs()): Promise<number> {
    const docker = this.deps.docker();
    const listed = await docker.listContainers({
      all: true,
      filters: { label: [`${LABEL.role}=${RUN_ROLE}`, `${LABEL.instance}=${this.deps.namespace}`] },
    });
    // A run with a longer wall time than the machine's (a grading run) says so on its label, and is given
    // that much longer.
    const found = listed.filter((c) => {
      const own = Number(c.Labels[RUN_WALL_LABEL]);
      const longer = Number.isFinite(own) ? Math.max(0, own - this.limits.wallSeconds) * 1000 : 0;
      return Date.now() - c.Created * 1000 >= olderThanMs + longer;
    });
    await Promise.all(
      found.map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => undefined),
      ),
    );
    // Their /box volumes (run-box.ts), old enough that no run is about to use one; one still in use is refused.
    const boxes = (await namespaceVolumesWith(docker, this.deps.namespace, LABEL.role, RUN_ROLE)).filter(
      (v) => Date.now() - Date.parse((v as { CreatedAt?: string }).CreatedAt ?? '') >= olderThanMs,
    );
    await Promise.all(
      boxes.map((v) =>
        docker
          .getVolume(v.Name)
          .remove()
          .catch(() => undefined),
      ),
    );
    return found.length;
  }

  /** The longest a run's container can exist: the compile step's CPU time, the wall time, and a margin. */
  private longestRunMs(): number {
    return (this.limits.compileCpuSeconds * 2 + this.limits.wallSeconds + 60) * 1000;
  }

  counts(): { running: number; waiting: number; removing: number } {
    return { ...this.pool.counts(), removing: this.removing.size };
  }

  /**
   * Refuses waiting runs and stops running ones (their containers are removed by their own run); removes the
   * spares, and waits for the removals of finished runs.
   */
  async close(): Promise<void> {
    this.pool.close(new LabError('BUSY', 'ClassLab is closing.'));
    this.abort.abort();
    await this.spares?.close();
    while (this.removing.size) await Promise.all([...this.removing]);
  }

  private removingNow(removed: Promise<void>): void {
    const done: Promise<void> = removed.finally(() => this.removing.delete(done));
    this.removing.add(done);
  }

  private async roomToRemove(): Promise<void> {
    const most = Math.max(1, this.deps.settings.get().quickRuns.maxConcurrent);
    while (this.removing.size >= most) await Promise.race([...this.removing]);
  }

  private privateDir: string | null = null;

  private seccompDir(): string {
    if (this.deps.dataDir) return this.deps.dataDir;
    this.privateDir ??= mkdtempSync(path.join(os.tmpdir(), 'classlab-runs-'));
    return this.privateDir;
  }

  /** A lab's image ID, its sandbox settings and its languages; null when its image is not on this computer. */
  private async probeLab(docker: Docker, profile: Profile) {
    const image = await imageId(docker, profile.image);
    if (!image) return null;
    const security = await labSecurityOn(docker, profile, this.deps.trust(), this.seccompDir());
    const spec = {
      runId: 'r0000000000000000',
      labId: profile.id,
      namespace: this.deps.namespace,
      image,
      user: profile.server.user,
      limits: this.limits,
      security,
    };
    return { image, security, languages: await this.probe.languages(docker, spec) };
  }

  private async pick(docker: Docker, lab: string | null, lang: RunRequest['lang']) {
    const profiles = this.deps.profiles();
    const candidates = lab === null ? profiles : profiles.filter((p) => p.id === lab);
    if (lab !== null && candidates.length === 0) throw new LabError('LAB_NOT_FOUND', `There is no lab ${lab} (see \`classlab list\`).`);
    for (const profile of candidates) {
      const probed = await this.probeLab(docker, profile);
      if (!probed) {
        if (lab !== null) throw new LabError('IMAGE_MISSING', `The image of ${profile.title} is not on this computer: build it first.`);
        continue;
      }
      if (probed.languages.has(lang)) return { profile, image: probed.image, security: probed.security };
      if (lab !== null) throw new LabError('NOT_FOUND', `The image of ${profile.title} has no ${lang}: pick a lab that has it.`);
    }
    throw new LabError('NOT_FOUND', `No lab on this computer has ${lang} (labs whose image is not built yet were not looked at).`);
  }
}
