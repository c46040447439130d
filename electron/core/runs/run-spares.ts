// Spare run sandboxes (issue #14's quick-run speed): for the sandbox a lab's last run used (its image,
// language, limits and security), one container made, attached and started ahead, its driver waiting on
// stdin for the header line. The next run of that sandbox takes it and only sends its input: the engine's
// create, attach and start are off the run's path. A spare runs nothing of anyone's until a run takes it,
// serves exactly one run and is removed with it, like any run's container; a new one is made for the
// next. Each sandbox has as many spares as runs may go at once; at most MAX_KINDS sandboxes have spares
// (the newest used); the rest go back to cold runs.
import { createHash, randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import type { Logger } from '../log';
import { discardRun, prepareRun, type PreparedRun, type RunSandbox } from './sandbox-run';

const MAX_KINDS = 4;

/** Which sandbox a run needs: runs with the same key can use each other's spare. */
export function sandboxKey(s: Omit<RunSandbox, 'runId'>): string {
  const { labId, namespace, image, user, lang, limits, security } = s;
  return createHash('sha256').update(JSON.stringify({ labId, namespace, image, user, lang, limits, security })).digest('hex');
}

export class RunSpares {
  /** The spares of each sandbox, being made or ready; sandboxes in the order last used (the oldest first). */
  private readonly spares = new Map<string, Array<Promise<PreparedRun | null>>>();
  private closed = false;

  constructor(
    private readonly docker: () => Docker,
    private readonly log: Logger,
    /** Spares kept per sandbox: as many as runs may go at once (settings quickRuns.maxConcurrent), at most 4. */
    private readonly perKind: () => number = () => 1,
  ) {}

  /**
   * The spare of this sandbox, if one is made or being made (waited for: it is further on than a cold
   * start), or null; either way the next spare of this sandbox is started now.
   */
  async take(sandbox: Omit<RunSandbox, 'runId'>): Promise<PreparedRun | null> {
    const key = sandboxKey(sandbox);
    const list = this.spares.get(key) ?? [];
    const pending = list.shift();
    // Last used goes last in the order; then it is topped up to its number of spares.
    this.spares.delete(key);
    this.spares.set(key, list);
    const want = Math.max(1, Math.min(4, this.perKind()));
    while (list.length < want) this.make(key, sandbox);
    this.trim();
    const spare = pending ? await pending : null;
    if (!spare) return null;
    // Another ClassLab's sweep, or an engine restart, may have ended it meanwhile.
    const running = await spare.container.inspect().then(
      (i) => i.State.Running,
      () => false,
    );
    if (running) return spare;
    await discardRun(this.docker(), spare).catch(() => undefined);
    return null;
  }

  /** Removes every spare (ClassLab is closing). */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.spares.values()].flat();
    this.spares.clear();
    await Promise.all(
      all.map(async (p) => {
        const spare = await p;
        if (spare) await discardRun(this.docker(), spare).catch(() => undefined);
      }),
    );
  }

  private make(key: string, sandbox: Omit<RunSandbox, 'runId'>): void {
    if (this.closed) return;
    const runId = `r${randomBytes(8).toString('hex')}`;
    const made = prepareRun(this.docker(), { ...sandbox, runId }, true).then(
      async (spare) => {
        // Closed while it was being made: it goes at once.
        if (!this.closed) return spare;
        await discardRun(this.docker(), spare).catch(() => undefined);
        return null;
      },
      (err: Error) => {
        this.log.warn('no spare run sandbox', { lab: sandbox.labId, error: err.message });
        return null;
      },
    );
    this.spares.get(key)?.push(made);
  }

  /** Past the sandboxes kept: the least recently used one's spares go. */
  private trim(): void {
    while (this.spares.size > MAX_KINDS) {
      const [oldest, list] = this.spares.entries().next().value as [string, Array<Promise<PreparedRun | null>>];
      this.spares.delete(oldest);
      for (const spare of list) void spare.then((s) => s && discardRun(this.docker(), s).catch(() => undefined));
    }
  }
}
