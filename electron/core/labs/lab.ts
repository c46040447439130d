// One lab of the catalog: its view, the notebook's port and token while it runs, the one operation
// running on it (with its promise and its abort), and its lifecycle: open, adopt, stop, reset, prepare,
// cancel, refresh. Docker is reached only through the narrow LabDocker/LabWorld port (lab-port.ts).
//
// The rules, in one place:
// - one operation at a time; what a phase allows is allowedActions (api/phase-rules.ts, shared with the
//   UI), everything else is refused with BUSY. A refusal first re-reads Docker, since the view may be
//   older than what another ClassLab or the CLI did meanwhile;
// - Open while a start runs (a user's or an adoption) joins it: the same promise; Prepare joins a build;
// - Stop and Reset while starting cancel the start first: the start ends (BUSY, "cancelled"), then the
//   stop runs, so nothing stays half-made;
// - an adoption whose lab stops meanwhile ends stopped, not in error.
import type { ImageProgress, LabView } from '../../api/contract';
import { LabError } from '../../api/errors';
import { allowedActions, isRunning, type LabAction } from '../../api/phase-rules';
import type { ProgressSnapshot } from '../images/progress';
import type { Profile } from '../profiles/schema';
import type { LabDocker, LabWorld } from './lab-port';
import { notebookAddress, notebookBase } from './readiness';
import { derivePhase, type Operation } from './state';

type RunningOp = Exclude<Operation, null>;

export class Lab {
  private viewNow: LabView;
  private port: number | null = null;
  private token: string | null = null;
  private op: Operation = null;
  private opPromise: Promise<LabView> | null = null;
  private abort: AbortController | null = null;
  /** The last out-of-memory notice, kept until the user next opens, stops or resets the lab. */
  private oomNotice: string | null = null;
  /** Why this lab still runs with a profile the catalog no longer has (see labs.ts), or null. */
  private catalogNote: string | null = null;
  /** Why the lab was stopped when ClassLab stopped it (an idle stop), shown while it stays stopped; null otherwise. */
  private stopNote: string | null = null;
  private lastProgressAt = 0;
  private lastProgressStep: string | null = null;

  constructor(
    private profileNow: Profile,
    private docker: LabDocker,
    private readonly world: LabWorld,
    /** An operation ended or a refresh found the lab not running: a catalog change waiting for it may apply (labs.ts). */
    private readonly settled: () => void = () => undefined,
  ) {
    this.viewNow = initialView(profileNow);
  }

  get id(): string {
    return this.profileNow.id;
  }
  get profile(): Profile {
    return this.profileNow;
  }
  get view(): LabView {
    return this.viewNow;
  }
  /** The operation running now, or null. */
  get operation(): Operation {
    return this.op;
  }
  /** The out-of-memory notice kept for the limit checks (reconcile.ts), or null. */
  get outOfMemoryNotice(): string | null {
    return this.oomNotice;
  }

  // ---- the user's actions ------------------------------------------------------------------------

  open(): Promise<LabView> {
    return this.act('open', () => this.run('starting', (signal) => this.start(signal)));
  }

  /** `note`: why ClassLab itself stopped it (an idle stop), said by the launcher until the next open. */
  stop(note: string | null = null): Promise<LabView> {
    return this.act('stop', () =>
      this.run('stopping', async () => {
        this.oomNotice = null;
        this.stopNote = null;
        this.update({ phase: 'stopping', reason: null, notebookUrl: null, notice: null });
        await this.docker.stop();
        this.stopNote = note;
        return this.refresh();
      }),
    );
  }

  reset(): Promise<LabView> {
    return this.act('reset', () =>
      this.run('stopping', async () => {
        this.oomNotice = null;
        this.update({ phase: 'stopping', reason: 'Resetting: the container is recreated, the workspace is kept.', notebookUrl: null, notice: null });
        await this.docker.removeContainers();
        this.update({ logTail: [] });
        return this.refresh();
      }),
    );
  }

  /** Builds or pulls the lab's image (and ClassLab's gate when it is not recorded yet). */
  prepare(): Promise<LabView> {
    return this.act('prepare', () => this.run('building', (signal) => this.build(signal)));
  }

  /** Ends a start that is running (a user's or an adoption) and waits until it has ended. */
  async cancel(reason = 'The start was cancelled.'): Promise<void> {
    if (this.op !== 'starting' || !this.opPromise) return;
    const ending = this.opPromise;
    this.abort?.abort(new LabError('BUSY', reason));
    await ending.catch(() => undefined);
  }

  /** Aborts whatever runs (ClassLab is closing) and waits for it to end. */
  async close(): Promise<void> {
    this.abort?.abort(new LabError('BUSY', 'ClassLab is closing.'));
    await this.opPromise?.catch(() => undefined);
  }

  /**
   * Waits for the notebook of a lab found running without an answering notebook (ClassLab restarted
   * mid-start, the engine came back, another ClassLab is starting it). Nothing is started here; if the
   * lab stops meanwhile, that is a stop, not an error.
   */
  adopt(): Promise<LabView> {
    if (this.op === 'starting' && this.opPromise) return this.opPromise;
    if (this.op) return Promise.reject(this.busy());
    return this.run('starting', async (signal) => {
      const { port, token } = this;
      if (!port || !token) return this.refresh();
      const outcome = await this.waitForNotebook(port, token, signal, 'stopped');
      return outcome === 'stopped' ? this.refresh() : this.ready(port, token);
    });
  }

  // ---- what Docker says --------------------------------------------------------------------------

  /** Reads Docker and sets the phase from what it finds. */
  async refresh(): Promise<LabView> {
    const details = await this.docker.details();
    const gateImage = (await this.world.gate.state()) !== 'missing';
    const observation = { ...details.observation, imagePresent: details.observation.imagePresent && gateImage };
    // A ready lab whose containers still run with the same port and token stays ready: a notebook that
    // is slow to answer one probe (a busy kernel, a loaded machine) has not changed state.
    const stillSame = this.viewNow.phase === 'ready' && details.port === this.port && details.token === this.token;
    this.port = details.port;
    this.token = details.token;
    const { port, token } = details;
    const answered = Boolean(port && token && (stillSame || (await this.world.notebook.answers(notebookBase(port), token))));
    const derived = derivePhase(observation, answered);
    const url = derived.phase === 'ready' && port && token ? notebookAddress(port, token) : null;
    const logTail = derived.phase === 'error' && this.viewNow.logTail.length === 0 ? await this.docker.logTail(30) : this.viewNow.logTail;
    // A failed start keeps its own reason until the user acts again.
    const keepError = this.viewNow.phase === 'error' && derived.phase === 'stopped';
    // Only a stopped lab can have a warm one waiting (one that runs was claimed, by this ClassLab or another).
    const warm = derived.phase === 'stopped' && this.viewNow.warm;
    const view = this.update(
      keepError ? { notebookUrl: null, warm: false } : { phase: derived.phase, reason: derived.reason, notebookUrl: url, logTail, warm },
    );
    if (!this.op && !isRunning(view.phase)) this.settled();
    return view;
  }

  /** Docker reported an out-of-memory kill: the notice stays until the user next acts on the lab. */
  outOfMemory(message: string): void {
    this.oomNotice = message;
    this.update({ notice: message });
  }

  /**
   * A warm lab is ready for this stopped lab, or not any more (labs/warm-labs.ts decides). Only a lab that is
   * stopped with nothing running on it can be warm; a start clears it.
   */
  setWarm(warm: boolean): void {
    if (warm && (this.op !== null || this.viewNow.phase !== 'stopped')) return;
    if (warm !== this.viewNow.warm) this.update({ warm });
  }

  /** A limit notice from the periodic check (reconcile.ts); null when no limit is hit. */
  setNotice(notice: string | null): void {
    if (notice !== this.viewNow.notice) this.update({ notice });
  }

  // ---- profile changes from the live catalog (labs.ts decides when) -------------------------------

  /** True when the profile can change under this lab now: no operation runs and no container runs. */
  canChangeProfile(): boolean {
    return this.op === null && !isRunning(this.viewNow.phase);
  }

  /** Says in the view why the lab still runs with its previous profile (null: nothing waits). */
  setCatalogNote(note: string | null): void {
    const shown = this.catalogNote !== null && this.viewNow.reason === this.catalogNote;
    this.catalogNote = note;
    this.update(shown ? { reason: null } : {});
  }

  /** Takes a new profile (and its Docker side); only when canChangeProfile(). Docker is not touched. */
  replaceProfile(profile: Profile, docker: LabDocker): void {
    if (!this.canChangeProfile()) throw this.busy();
    this.profileNow = profile;
    this.docker = docker;
    this.catalogNote = null;
    const fresh = initialView(profile);
    this.update({ ...fresh, phase: this.viewNow.phase, reason: this.viewNow.reason, logTail: this.viewNow.logTail, notice: this.viewNow.notice });
  }

  // ---- inside ------------------------------------------------------------------------------------

  /** The guard of every user action: join, cancel a start, or refuse what the phase does not allow. */
  private act(action: LabAction, begin: () => Promise<LabView>, recheck = true): Promise<LabView> {
    try {
      this.world.requireEngine();
    } catch (err) {
      return Promise.reject(err);
    }
    if (action === 'open' && this.op === 'starting' && this.opPromise) return this.opPromise;
    if (action === 'prepare' && this.op === 'building' && this.opPromise) return this.opPromise;
    if ((action === 'stop' || action === 'reset') && this.op === 'starting') return this.cancel().then(() => this.act(action, begin, recheck));
    if (this.op) return Promise.reject(this.busy());
    if (!allowedActions(this.viewNow.phase)[action]) {
      // The view may be older than Docker (the CLI built the image, another ClassLab started the lab).
      if (recheck)
        return this.refresh().then(
          () => this.act(action, begin, false),
          (err: unknown) => Promise.reject(this.world.asLabError(err, 'lab check failed', { lab: this.id })),
        );
      return Promise.reject(this.refusal(action));
    }
    return begin();
  }

  /** Runs one operation; errors leave the lab in a phase read back from Docker. */
  private run(op: RunningOp, body: (signal: AbortSignal) => Promise<LabView>): Promise<LabView> {
    const abort = new AbortController();
    this.op = op;
    this.abort = abort;
    const promise = (async () => {
      try {
        return await body(abort.signal);
      } catch (err) {
        throw this.world.asLabError(err, 'lab operation failed', { lab: this.id, op });
      } finally {
        this.op = null;
        this.abort = null;
        this.opPromise = null;
        this.settled();
      }
    })();
    this.opPromise = promise;
    return promise;
  }

  private async start(signal: AbortSignal): Promise<LabView> {
    const { profile } = this;
    const details = await this.docker.details();
    if (!details.observation.imagePresent || (await this.world.gate.state()) === 'missing') throw imageMissing(profile);
    // The cap on running labs (core/host/idle-cap.ts): refused with TOO_MANY_LABS before anything starts.
    const admitted = await this.world.admit?.(this.id);
    try {
      return await this.admittedStart(signal);
    } finally {
      admitted?.();
    }
  }

  private async admittedStart(signal: AbortSignal): Promise<LabView> {
    this.world.opening(this.id);
    this.oomNotice = null;
    this.stopNote = null;
    // A warm lab, if there is one, is claimed by this start (LabContainers.start): it is no longer warm.
    this.update({ phase: 'starting', reason: null, logTail: [], notebookUrl: null, notice: null, warm: false });
    const started = this.world.now();
    let port: number;
    let token: string;
    try {
      ({ port, token } = await this.docker.start());
      this.port = port;
      this.token = token;
      // A stop that came while the containers were made ends the start here; the stop then stops them.
      signal.throwIfAborted();
      await this.waitForNotebook(port, token, signal, 'error');
    } catch (err) {
      throw await this.failStart(err);
    }
    this.world.log.info('lab ready', { lab: this.id, ms: this.world.now() - started });
    const view = this.ready(port, token);
    this.world.opened(this.id);
    return view;
  }

  /**
   * The one wait for a notebook, for a user's start and for an adoption. A container that stops during
   * the wait is an error for a start and 'stopped' for an adoption; no answer in time stops the lab.
   */
  private async waitForNotebook(port: number, token: string, signal: AbortSignal, ifStopped: 'error' | 'stopped'): Promise<'ready' | 'stopped'> {
    const seconds = this.profile.server.startTimeoutSeconds;
    let stoppedMeanwhile = false;
    let outcome: 'ready' | 'timeout';
    try {
      outcome = await this.world.notebook.waitFor({
        url: notebookBase(port),
        token,
        timeoutMs: seconds * 1000,
        signal,
        stillAlive: async () => {
          if (await this.docker.isRunning()) return;
          stoppedMeanwhile = true;
          throw new LabError('START_FAILED', 'The lab container stopped while the notebook was starting.');
        },
      });
    } catch (err) {
      if (stoppedMeanwhile && ifStopped === 'stopped') return 'stopped';
      throw err;
    }
    if (outcome === 'timeout') {
      const timeout = new LabError('NOT_READY', `The notebook did not answer within ${seconds} s, so the lab was stopped.`);
      if (ifStopped === 'stopped') throw await this.failStart(timeout);
      throw timeout;
    }
    return 'ready';
  }

  private ready(port: number, token: string): LabView {
    return this.update({ phase: 'ready', reason: null, notebookUrl: notebookAddress(port, token) });
  }

  /** A start that failed: keep the last log lines, stop what was started, and say why. A cancel stops nothing itself. */
  private async failStart(err: unknown): Promise<LabError> {
    const cancelled = err instanceof LabError && err.code === 'BUSY';
    const error = err instanceof LabError ? err : new LabError('START_FAILED', (err as Error).message);
    if (cancelled) return error;
    const logTail = await this.docker.logTail(30).catch(() => []);
    try {
      await this.docker.stop();
    } catch (stopErr) {
      this.world.log.warn('could not stop a lab after a failed start', { lab: this.id, error: (stopErr as Error).message });
    }
    this.update({ phase: 'error', reason: error.message, logTail, notebookUrl: null });
    return error;
  }

  private async build(signal: AbortSignal): Promise<LabView> {
    const { profile } = this;
    const kind = profile.build ? 'build' : 'pull';
    let lines: string[] = [];
    const report = (snap: ProgressSnapshot, prefix: string | null) => {
      lines = snap.lines;
      const step = prefix && snap.step ? `${prefix}: ${snap.step}` : (snap.step ?? prefix);
      this.setProgress({ labId: this.id, kind, fraction: snap.fraction, step, lines, done: false, error: snap.error });
    };
    this.update({ phase: 'building', reason: null, logTail: [] });
    report({ fraction: null, step: null, lines: [], error: null }, kind === 'build' ? 'Building the lab image' : 'Pulling the lab image');
    try {
      // From the app's own Dockerfile, never the catalog's; a recorded, present gate is not rebuilt.
      if ((await this.world.gate.state()) !== 'ready') {
        await this.world.gate.build({ signal, onProgress: (s) => report({ ...s, fraction: null }, 'Preparing the lab gate') });
      }
      await this.world.prepareImage(profile, { signal, onProgress: (s) => report(s, null) });
    } catch (err) {
      const error = err instanceof LabError ? err : new LabError(kind === 'build' ? 'BUILD_FAILED' : 'PULL_FAILED', (err as Error).message);
      this.setProgress({ labId: this.id, kind, fraction: null, step: null, lines, done: true, error: error.message });
      this.update({ phase: 'error', reason: error.message });
      throw error;
    }
    this.setProgress({ labId: this.id, kind, fraction: 1, step: 'Done', lines, done: true, error: null });
    this.update({ progress: null });
    return this.refresh();
  }

  /**
   * Build logs can come hundreds of lines a second: at most ~8 updates a second reach the UI, plus one
   * for every new step (a cached build passes all its steps in a few milliseconds), plus the last.
   */
  private setProgress(progress: ImageProgress): void {
    this.viewNow = { ...this.viewNow, progress };
    const now = this.world.now();
    const newStep = progress.step !== this.lastProgressStep;
    this.lastProgressStep = progress.step;
    if (!progress.done && !newStep && now - this.lastProgressAt < 120) return;
    this.lastProgressAt = now;
    this.world.progress(progress);
    this.world.changed(this.viewNow);
  }

  /** The one way the view changes: one labs:changed per real change, none for a patch that changes nothing. */
  private update(patch: Partial<LabView>): LabView {
    const next = { ...this.viewNow, ...patch };
    // A running lab whose catalog entry changed says so while it runs (the reason line of its card).
    if (this.catalogNote && isRunning(next.phase) && next.reason === null) next.reason = this.catalogNote;
    // A lab ClassLab stopped says why while it stays stopped (the launcher's card).
    if (this.stopNote && next.phase === 'stopped' && next.reason === null) next.reason = this.stopNote;
    const changed = JSON.stringify(next) !== JSON.stringify(this.viewNow);
    this.viewNow = next;
    if (changed) this.world.changed(next);
    return next;
  }

  private busy(): LabError {
    return new LabError('BUSY', `${this.profile.title} is ${this.op ?? this.viewNow.phase}; wait until that is done.`);
  }

  private refusal(action: LabAction): LabError {
    const { title } = this.profile;
    const phase = this.viewNow.phase;
    // A missing image is refused with the code that says what to do.
    if (action === 'open' && phase === 'image-missing') return imageMissing(this.profile);
    if (action === 'prepare') return new LabError('BUSY', `${title} is ${phase}; stop it before rebuilding its image.`);
    if (action === 'stop') return new LabError('BUSY', `${title} is ${phase}: there is nothing to stop.`);
    return new LabError('BUSY', `${title} is ${phase}; ${action} is not possible now.`);
  }
}

function imageMissing(profile: Profile): LabError {
  return new LabError('IMAGE_MISSING', `The image of ${profile.title} is not on this computer. ${profile.build ? 'Build' : 'Pull'} it first.`);
}

export function initialView(profile: Profile): LabView {
  return {
    id: profile.id,
    title: profile.title,
    description: profile.description,
    image: profile.image,
    source: profile.build ? 'build' : 'pull',
    phase: 'stopped',
    reason: null,
    logTail: [],
    notice: null,
    progress: null,
    notebookUrl: null,
    resources: { memoryMiB: profile.resources.memoryMiB, cpus: profile.resources.cpus, pids: profile.resources.pids },
    network: profile.network,
    layout: profile.layout,
    warm: false,
  };
}
