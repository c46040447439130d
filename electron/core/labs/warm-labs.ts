// Warm labs (issue #15): for each lab the setting names, while it is stopped and inside a window, one
// started sandbox whose notebook already answers, under names of its own (naming.ts warmNames). Open
// claims it (LabContainers.start renames the pair to the lab's names), so it is ready at once. A warm lab
// is a cold start done early: the same LabContainers code makes it, with a new token, from the same
// profile, sandbox and volumes; it only runs Jupyter until it is claimed.
//
// The rules:
// - a warm lab is started only for a stopped lab with no operation, the engine up, a place under the cap
//   (warm labs count against it) and room in the engine's memory;
// - warm labs are the first to go: when the labs' memory limits pass 90 % of the engine's, and when a
//   user's Open meets the cap (CapGate's evictWarm), one is stopped before anything else is refused;
// - a lab the setting no longer names, a window that closed, or a lab that runs (claimed, or started by
//   another ClassLab) loses its warm pair; nothing of a student's is in one, so removing it loses nothing;
// - after a crash the next tick finds the pairs by name: a ready one of a wanted lab is warm again, any
//   other is removed.
import type { WarmLabs as WarmLabsSetting } from '../../api/contract';
import { LabError } from '../../api/errors';
import type { Logger } from '../log';
import type { LabEntry } from './labs';
import type { ReadinessOptions } from './readiness';
import { notebookBase } from './readiness';
import { warmToEvict, warmWanted } from './warm-schedule';

export const WARM_EVERY_MS = 15_000;
/** A lab whose warm start failed is not tried again for this long (a broken image must not loop). */
const RETRY_AFTER_MS = 5 * 60_000;

export interface WarmLabsDeps {
  setting: () => WarmLabsSetting;
  labs: () => LabEntry[];
  engineUp: () => boolean;
  /** The cap on running labs, without evicting anything: rejects with TOO_MANY_LABS when full. */
  admit: (labId: string) => Promise<() => void>;
  /** The engine's memory and the memory limits of the labs that run now (warm ones included), in MiB. */
  memory: () => Promise<{ engineMiB: number; runningMiB: number }>;
  waitFor: (opts: ReadinessOptions) => Promise<'ready' | 'timeout'>;
  now: () => Date;
  log: Logger;
  everyMs?: number;
}

export class WarmLabs {
  /** Warm starts under way, by lab. */
  private readonly pending = new Map<string, Promise<void>>();
  /** When each lab's warm lab became ready (the newest go first when memory is short). */
  private readonly since = new Map<string, number>();
  private readonly failedAt = new Map<string, number>();
  /**
   * Removals per lab, counted when one begins: a warm start or a look at a found pair that began before a
   * removal must not call the lab warm after it (measured in CI: an Open at the cap evicted the warm lab
   * while the keeper, poked by that Open, was finding the same pair still answering, and marked it warm
   * again once it was gone).
   */
  private readonly removals = new Map<string, number>();
  /** Labs whose warm pair is being removed: not looked at or warmed until that ends. */
  private readonly removing = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private again = false;
  private readonly abort = new AbortController();

  constructor(private readonly deps: WarmLabsDeps) {}

  start(): void {
    this.poke();
    this.timer = setInterval(() => this.poke(), this.deps.everyMs ?? WARM_EVERY_MS);
    this.timer.unref();
  }

  /** Looks again now (the setting changed, a lab stopped, a lab is being opened). One look at a time. */
  poke(): void {
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.tick()
      .catch((err: Error) => this.deps.log.warn('warm labs not checked', { error: err.message }))
      .finally(() => {
        this.ticking = null;
        if (this.again && !this.abort.signal.aborted) {
          this.again = false;
          this.poke();
        }
      });
  }

  /** Resolves when a look under way (and any it asked for) has ended: for tests and for close. */
  async settled(): Promise<void> {
    while (this.ticking || this.pending.size) {
      await this.ticking;
      await Promise.allSettled([...this.pending.values()]);
    }
  }

  /** The warm start of this lab under way, if any: an Open waits for it, then claims. */
  warming(labId: string): Promise<void> | undefined {
    return this.pending.get(labId);
  }

  /** Removes one warm lab other than `except` (the newest); true if there was one. For the cap. */
  async evictOne(except: string): Promise<boolean> {
    const warm = this.deps
      .labs()
      .filter((e) => e.lab.view.warm && e.lab.profile.id !== except)
      .sort((a, b) => (this.since.get(b.lab.profile.id) ?? 0) - (this.since.get(a.lab.profile.id) ?? 0));
    const victim = warm[0];
    if (!victim) return false;
    await this.remove(victim, 'a student opened another lab and the cap on running labs was reached');
    return true;
  }

  /** Removes every warm lab (Stop all, a machine reset, ClassLab closing with `stop` asked). */
  async removeAll(): Promise<void> {
    await Promise.allSettled([...this.pending.values()]);
    for (const entry of this.deps.labs()) if (entry.lab.view.warm) await this.remove(entry, 'all warm labs were stopped');
  }

  /** Stops looking; a warm start under way ends and its half-made pair is removed. Ready warm labs stay (the next ClassLab finds them). */
  async close(): Promise<void> {
    this.abort.abort(new LabError('BUSY', 'ClassLab is closing.'));
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.pending.values()]);
  }

  private async tick(): Promise<void> {
    if (!this.deps.engineUp() || this.abort.signal.aborted) return;
    const wanted = new Set(warmWanted(this.deps.setting(), this.deps.now()));
    const entries = this.deps.labs();
    // What should not be warm (any more) goes first, so its place under the cap is free for what should.
    for (const entry of entries) {
      const id = entry.lab.profile.id;
      if (this.pending.has(id) || this.removing.has(id) || entry.lab.operation !== null) continue;
      const keep = wanted.has(id) && entry.lab.view.phase === 'stopped';
      if (keep) continue;
      if (entry.lab.view.warm || (await entry.containers.warmState()).present) {
        await this.remove(entry, wanted.has(id) ? 'the lab runs' : 'the setting or its window no longer asks for it');
      }
    }
    await this.evictForMemory(entries);
    for (const entry of entries) {
      if (this.abort.signal.aborted) return;
      const id = entry.lab.profile.id;
      if (!wanted.has(id) || this.pending.has(id) || this.removing.has(id) || entry.lab.view.warm) continue;
      if (entry.lab.operation !== null || entry.lab.view.phase !== 'stopped') continue;
      const failed = this.failedAt.get(id);
      if (failed !== undefined && this.deps.now().getTime() - failed < RETRY_AFTER_MS) continue;
      const work = this.warm(entry).finally(() => this.pending.delete(id));
      this.pending.set(id, work);
      // One warm start at a time: each takes a core for a few seconds, and the students' own opens come first.
      await work;
    }
  }

  private async evictForMemory(entries: LabEntry[]): Promise<void> {
    const warm = entries.filter((e) => e.lab.view.warm);
    if (!warm.length) return;
    const { engineMiB, runningMiB } = await this.deps.memory();
    const victims = warmToEvict(
      warm.map((e) => ({ labId: e.lab.profile.id, memoryMiB: e.lab.profile.resources.memoryMiB, since: this.since.get(e.lab.profile.id) ?? 0 })),
      runningMiB,
      engineMiB,
    );
    for (const id of victims) {
      const entry = warm.find((e) => e.lab.profile.id === id);
      if (entry) await this.remove(entry, 'the engine is short of memory');
    }
  }

  /** Makes (or, after a restart, finds) the lab's warm pair and waits until its notebook answers. */
  private async warm(entry: LabEntry): Promise<void> {
    const { lab, containers } = entry;
    const id = lab.profile.id;
    const removalsBefore = this.removals.get(id) ?? 0;
    const removedMeanwhile = () => (this.removals.get(id) ?? 0) !== removalsBefore;
    const found = await containers.warmState();
    if (found.ready && found.port && found.token) {
      const answers = await this.deps.waitFor({ url: notebookBase(found.port), token: found.token, timeoutMs: 2000, signal: this.abort.signal });
      if (removedMeanwhile()) return;
      if (answers === 'ready') return this.ready(entry, 'found');
    }
    if (found.present) await containers.removeWarm();
    if (!(await containers.details()).observation.imagePresent) return;
    const { engineMiB, runningMiB } = await this.deps.memory();
    if (runningMiB + lab.profile.resources.memoryMiB > engineMiB * 0.9) {
      this.deps.log.info('no warm lab: the engine is short of memory', { lab: id, engineMiB, runningMiB });
      return;
    }
    const release = await this.deps.admit(id).catch((err: unknown) => {
      if (err instanceof LabError && err.code === 'TOO_MANY_LABS') return null;
      throw err;
    });
    if (!release) return;
    const started = Date.now();
    try {
      const { port, token } = await containers.startWarm();
      const outcome = await this.deps.waitFor({
        url: notebookBase(port),
        token,
        timeoutMs: lab.profile.server.startTimeoutSeconds * 1000,
        signal: this.abort.signal,
      });
      if (outcome !== 'ready') throw new Error(`its notebook did not answer within ${lab.profile.server.startTimeoutSeconds} s`);
      this.failedAt.delete(id);
      // Removed while it started (the cap, a Stop all): the pair made meanwhile goes too.
      if (removedMeanwhile()) {
        await containers.removeWarm().catch(() => undefined);
        return;
      }
      this.ready(entry, 'started', Date.now() - started);
    } catch (err) {
      if (this.abort.signal.aborted) {
        // ClassLab is closing: a pair whose notebook never answered is nobody's.
        await containers.removeWarm().catch(() => undefined);
        return;
      }
      this.failedAt.set(id, this.deps.now().getTime());
      this.deps.log.warn('warm lab not started', { lab: id, error: (err as Error).message });
      await containers.removeWarm().catch(() => undefined);
    } finally {
      release();
    }
  }

  private ready(entry: LabEntry, how: 'found' | 'started', ms?: number): void {
    const id = entry.lab.profile.id;
    this.since.set(id, Date.now());
    entry.lab.setWarm(true);
    this.deps.log.info('warm lab ready', { lab: id, how, ...(ms === undefined ? {} : { ms }) });
  }

  private async remove(entry: LabEntry, why: string): Promise<void> {
    const id = entry.lab.profile.id;
    this.removals.set(id, (this.removals.get(id) ?? 0) + 1);
    this.removing.add(id);
    entry.lab.setWarm(false);
    this.since.delete(id);
    try {
      await entry.containers.removeWarm();
    } finally {
      this.removing.delete(id);
    }
    this.deps.log.info('warm lab removed', { lab: id, why });
  }
}
