// The ClassLab core: the labs of the catalog, their phases, and the user's actions on them. Electron-free;
// the Electron main process, the bridge and the CLI all run this same object.
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { AuditReport, EventName, EventPayload, ImageProgress, LabView } from '../api/contract';
import { runAudit } from './audit';
import { LabError } from '../api/errors';
import { Engine } from './engine/engine';
import { buildImage, imagePresent, pullImage } from './images/images';
import { HelperImages } from './images/helper-images';
import type { HostPolicy } from './profiles/mount-policy';
import { defaultHostFolderContext } from './trust/host-folders';
import type { ProgressSnapshot } from './images/progress';
import { LabContainers } from './labs/containers';
import { execCollect } from './engine/exec';
import { LABEL, NAMESPACE_PATTERN } from './labs/naming';
import { notebookAnswers, waitForNotebook } from './labs/readiness';
import { allowedActions, derivePhase, type Operation } from './labs/state';
import { loadCatalog, type LoadedCatalog } from './profiles/catalog';
import type { Profile } from './profiles/schema';
import { explainDiskFull, explainEvent, explainProcesses } from './sandbox/explain';
import { workspaceUsage } from './sandbox/disk';
import type { SettingsStore } from './settings';
import { Terminals } from './terminal/terminals';
import { LabFiles } from './files/lab-files';
import { Transfers, type TransferRequest, type TransferResponse } from './files/transfers';
import { fetchNotebook } from './files/url-import';
import type { ScriptTarget } from './files/workspace-script';
import { GitCredentialStore } from './git/credentials';
import { LabGit } from './git/lab-git';
import { EncryptedFileSecretStore } from './secrets/aes-cipher';
import type { SecretStore } from './secrets/secret-store';
import type { ClassLabCore, CoreService, Logger } from './types';

export interface ClassLabOptions {
  settings: SettingsStore;
  /** The folder with catalog.json and the bundled Dockerfile folders (images/). */
  catalogDir: string;
  /**
   * The app's own images folder (its bundled Dockerfiles). ClassLab's helper images are built only from
   * here, never from a catalog's folder, which CLASSLAB_CATALOG (or a lab pack) may supply.
   */
  imagesDir: string;
  dataDir: string;
  log: Logger;
  /** Prefix of every Docker object's name and the `classlab.instance` label. Tests use their own. */
  namespace?: string;
  engine?: Engine;
  /** How often Docker is re-read even without events (events can be missed). */
  reconcileEveryMs?: number;
  /**
   * Where git tokens are kept: the Electron shell passes the OS's secret storage (openAppSecretStore);
   * without it, an encrypted file with a key file in the data folder (secrets.bin, secrets.key).
   */
  secrets?: SecretStore;
}

interface LabRecord {
  profile: Profile;
  containers: LabContainers;
  files: LabFiles;
  view: LabView;
  port: number | null;
  token: string | null;
  op: Operation;
  opPromise: Promise<LabView> | null;
  abort: AbortController | null;
  /** The last out-of-memory notice, kept until the user next opens, stops or resets the lab. */
  oomNotice: string | null;
}

type CoreEvents = { [E in EventName]: [EventPayload<E>] };

export async function createClassLab(opts: ClassLabOptions): Promise<ClassLabCore> {
  const namespace = opts.namespace ?? 'classlab';
  if (!NAMESPACE_PATTERN.test(namespace)) throw new LabError('BAD_REQUEST', `bad namespace ${namespace}`);
  // Profiles are untrusted: their mounts are checked against this machine's own trust, read live.
  const policy: HostPolicy = { trust: () => opts.settings.get().trust, hostFolders: defaultHostFolderContext(opts.dataDir) };
  const catalog = await loadCatalog(opts.catalogDir, policy);
  for (const p of catalog.problems) opts.log.warn('profile problem', { ...p });
  const core = new Core(opts, namespace, catalog, opts.engine ?? new Engine(), policy);
  await core.start();
  return core;
}

class Core implements ClassLabCore {
  private readonly events = new EventEmitter<CoreEvents>();
  private readonly labs = new Map<string, LabRecord>();
  private reconcileTimer: NodeJS.Timeout | null = null;
  private engineUp: Promise<void> | null = null;
  private eventStream: NodeJS.ReadableStream | null = null;
  private pendingReconcile = new Map<string, NodeJS.Timeout>();
  private closed = false;
  private readonly hostPorts = new Set<number>();
  private audit: { promise: Promise<AuditReport[]>; abort: AbortController } | null = null;
  private readonly terminals = new Terminals({
    data: (terminalId, data) => this.emit('terminal:data', { terminalId, data }),
    exit: (exit) => this.emit('terminal:exit', exit),
  });
  private readonly transfers: Transfers;
  private readonly git: LabGit;
  /** ClassLab's gate image, built from the app's own Dockerfile and run by its trusted ID. */
  private readonly helpers: HelperImages;
  readonly service: CoreService;

  constructor(
    private readonly opts: ClassLabOptions,
    private readonly namespace: string,
    private readonly catalog: LoadedCatalog,
    private readonly engine: Engine,
    private readonly policy: HostPolicy,
  ) {
    this.events.setMaxListeners(100);
    this.helpers = new HelperImages(() => this.engine.docker(), opts.imagesDir, opts.dataDir);
    this.transfers = new Transfers(opts.log);
    let secrets: Promise<SecretStore> | null = opts.secrets ? Promise.resolve(opts.secrets) : null;
    const credentials = new GitCredentialStore(() => (secrets ??= EncryptedFileSecretStore.open(path.join(opts.dataDir, 'secrets.bin'), path.join(opts.dataDir, 'secrets.key'))));
    this.git = new LabGit({
      dataDir: opts.dataDir,
      credentials,
      log: opts.log,
      profile: (id) => this.lab(id).profile,
      target: (id) => this.gitTarget(id),
      emit: (progress) => this.emit('git:progress', progress),
      trust: policy.trust,
    });
    for (const profile of catalog.profiles) {
      const containers = new LabContainers(() => this.engine.docker(), profile, namespace, { gateImage: () => this.helpers.gateId(), policy });
      this.labs.set(profile.id, {
        profile,
        containers,
        files: new LabFiles(() => this.engine.docker(), containers, opts.log),
        view: initialView(profile),
        port: null,
        token: null,
        op: null,
        opPromise: null,
        abort: null,
        oomNotice: null,
      });
    }
    this.service = {
      // Asking for the status checks now: the engine screen's "Check now" needs no other method.
      'engine:status': () => this.engine.check(),
      'labs:list': async () => ({ labs: [...this.labs.values()].map((l) => l.view), problems: this.catalog.problems }),
      'labs:open': (id) => this.open(id),
      'labs:stop': (id) => this.stop(id),
      'labs:reset': (id) => this.reset(id),
      'images:prepare': (id) => this.prepare(id),
      'terminal:open': (labId, size) => this.openTerminal(labId, size),
      'terminal:write': async (id, data) => (this.terminals.get(id).write(data), null),
      'terminal:resize': async (id, size) => (await this.terminals.get(id).resize(size), null),
      'terminal:ack': async (id, chars) => (this.terminals.get(id).ack(chars), null),
      'audit:run': (labId) => this.runAudit(labId),
      'files:list': (id, p) => this.onFiles(id, (f) => f.list(p)),
      'files:mkdir': (id, p) => this.onFiles(id, (f) => f.mkdir(p)),
      'files:move': (id, from, to) => this.onFiles(id, (f) => f.move(from, to)),
      'files:trash': (id, paths) => this.onFiles(id, (f) => f.trash(paths)),
      'files:trashList': (id) => this.onFiles(id, (f) => f.trashList()),
      'files:restore': (id, trashId) => this.onFiles(id, (f) => f.restore(trashId)),
      'files:emptyTrash': (id) => this.onFiles(id, (f) => f.emptyTrash()),
      'files:uploadPlan': (id, request) => this.onFiles(id, async (f) => this.transfers.grantUpload(f, await f.plan(request))),
      'files:uploadCancel': async (uploadId) => this.transfers.cancelUpload(uploadId),
      'files:downloadLink': (id, p) => this.onFiles(id, async (f) => this.transfers.grantDownload(f, await f.describe(p))),
      'files:importUrl': (id, dir, url) =>
        this.onFiles(id, async (f) => {
          const notebook = await fetchNotebook(url);
          return { path: await f.writeFile(dir, notebook.name, notebook.data), bytes: notebook.data.length };
        }),
      'git:courseStatus': (id) => this.git.courseStatus(id),
      'git:sync': (id) => this.git.sync(id),
      'git:snapshots': (id) => this.git.snapshots(id),
      'git:restoreSnapshot': (id, snapshotId) => this.git.restoreSnapshot(id, snapshotId),
      'git:repoStatus': (id, folder) => this.git.repoStatus(id, folder),
      'git:commit': (id, folder, message, author) => this.git.commit(id, folder, message, author),
      'git:push': (id, folder, url) => this.git.push(id, folder, url),
      'git:setCredentials': async (url, username, token) => (await credentials.set(url, username, token), null),
      'git:forgetCredentials': async (url) => (await credentials.forget(url), null),
      'terminal:close': async (id) => {
        // Closing a terminal that already ended (the lab stopped meanwhile) is fine: it is closed.
        await this.terminals.find(id)?.close();
        return null;
      },
    };
  }

  async start(): Promise<void> {
    this.engine.on('status', (status) => {
      this.emit('engine:changed', status);
      if (status.state === 'up') this.engineUp = this.onEngineUp();
      else this.stopWatching();
    });
    await this.engine.check();
    // The first list must show what Docker has, not a guess: wait for the first reconcile.
    await this.engineUp;
    const every = this.opts.reconcileEveryMs ?? 10_000;
    this.reconcileTimer = setInterval(() => {
      if (this.engine.status().state === 'up') void this.reconcileAll();
    }, every);
    this.reconcileTimer.unref();
  }

  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    const l = listener as (...args: CoreEvents[E]) => void;
    (this.events.on as (e: E, l: (...args: CoreEvents[E]) => void) => void)(event, l);
    return () => (this.events.off as (e: E, l: (...args: CoreEvents[E]) => void) => void)(event, l);
  }

  exposeHostPort(port: number): () => void {
    this.hostPorts.add(port);
    return () => this.hostPorts.delete(port);
  }

  stats(): { terminals: number; listeners: number } {
    return { terminals: this.terminals.count(), listeners: this.events.eventNames().reduce((n, e) => n + this.events.listenerCount(e), 0) };
  }

  transfer(req: TransferRequest): Promise<TransferResponse> {
    return this.transfers.handle(req);
  }

  notebookUrl(labId: string): string | null {
    return this.labs.get(labId)?.view.notebookUrl ?? null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    for (const t of this.pendingReconcile.values()) clearTimeout(t);
    this.stopWatching();
    for (const lab of this.labs.values()) lab.abort?.abort(new LabError('BUSY', 'ClassLab is closing.'));
    // A sandbox check in progress removes its throw-away labs as it stops.
    this.audit?.abort.abort(new LabError('BUSY', 'ClassLab is closing.'));
    await this.audit?.promise.catch(() => undefined);
    // A terminal's shell would outlive ClassLab inside the container: end them (the labs keep running).
    await this.terminals.closeAll().catch(() => undefined);
    this.transfers.close();
    await this.git.close();
    for (const lab of this.labs.values()) lab.files.dispose();
    await Promise.allSettled([...this.labs.values()].map((l) => l.opPromise));
    this.engine.close();
    this.events.removeAllListeners();
  }

  // ---- actions -------------------------------------------------------------------------------

  private async open(id: string): Promise<LabView> {
    const lab = this.lab(id);
    this.engine.docker();
    if (lab.op === 'starting' && lab.opPromise) return lab.opPromise;
    if (lab.op) throw busy(lab);
    return this.run(lab, 'starting', async (signal) => {
      const details = await lab.containers.details();
      if (!details.observation.imagePresent || (await this.helpers.state()) === 'missing') {
        throw new LabError('IMAGE_MISSING', `The image of ${lab.profile.title} is not on this computer. ${lab.profile.build ? 'Build' : 'Pull'} it first.`);
      }
      this.opts.settings.update({ lastOpenedLab: id });
      lab.oomNotice = null;
      this.update(lab, { phase: 'starting', reason: null, logTail: [], notebookUrl: null, notice: null });
      const started = Date.now();
      let port: number;
      let token: string;
      try {
        ({ port, token } = await lab.containers.start());
      } catch (err) {
        throw await this.failStart(lab, err);
      }
      lab.port = port;
      lab.token = token;
      const base = `http://127.0.0.1:${port}/`;
      const timeoutMs = lab.profile.server.startTimeoutSeconds * 1000;
      let outcome: 'ready' | 'timeout';
      try {
        outcome = await waitForNotebook({
          url: base,
          token,
          timeoutMs,
          signal,
          stillAlive: async () => {
            if (!(await lab.containers.isRunning())) throw new LabError('START_FAILED', 'The lab container stopped while the notebook was starting.');
          },
        });
      } catch (err) {
        throw await this.failStart(lab, err);
      }
      if (outcome === 'timeout') {
        throw await this.failStart(lab, new LabError('NOT_READY', `The notebook did not answer within ${lab.profile.server.startTimeoutSeconds} s, so the lab was stopped.`));
      }
      this.opts.log.info('lab ready', { lab: id, ms: Date.now() - started });
      const view = this.update(lab, { phase: 'ready', reason: null, notebookUrl: notebookAddress(base, token) });
      // The course: copied in on the first open, synced on every open when the profile asks. In the background.
      this.git.afterOpen(id);
      return view;
    });
  }

  /** Waits for the notebook of a lab that is already running; if it stops meanwhile, that is a stop, not an error. */
  private adopt(lab: LabRecord): Promise<LabView> {
    return this.run(lab, 'starting', async (signal) => {
      const { port, token } = lab;
      if (!port || !token) return this.refresh(lab);
      const base = `http://127.0.0.1:${port}/`;
      let stoppedMeanwhile = false;
      const outcome = await waitForNotebook({
        url: base,
        token,
        timeoutMs: lab.profile.server.startTimeoutSeconds * 1000,
        signal,
        stillAlive: async () => {
          if (!(await lab.containers.isRunning())) {
            stoppedMeanwhile = true;
            throw new LabError('BUSY', 'stopped meanwhile');
          }
        },
      }).catch((err: unknown) => {
        if (stoppedMeanwhile) return 'stopped' as const;
        throw err;
      });
      if (outcome === 'stopped') return this.refresh(lab);
      if (outcome === 'timeout') {
        throw await this.failStart(lab, new LabError('NOT_READY', `The notebook did not answer within ${lab.profile.server.startTimeoutSeconds} s, so the lab was stopped.`));
      }
      return this.update(lab, { phase: 'ready', reason: null, notebookUrl: notebookAddress(base, token) });
    });
  }

  private async openTerminal(labId: string, size: { cols: number; rows: number }) {
    const lab = this.lab(labId);
    const docker = this.engine.docker();
    if (lab.view.phase !== 'ready') throw new LabError('NOT_READY', `${lab.profile.title} is not running: open it first, then open a terminal.`);
    return this.terminals.start(
      docker,
      { labId, container: lab.containers.names.container, user: lab.profile.server.user, workdir: lab.profile.server.workspace },
      size,
    );
  }

  /**
   * The sandbox check: for one lab, or every lab whose image is here, a throw-away lab from its profile
   * is attacked as a student would attack it (see core/audit). The user's own labs are not touched.
   */
  private runAudit(labId: string | null): Promise<AuditReport[]> {
    const docker = this.engine.docker();
    if (this.audit) return this.audit.promise;
    const targets = labId ? [this.lab(labId)] : [...this.labs.values()];
    const abort = new AbortController();
    const promise = (async () => {
      const reports: AuditReport[] = [];
      for (const lab of targets) {
        const startedAt = Date.now();
        const report = (results: AuditReport['results'], problem: string | null): AuditReport => ({
          labId: lab.profile.id,
          title: lab.profile.title,
          results,
          allBlocked: problem === null && results.length > 0 && results.every((r) => r.blocked),
          problem,
          startedAt,
          finishedAt: Date.now(),
        });
        if (!(await imagePresent(docker, lab.profile.image)) || (await this.helpers.state()) === 'missing') {
          // Not a pass: a lab that could not be checked says so (and `classlab audit` fails).
          reports.push(report([], `The image of ${lab.profile.title} is not on this computer: build it first, then run the check.`));
          continue;
        }
        this.emit('audit:progress', { labId: lab.profile.id, stage: 'starting', result: null });
        const results = await runAudit({
          docker: () => this.engine.docker(),
          profile: lab.profile,
          namespace: this.namespace,
          log: this.opts.log,
          hostPorts: [...this.hostPorts],
          policy: this.policy,
          gateImage: () => this.helpers.gateId(),
          signal: abort.signal,
          onProgress: (result) => this.emit('audit:progress', { labId: lab.profile.id, stage: 'result', result }),
        });
        reports.push(report(results, null));
        this.emit('audit:progress', { labId: lab.profile.id, stage: 'done', result: null });
      }
      return reports;
    })().finally(() => {
      this.audit = null;
    });
    this.audit = { promise, abort };
    return promise;
  }

  /** A start that failed: keep the last log lines, stop what was started, and say why. */
  private async failStart(lab: LabRecord, err: unknown): Promise<LabError> {
    const aborted = err instanceof LabError && err.code === 'BUSY';
    const error = err instanceof LabError ? err : new LabError('START_FAILED', (err as Error).message);
    const logTail = aborted ? [] : await lab.containers.logTail(30);
    if (!aborted) {
      try {
        await lab.containers.stop();
      } catch (stopErr) {
        this.opts.log.warn('could not stop a lab after a failed start', { lab: lab.profile.id, error: (stopErr as Error).message });
      }
      this.update(lab, { phase: 'error', reason: error.message, logTail, notebookUrl: null });
    }
    return error;
  }

  private async stop(id: string): Promise<LabView> {
    const lab = this.lab(id);
    this.engine.docker();
    await this.cancelStart(lab);
    if (lab.op) throw busy(lab);
    return this.run(lab, 'stopping', async () => {
      lab.oomNotice = null;
      this.update(lab, { phase: 'stopping', reason: null, notebookUrl: null, notice: null });
      await lab.containers.stop();
      return this.refresh(lab);
    });
  }

  private async reset(id: string): Promise<LabView> {
    const lab = this.lab(id);
    this.engine.docker();
    await this.cancelStart(lab);
    if (lab.op) throw busy(lab);
    return this.run(lab, 'stopping', async () => {
      lab.oomNotice = null;
      this.update(lab, { phase: 'stopping', reason: 'Resetting: the container is recreated, the workspace is kept.', notebookUrl: null, notice: null });
      await lab.containers.removeContainers();
      this.update(lab, { logTail: [] });
      return this.refresh(lab);
    });
  }

  private async prepare(id: string): Promise<LabView> {
    const lab = this.lab(id);
    const docker = this.engine.docker();
    if (lab.op === 'building' && lab.opPromise) return lab.opPromise;
    if (lab.op) throw busy(lab);
    if (!allowedActions(lab.view.phase).prepare) throw new LabError('BUSY', `${lab.profile.title} is ${lab.view.phase}; stop it before rebuilding its image.`);
    return this.run(lab, 'building', async (signal) => {
      const kind = lab.profile.build ? 'build' : 'pull';
      let lines: string[] = [];
      const report = (snap: ProgressSnapshot, prefix: string | null, done = false) => {
        lines = snap.lines;
        const progress: ImageProgress = {
          labId: id,
          kind,
          fraction: snap.fraction,
          step: prefix && snap.step ? `${prefix}: ${snap.step}` : (snap.step ?? prefix),
          lines,
          done,
          error: snap.error,
        };
        this.setProgress(lab, progress);
      };
      this.update(lab, { phase: 'building', reason: null, logTail: [] });
      report({ fraction: null, step: null, lines: [], error: null }, kind === 'build' ? 'Building the lab image' : 'Pulling the lab image');
      try {
        // From the app's own Dockerfile, never the catalog's; a recorded, present gate is not rebuilt.
        if ((await this.helpers.state()) !== 'ready') {
          await this.helpers.build({ signal, onProgress: (s) => report({ ...s, fraction: null }, 'Preparing the lab gate') });
        }
        if (lab.profile.build) {
          await buildImage(docker, path.join(this.catalog.dir, lab.profile.build.context), lab.profile.image, { signal, onProgress: (s) => report(s, null) });
        } else {
          await pullImage(docker, lab.profile.image, { signal, onProgress: (s) => report(s, null) });
        }
      } catch (err) {
        const error = err instanceof LabError ? err : new LabError(kind === 'build' ? 'BUILD_FAILED' : 'PULL_FAILED', (err as Error).message);
        this.setProgress(lab, { labId: id, kind, fraction: null, step: null, lines, done: true, error: error.message });
        this.update(lab, { phase: 'error', reason: error.message });
        throw error;
      }
      this.setProgress(lab, { labId: id, kind, fraction: 1, step: 'Done', lines, done: true, error: null });
      this.update(lab, { progress: null });
      return this.refresh(lab);
    });
  }

  // ---- bookkeeping ---------------------------------------------------------------------------

  /** Runs one operation on a lab; errors leave the lab in a phase read back from Docker. */
  private run(lab: LabRecord, op: Exclude<Operation, null>, body: (signal: AbortSignal) => Promise<LabView>): Promise<LabView> {
    const abort = new AbortController();
    lab.op = op;
    lab.abort = abort;
    const promise = (async () => {
      try {
        return await body(abort.signal);
      } catch (err) {
        throw this.asLabError(err, 'lab operation failed', { lab: lab.profile.id, op });
      } finally {
        lab.op = null;
        lab.abort = null;
        lab.opPromise = null;
      }
    })();
    lab.opPromise = promise;
    return promise;
  }

  private async cancelStart(lab: LabRecord): Promise<void> {
    if (lab.op !== 'starting' || !lab.opPromise) return;
    lab.abort?.abort(new LabError('BUSY', 'The start was cancelled.'));
    await lab.opPromise.catch(() => undefined);
  }

  /** Reads Docker and sets the phase from what it finds; adopts a running lab whose notebook answers. */
  private async refresh(lab: LabRecord): Promise<LabView> {
    const details = await lab.containers.details();
    const gateImage = (await this.helpers.state()) !== 'missing';
    const observation = { ...details.observation, imagePresent: details.observation.imagePresent && gateImage };
    // A ready lab whose containers still run with the same port and token stays ready: a notebook that
    // is slow to answer one probe (a busy kernel, a loaded machine) has not changed state.
    const stillSame = lab.view.phase === 'ready' && details.port === lab.port && details.token === lab.token;
    lab.port = details.port;
    lab.token = details.token;
    const base = details.port ? `http://127.0.0.1:${details.port}/` : null;
    const answered = Boolean(base && details.token && (stillSame || (await notebookAnswers(base, details.token))));
    const derived = derivePhase(observation, answered);
    const url = derived.phase === 'ready' && base && details.token ? notebookAddress(base, details.token) : null;
    const logTail = derived.phase === 'error' && lab.view.logTail.length === 0 ? await lab.containers.logTail(30) : lab.view.logTail;
    // A failed start keeps its own reason until the user acts again.
    const keepError = lab.view.phase === 'error' && derived.phase === 'stopped';
    return this.update(lab, keepError ? { notebookUrl: null } : { phase: derived.phase, reason: derived.reason, notebookUrl: url, logTail });
  }

  private async reconcile(lab: LabRecord): Promise<void> {
    if (lab.op || this.closed) return;
    try {
      const view = await this.refresh(lab);
      if (view.phase === 'ready') await this.checkLimits(lab);
      // A lab running without an answering notebook yet (ClassLab restarted mid-start, or another ClassLab
      // is starting it): adopt it by waiting for the notebook. Nothing is started here.
      if (view.phase === 'starting' && !lab.op) void this.adopt(lab).catch(() => undefined);
    } catch (err) {
      if (isEngineGone(err)) this.engine.suspect();
      else this.opts.log.warn('reconcile failed', { lab: lab.profile.id, error: (err as Error).message });
    }
  }

  /** Docker reported an out-of-memory kill in the lab: say so in plain words (never a silent death). */
  private async onOutOfMemory(labId: string): Promise<void> {
    const lab = this.labs.get(labId);
    if (!lab) return;
    // The event comes before any 'die': look a moment later whether the lab itself survived.
    await new Promise((r) => setTimeout(r, 1000));
    const running = await lab.containers.isRunning().catch(() => false);
    const explained = explainEvent({ Action: 'oom' }, lab.profile, running);
    if (!explained) return;
    lab.oomNotice = explained.message;
    this.opts.log.warn('lab ran out of memory', { lab: labId, running });
    this.update(lab, { notice: explained.message });
  }

  /**
   * While a lab runs: is its workspace full, or is it at its process limit? One cheap exec each time
   * Docker is reconciled. A notice clears itself once the condition is gone; an out-of-memory notice
   * stays until the user next acts on the lab.
   */
  private async checkLimits(lab: LabRecord): Promise<void> {
    const docker = this.engine.docker();
    const { container } = lab.containers.names;
    const usage = await workspaceUsage(docker, container, lab.profile);
    let notice = usage ? explainDiskFull(usage, lab.profile.resources.diskMiB)?.message ?? null : null;
    if (!notice) {
      const pids = await processCount(docker, container, lab.profile.server.user);
      notice = pids === null ? null : (explainProcesses(pids, lab.profile)?.message ?? null);
    }
    notice ??= lab.oomNotice;
    if (notice !== lab.view.notice) this.update(lab, { notice });
  }

  private reconcileAll(): Promise<void> {
    return Promise.all([...this.labs.values()].map((l) => this.reconcile(l))).then(() => undefined);
  }

  private async onEngineUp(): Promise<void> {
    await this.reconcileAll();
    await this.watchEvents();
  }

  /** Docker events for our containers trigger a (debounced) reconcile of that lab. */
  private async watchEvents(): Promise<void> {
    if (this.eventStream || this.closed) return;
    try {
      const stream = (await this.engine.docker().getEvents({
        filters: { type: ['container'], label: [`${LABEL.instance}=${this.namespace}`] },
      })) as NodeJS.ReadableStream;
      this.eventStream = stream;
      let buffered = '';
      stream.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          const event = parseEvent(line);
          if (!event?.labId) continue;
          // Execs (terminals, file operations, health checks) and health reports change no lab's state;
          // reconciling on them would make one exec per health check, and per reconcile, forever.
          if (/^(exec_|health_status)/.test(event.action)) continue;
          if (event.action === 'oom' && event.role === 'lab') void this.onOutOfMemory(event.labId);
          this.scheduleReconcile(event.labId);
        }
      });
      const ended = () => {
        if (this.eventStream === stream) this.eventStream = null;
        if (!this.closed) this.engine.suspect();
      };
      stream.on('end', ended);
      stream.on('error', ended);
    } catch (err) {
      this.opts.log.warn('cannot watch Docker events; relying on periodic checks', { error: (err as Error).message });
    }
  }

  private stopWatching(): void {
    const s = this.eventStream as (NodeJS.ReadableStream & { destroy?: () => void }) | null;
    this.eventStream = null;
    s?.removeAllListeners();
    s?.destroy?.();
  }

  private scheduleReconcile(labId: string): void {
    const lab = this.labs.get(labId);
    if (!lab) return;
    clearTimeout(this.pendingReconcile.get(labId));
    this.pendingReconcile.set(
      labId,
      setTimeout(() => {
        this.pendingReconcile.delete(labId);
        void this.reconcile(lab);
      }, 150),
    );
  }

  /** A file operation on a lab's workspace, with Docker's failures said in plain words. */
  private async onFiles<T>(id: string, work: (files: LabFiles) => Promise<T>): Promise<T> {
    const lab = this.lab(id);
    this.engine.docker();
    try {
      return await work(lab.files);
    } catch (err) {
      if (err instanceof LabError) throw err;
      if (!isEngineGone(err) && /no such image/i.test((err as Error).message)) {
        throw new LabError('IMAGE_MISSING', `The image of ${lab.profile.title} is not installed: install it first, then its files can be shown.`);
      }
      throw this.asLabError(err, 'file operation failed', { lab: id });
    }
  }

  /**
   * Any failure as a LabError the UI can act on: Docker gone away as ENGINE_DOWN (and the engine is checked
   * again); another LabError as it is; anything else logged, then INTERNAL with its message.
   */
  private asLabError(err: unknown, what: string, fields: Record<string, unknown>): LabError {
    if (isEngineGone(err)) {
      this.engine.suspect();
      return new LabError('ENGINE_DOWN', 'Docker stopped answering. ClassLab reconnects by itself when it is back.');
    }
    if (err instanceof LabError) return err;
    this.opts.log.error(what, { ...fields, error: (err as Error).message });
    return new LabError('INTERNAL', (err as Error).message);
  }

  /** Where git reaches a lab's files: the running lab, as its own user. */
  private gitTarget(id: string): ScriptTarget {
    const lab = this.lab(id);
    if (lab.view.phase !== 'ready') throw new LabError('NOT_READY', `${lab.profile.title} is not running: open it first, then sync or commit.`);
    return { docker: this.engine.docker(), container: lab.containers.names.container, profile: lab.profile };
  }

  private lab(id: string): LabRecord {
    const lab = this.labs.get(id);
    if (!lab) {
      const known = [...this.labs.keys()].join(', ') || 'none';
      throw new LabError('LAB_NOT_FOUND', `There is no lab "${id}". Labs: ${known}.`);
    }
    return lab;
  }

  private update(lab: LabRecord, patch: Partial<LabView>): LabView {
    const next = { ...lab.view, ...patch };
    const changed = JSON.stringify(next) !== JSON.stringify(lab.view);
    lab.view = next;
    if (changed) this.emit('labs:changed', next);
    return next;
  }

  private lastProgressAt = new Map<string, number>();
  private lastProgressStep = new Map<string, string | null>();
  private setProgress(lab: LabRecord, progress: ImageProgress): void {
    lab.view = { ...lab.view, progress };
    // Build logs can come hundreds of lines a second: at most ~8 updates a second reach the UI, plus one
    // for every new step (a cached build passes all its steps in a few milliseconds).
    const now = Date.now();
    const last = this.lastProgressAt.get(lab.profile.id) ?? 0;
    const newStep = progress.step !== this.lastProgressStep.get(lab.profile.id);
    this.lastProgressStep.set(lab.profile.id, progress.step);
    if (!progress.done && !newStep && now - last < 120) return;
    this.lastProgressAt.set(lab.profile.id, now);
    this.emit('images:progress', progress);
    this.emit('labs:changed', lab.view);
  }

  private emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    (this.events.emit as (e: E, p: EventPayload<E>) => boolean)(event, payload);
  }
}

function initialView(profile: Profile): LabView {
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
  };
}

function notebookAddress(base: string, token: string): string {
  return `${base}tree?token=${encodeURIComponent(token)}`;
}

function busy(lab: LabRecord): LabError {
  return new LabError('BUSY', `${lab.profile.title} is ${lab.op ?? lab.view.phase}; wait until that is done.`);
}

function parseEvent(line: string): { labId: string | null; role: string | null; action: string } | null {
  try {
    const ev = JSON.parse(line) as { Action?: string; Actor?: { Attributes?: Record<string, string> } };
    const attrs = ev.Actor?.Attributes ?? {};
    return { labId: attrs[LABEL.lab] ?? null, role: attrs[LABEL.role] ?? null, action: ev.Action ?? '' };
  } catch {
    return null;
  }
}

function isEngineGone(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'ECONNRESET' || code === 'EPIPE' || (err instanceof LabError && err.code === 'ENGINE_DOWN');
}

/** Processes in the lab's cgroup (v2, then v1), or null when that cannot be read. */
async function processCount(docker: import('dockerode'), container: string, user: string): Promise<number | null> {
  try {
    const { out } = await execCollect(docker, container, ['/bin/sh', '-c', 'cat /sys/fs/cgroup/pids.current 2>/dev/null || cat /sys/fs/cgroup/pids/pids.current'], { user, stderr: false });
    const n = Number(out.trim());
    return Number.isFinite(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}
