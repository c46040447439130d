// Idle auto-stop (issue #13): samples every ready lab, hands each sample to the rule (idle-rule.ts), shows
// the lab view's warning (labs:idleWarning), and at the end saves what can be saved and stops the lab
// with its reason in the launcher ("Stopped after 30 idle minutes at 14:05").
//
// One sample of one lab costs: GET api/kernels and api/sessions of its notebook server (through its gate,
// on loopback), one GET api/contents/PATH?content=0 per open notebook, and one one-shot stats call (the
// container's CPU time so far; no wait for a second sample). Terminal and view activity are kept here in
// memory as they happen and cost nothing to read. Measured cost and the chosen interval are in
// docs/design-notes.md ("Idle auto-stop").
import type Docker from 'dockerode';
import { z } from 'zod';
import { LabError } from '../../api/errors';
import type { IdleWarning, LabIdle } from '../../api/contract';
import type { LabEntry } from '../labs/labs';
import type { Logger } from '../log';
import { askKernel, checkpointNotebooks, cpuTimeNs, readKernels, readNotebookServer, runningKernels, serverOf, type NotebookServer } from './idle-probe';
import { idleStep, type IdleSample, type IdleState } from './idle-rule';
import { doubtfulKernels, forgetGone, kernelsAsKnown, ASK_SLACK_MS, type KernelAsk, type SeenKernel } from './kernel-asks';

export interface IdleOptions {
  /** How often every ready lab is sampled. */
  sampleEveryMs: number;
  /** How long the lab view warns before the stop (at most half of the profile's idleMinutes). */
  warnMs: number;
  /** CPU above this (% of one core, between two samples) is work. */
  cpuBusyPercent: number;
  /** How long one of a profile's idleMinutes lasts: a minute, except under the test-only clock. */
  minuteMs: number;
}

/** How long an ask of one kernel may take (connecting, then its reply). */
const ASK_TIMEOUT_MS = 10_000;
/** At most this many kernels of one lab are asked; a lab with more is not stopped (its kernels cannot all be confirmed). */
const MAX_ASKED_KERNELS = 16;

export const DEFAULT_IDLE_OPTIONS: IdleOptions = { sampleEveryMs: 20_000, warnMs: 5 * 60_000, cpuBusyPercent: 20, minuteMs: 60_000 };

/** The test-only clock of `classlab serve` (CLASSLAB_TEST_IDLE_CLOCK, JSON): end-to-end tests shorten the sampling, the warning and the idle minute. */
export const TEST_IDLE_CLOCK_VARIABLE = 'CLASSLAB_TEST_IDLE_CLOCK';
const TestIdleClock = z
  .object({
    sampleEveryMs: z.number().int().min(500).max(600_000),
    warnMs: z.number().int().min(1000).max(3_600_000),
    minuteMs: z.number().int().min(5000).max(60_000),
  })
  .partial()
  .strict();

export function testIdleClock(value: string | undefined): Partial<IdleOptions> | undefined {
  if (!value) return undefined;
  try {
    return TestIdleClock.parse(JSON.parse(value));
  } catch {
    throw new LabError('BAD_REQUEST', `${TEST_IDLE_CLOCK_VARIABLE} is not {"sampleEveryMs": N, "warnMs": N, "minuteMs": N}.`);
  }
}

export interface IdleWatcherDeps {
  docker: () => Docker;
  labs: () => LabEntry[];
  now: () => number;
  warning: (w: IdleWarning) => void;
  log: Logger;
  options?: Partial<IdleOptions>;
}

interface Tracked {
  state: IdleState | null;
  /** The container's CPU time at the previous sample. */
  cpu: { ns: number; at: number } | null;
  stopsAt: number | null;
  /** The open notebooks of the last sample: what a stop saves. */
  notebooks: string[];
  /** The running kernels at the last reading of the notebook server (the overview's column reuses it). */
  kernels: { count: number; at: number } | null;
  sampling: boolean;
  stopping: boolean;
  /** The last ask of each kernel (kernel-asks.ts). */
  asks: Map<string, KernelAsk>;
}

/** What a sample saw, for the log when a lab is warned or stopped (states and ages only: nothing the lab wrote). */
function sampleSummary(s: IdleSample): Record<string, unknown> {
  const age = (t: number | null) => (t === null ? null : Math.round((s.at - t) / 1000));
  return {
    kernels: s.kernels?.map((k) => `${k.executionState.slice(0, 12)}:${age(k.lastActivity) ?? '-'}s`) ?? null,
    cpuPercent: s.cpuPercent === null ? null : Math.round(s.cpuPercent),
    terminalAgoS: age(s.terminalAt),
    viewAgoS: age(s.viewAt),
  };
}

export class IdleWatcher {
  private readonly opts: IdleOptions;
  private readonly tracked = new Map<string, Tracked>();
  private readonly activity = new Map<string, { terminal: number | null; view: number | null }>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** The cost of the last round of samples (ms of wall time), for the design notes' measurement and the log. */
  lastRoundMs = 0;

  constructor(private readonly deps: IdleWatcherDeps) {
    this.opts = { ...DEFAULT_IDLE_OPTIONS, ...deps.options };
  }

  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.round(), this.opts.sampleEveryMs);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** A ClassLab terminal of the lab sent or received bytes. */
  terminalActivity(labId: string): void {
    this.mark(labId, 'terminal');
  }

  /** Someone typed or clicked in the lab's view, or pressed "Keep working": the warning goes at once. */
  viewActivity(labId: string): void {
    this.mark(labId, 'view');
    const t = this.tracked.get(labId);
    if (t?.stopsAt != null && t.state) {
      t.state = { ...t.state, idleSince: this.deps.now(), warnedAt: null, busy: [] };
      this.setWarning(labId, t, null, 0, 0);
    }
  }

  /** Every ready lab the watcher has sampled, longest idle first. */
  list(): LabIdle[] {
    const now = this.deps.now();
    const out: LabIdle[] = [];
    for (const e of this.deps.labs()) {
      const t = this.tracked.get(e.lab.id);
      if (!t?.state || e.lab.view.phase !== 'ready') continue;
      const idleSeconds = t.state.busy.length > 0 ? 0 : Math.max(0, Math.floor((now - t.state.idleSince) / 1000));
      out.push({
        labId: e.lab.id,
        title: e.lab.profile.title,
        idleMinutes: e.lab.profile.idleMinutes,
        idleSince: t.state.idleSince,
        idleSeconds,
        busy: t.state.busy,
        stopsAt: t.stopsAt,
      });
    }
    return out.sort((a, b) => b.idleSeconds - a.idleSeconds || a.title.localeCompare(b.title));
  }

  /**
   * The running kernels of a ready lab, for the overview (host:status): the last sample's count while it is
   * at most one and a half sampling intervals old, so an overview open beside the watcher asks the notebook
   * server nothing more; otherwise one GET api/kernels now (a CLI's `classlab status` has no sample yet).
   * Null when the lab is not ready or its server does not answer.
   */
  async runningKernels(entry: LabEntry): Promise<number | null> {
    const { lab } = entry;
    if (lab.view.phase !== 'ready') return null;
    const t = this.tracked.get(lab.id);
    if (t?.kernels && this.deps.now() - t.kernels.at <= this.opts.sampleEveryMs * 1.5) return t.kernels.count;
    const server = serverOf(lab.view.notebookUrl);
    const kernels = server ? await readKernels(server) : null;
    return kernels ? runningKernels(kernels) : null;
  }

  /** One round: every ready lab sampled at once. Exposed for tests that drive the clock themselves. */
  async round(): Promise<void> {
    const started = Date.now();
    const entries = this.deps.labs();
    const ready = new Set(entries.filter((e) => e.lab.view.phase === 'ready' && e.lab.operation === null).map((e) => e.lab.id));
    // A lab that is no longer ready starts afresh next time (its warning, if any, is withdrawn).
    for (const [id, t] of this.tracked) {
      if (ready.has(id) || t.stopping) continue;
      if (t.stopsAt !== null) this.setWarning(id, t, null, 0, 0);
      this.tracked.delete(id);
      this.activity.delete(id);
    }
    await Promise.all(entries.filter((e) => ready.has(e.lab.id)).map((e) => this.sample(e)));
    this.lastRoundMs = Date.now() - started;
  }

  private mark(labId: string, kind: 'terminal' | 'view'): void {
    const a = this.activity.get(labId) ?? { terminal: null, view: null };
    a[kind] = this.deps.now();
    this.activity.set(labId, a);
  }

  private async sample(entry: LabEntry): Promise<void> {
    const { lab } = entry;
    let t = this.tracked.get(lab.id);
    if (!t) {
      t = { state: null, cpu: null, stopsAt: null, notebooks: [], kernels: null, sampling: false, stopping: false, asks: new Map() };
      this.tracked.set(lab.id, t);
    }
    if (t.sampling || t.stopping) return;
    t.sampling = true;
    try {
      const server = serverOf(lab.view.notebookUrl);
      const [reading, cpuNs] = await Promise.all([
        server ? readNotebookServer(server) : Promise.resolve(null),
        cpuTimeNs(this.deps.docker(), entry.containers.names.container),
      ]);
      const at = this.deps.now();
      let cpuPercent: number | null = null;
      if (cpuNs !== null && t.cpu && at > t.cpu.at && cpuNs >= t.cpu.ns) cpuPercent = ((cpuNs - t.cpu.ns) / 1e6 / (at - t.cpu.at)) * 100;
      // The first sample has nothing to compare with: it counts as quiet, and the lab's idle time starts here.
      if (cpuNs !== null && !t.cpu) cpuPercent = 0;
      t.cpu = cpuNs === null ? null : { ns: cpuNs, at };
      if (reading) {
        t.notebooks = reading.notebooks;
        t.kernels = { count: runningKernels(reading.kernels), at };
      }
      const a = this.activity.get(lab.id);
      const known = reading ? kernelsAsKnown(reading.kernels, t.asks) : null;
      const sample: IdleSample = {
        at,
        kernels: known,
        notebooksSavedAt: reading?.notebooksSavedAt ?? null,
        terminalAt: a?.terminal ?? null,
        viewAt: a?.view ?? null,
        cpuPercent,
      };
      const idleMs = lab.profile.idleMinutes * this.opts.minuteMs;
      const rule = { idleMs, warnMs: this.opts.warnMs, cpuBusyPercent: this.opts.cpuBusyPercent };
      let { state, decision } = idleStep(t.state, sample, rule);
      // Before the first warning of a stretch and before the stop: the kernels the server calls resting are asked.
      const deciding = (decision.kind === 'warn' && t.stopsAt === null) || decision.kind === 'stop';
      if (deciding && server && reading && known) {
        forgetGone(t.asks, reading.kernels);
        const unconfirmed = await this.confirmResting(lab.id, t, server, known);
        if (unconfirmed.size > 0) {
          sample.kernels = kernelsAsKnown(reading.kernels, t.asks).map((k) => (unconfirmed.has(k.id) ? { ...k, executionState: 'busy' } : k));
          ({ state, decision } = idleStep(t.state, sample, rule));
        }
      }
      t.state = state;
      const soFar = Math.floor((at - state.idleSince) / this.opts.minuteMs);
      if (decision.kind === 'warn' && t.stopsAt === null) this.deps.log.info('idle lab warned', { lab: lab.id, ...sampleSummary(sample) });
      if (decision.kind === 'warn') this.setWarning(lab.id, t, decision.stopsAt, soFar, lab.profile.idleMinutes);
      else if (decision.kind === 'stop') {
        this.deps.log.info('idle lab stopping', { lab: lab.id, ...sampleSummary(sample) });
        await this.stop(entry, t, server);
      } else if (t.stopsAt !== null) this.setWarning(lab.id, t, null, soFar, lab.profile.idleMinutes);
    } catch (err) {
      this.deps.log.warn('idle sample failed', { lab: lab.id, error: (err as Error).message });
    } finally {
      t.sampling = false;
    }
  }

  /**
   * Asks each kernel the server calls resting (kernel-asks.ts); the ids of those that did not answer. A
   * kernel that could not be asked counts as one that did not answer: ClassLab never stops what it could not see.
   */
  private async confirmResting(labId: string, t: Tracked, server: NotebookServer, kernels: SeenKernel[]): Promise<Set<string>> {
    const doubtful = doubtfulKernels(kernels);
    if (doubtful.length > MAX_ASKED_KERNELS) return new Set(doubtful.map((k) => k.id));
    const answers = await Promise.all(
      doubtful.map(async (k) => {
        const from = this.deps.now();
        const answer = await askKernel(server, k.id, ASK_TIMEOUT_MS);
        t.asks.set(k.id, { from, to: this.deps.now() + ASK_SLACK_MS, before: k.lastActivity, answered: answer === 'answered' });
        return answer === 'answered' ? null : k.id;
      }),
    );
    const unanswered = new Set(answers.filter((id): id is string => id !== null));
    if (doubtful.length) this.deps.log.info('idle watcher asked resting kernels', { lab: labId, asked: doubtful.length, unanswered: unanswered.size });
    return unanswered;
  }

  private setWarning(labId: string, t: Tracked, stopsAt: number | null, idleMinutesSoFar: number, idleMinutes: number): void {
    if (t.stopsAt === stopsAt) return;
    t.stopsAt = stopsAt;
    this.deps.warning({ labId, stopsAt, idleMinutesSoFar, idleMinutes });
  }

  /** Saves what can be saved (a checkpoint of each open notebook), then stops the lab as a user's Stop does, with the reason. */
  private async stop(entry: LabEntry, t: Tracked, server: ReturnType<typeof serverOf>): Promise<void> {
    const { lab } = entry;
    t.stopping = true;
    try {
      const saved = server ? await checkpointNotebooks(server, t.notebooks) : { saved: [], failed: t.notebooks };
      const minutes = lab.profile.idleMinutes;
      const at = new Date(this.deps.now());
      const clock = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
      const kept = saved.saved.length ? ` Open notebooks saved as checkpoints: ${saved.saved.join(', ')}.` : '';
      const lost = saved.failed.length ? ` Not saved (the notebook server refused): ${saved.failed.join(', ')}.` : '';
      const note = `Stopped after ${minutes} idle ${minutes === 1 ? 'minute' : 'minutes'} at ${clock}.${kept}${lost} Its files are kept: open it to go on.`;
      this.deps.log.info('idle lab stopped', { lab: lab.id, idleMinutes: minutes, saved: saved.saved.length, failed: saved.failed.length });
      this.setWarning(lab.id, t, null, minutes, minutes);
      await lab.stop(note);
    } catch (err) {
      this.deps.log.warn('idle stop failed', { lab: lab.id, error: (err as Error).message });
    } finally {
      this.tracked.delete(lab.id);
      this.activity.delete(lab.id);
    }
  }
}
